import path from 'node:path';
import { parseArgs } from './lib/args.js';
import { runCli } from './lib/cli.js';
import { pullProvider } from './lib/pullProvider.js';
import { PrepareError } from './lib/prepare.js';
import { loadSourceConfig, SOURCE_DIR } from './lib/providers.js';
import { selectProviders } from './lib/select.js';
import { SourceError } from './lib/source.js';

const USAGE = `usage: npm run pull -- [--provider NAME] [--mirror DIR] [--out DIR] [--update]

Fetches each provider's OpenAPI document, trims it to tunekit's surface (openapi/<provider>.source.json),
normalizes its quirks (openapi/QUIRKS.md) and compares it with the lock (openapi/<provider>.lock.json).
A changed document or surface prints a drift report and exits 1 until you pass --update.
  --provider NAME   nebius, together or openai (default: all three)
  --mirror DIR      read DIR/<file> instead of the network (also TUNEKIT_SPEC_MIRROR)
  --out DIR         write the trimmed documents and locks to DIR (default: openapi/)
  --update          accept a drift: rewrite the lock and the trimmed document`;
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
