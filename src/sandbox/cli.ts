#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { describeClock, SANDBOX_FLAGS, SandboxFlagError, sandboxOptions, type ServedSandbox } from './flags.js';
import { stopWithLauncher } from './orphan.js';
import { startSandbox, type Sandbox } from './start.js';
import { DEFAULT_PROVIDER, PROVIDER_NAMES } from '../providers/registry/providers.js';

const OTHERS = PROVIDER_NAMES.filter((name) => name !== DEFAULT_PROVIDER);

const USAGE = `Usage: tunekit-sandbox [--provider ${PROVIDER_NAMES.join('|')}] [--port N] [--host HOST] [--speed N | --clock manual|on-poll]

Starts a local sandbox of one provider's fine-tuning API and prints its base URL (the first line of output).
Point the provider's client (tunekit's, or the official SDK) at that URL, with any API key.

  --provider NAME   ${DEFAULT_PROVIDER} (default), ${OTHERS.join(', ').replace(/, ([^,]*)$/, ' or $1')}
${Object.values(SANDBOX_FLAGS)
  .map(({ flag, description }) => `  ${flag.padEnd(16)}  ${description}`)
  .join('\n')}
  -h, --help        this help

Controls: GET /_sandbox/health, POST /_sandbox/advance, POST /_sandbox/script, GET /_sandbox/requests, POST /_sandbox/reset.
Ctrl-C (or SIGTERM) stops it.`;

/** The flags, or `'help'`; a flag that breaks its rule is a `SandboxFlagError` (exit code 2). */
function options(argv: string[]): ServedSandbox | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        provider: { type: 'string', default: DEFAULT_PROVIDER },
        port: { type: 'string' },
        host: { type: 'string' },
        speed: { type: 'string' },
        clock: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new SandboxFlagError(error instanceof Error ? (error.message.split('. ')[0] ?? error.message) : String(error));
  }
  const { values } = parsed;
  return values.help ? 'help' : sandboxOptions(values.provider, values);
}

async function main(argv: string[]): Promise<void> {
  const chosen = options(argv);
  if (chosen === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sandbox: Sandbox = await startSandbox({
    provider: chosen.provider,
    port: chosen.port,
    host: chosen.host,
    clock: chosen.clock,
    seed: chosen.seed,
  });
  process.stdout.write(`${sandbox.url}\n`);
  process.stderr.write(
    `tunekit sandbox: ${chosen.provider} (clock: ${describeClock(chosen.clock)}); controls at ${sandbox.controlUrl}. Ctrl-C to stop.\n`,
  );
  const stop = (): void => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  stopWithLauncher(stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // The library's function name means nothing to someone who ran the bin.
  const message = (error instanceof Error ? error.message : String(error)).replace(/^startSandbox: /, '');
  process.stderr.write(`tunekit-sandbox: ${message}${error instanceof SandboxFlagError ? ' (see --help)' : ''}\n`);
  process.exit(error instanceof SandboxFlagError ? 2 : 1);
});
