import path from 'node:path';
import { parseArgs } from './lib/args.js';
import { runCli } from './lib/cli.js';
import { pullProvider } from './lib/pullProvider.js';
import { PrepareError } from './lib/prepare.js';
import { loadSourceConfig, SOURCE_DIR } from './lib/providers.js';
import { selectProviders } from './lib/select.js';
import { SourceError } from './lib/source.js';

const USAGE = 'usage: npm run pull -- [--provider NAME] [--mirror DIR] [--out DIR] [--update]';
const ACCEPT_HINT = 'drift detected: review the report above, then run `npm run pull -- --update` to accept';

function mirrorDirectory(option: string | undefined): string | undefined {
  const chosen = option ?? process.env['TUNEKIT_SPEC_MIRROR'];
  return chosen === undefined || chosen === '' ? undefined : path.resolve(chosen);
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['--provider', '--mirror', '--out'], ['--update']);
  const providers = selectProviders(args.values.get('--provider'));
  const options = {
    mirrorDir: mirrorDirectory(args.values.get('--mirror')),
    outDir: path.resolve(args.values.get('--out') ?? SOURCE_DIR),
    update: args.flags.has('--update'),
    now: () => new Date(),
  };
  let failed = false;
  let drifted = false;
  for (const provider of providers) {
    try {
      const outcome = await pullProvider(await loadSourceConfig(provider), options);
      process.stdout.write(outcome.output);
      if (!outcome.ok) drifted = true;
    } catch (error) {
      if (!(error instanceof SourceError || error instanceof PrepareError)) throw error;
      process.stderr.write(`error: ${error.message}\n`);
      failed = true;
    }
  }
  if (drifted) process.stderr.write(`${ACCEPT_HINT}\n`);
  return failed || drifted ? 1 : 0;
}

runCli(main, USAGE);
