#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { ClockOption } from './clock.js';
import type { ProviderName } from './provider.js';
import { stopWithLauncher } from './orphan.js';
import { startSandbox, type Sandbox } from './start.js';
import { PROVIDER_NAMES } from '../workflow/types.js';

const USAGE = `Usage: tunekit-sandbox [--provider nebius|together|openai] [--port N] [--host HOST] [--speed N | --clock manual|on-poll] [--seed TEXT]

Starts a local sandbox of one provider's fine-tuning API and prints its base URL (the first line of output).
Point the provider's client (tunekit's, or the official SDK) at that URL, with any API key.

  --provider NAME   nebius (default), together or openai
  --port N          port to listen on (default 4010; 0 picks a free one)
  --host HOST       address to listen on (default 127.0.0.1)
  --speed N         simulated time runs N times faster than real time (default 60: a one-hour job takes a minute)
  --clock MODE      manual: time moves only with POST /_sandbox/advance {"ms": N};
                    on-poll: each retrieve of a job, file or model moves time to its next change
  --seed TEXT       the same ids in every run (default: random ids, different in every sandbox)
  -h, --help        this help

Controls: GET /_sandbox/health, POST /_sandbox/advance, POST /_sandbox/script, GET /_sandbox/requests, POST /_sandbox/reset.
Ctrl-C (or SIGTERM) stops it.`;

/** A mistake in how the command was called: exit code 2. */
class UsageError extends Error {}

function options(argv: string[]): { provider: ProviderName; port: number; host: string; clock: ClockOption; seed: string | undefined } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        provider: { type: 'string', default: 'nebius' },
        port: { type: 'string', default: '4010' },
        host: { type: 'string', default: '127.0.0.1' },
        speed: { type: 'string' },
        clock: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? (error.message.split('. ')[0] ?? error.message) : String(error));
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const provider = PROVIDER_NAMES.find((name) => name === values.provider);
  if (!provider) throw new UsageError(`--provider "${values.provider}" must be one of ${PROVIDER_NAMES.join(', ')}`);
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) throw new UsageError(`--port "${values.port}" must be a whole number 0–65535`);
  if (values.speed !== undefined && values.clock !== undefined) throw new UsageError('--speed and --clock cannot be used together');
  let clock: ClockOption = { speed: 60 };
  if (values.speed !== undefined) {
    const speed = Number(values.speed);
    if (!(speed > 0) || !Number.isFinite(speed)) throw new UsageError(`--speed "${values.speed}" must be a number above 0`);
    clock = { speed };
  } else if (values.clock !== undefined) {
    if (values.clock !== 'manual' && values.clock !== 'on-poll') throw new UsageError(`--clock "${values.clock}" must be manual or on-poll`);
    clock = values.clock;
  }
  return { provider, port, host: values.host, clock, seed: values.seed };
}

async function main(argv: string[]): Promise<void> {
  const chosen = options(argv);
  if (chosen === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sandbox: Sandbox = await startSandbox({ provider: chosen.provider, port: chosen.port, host: chosen.host, clock: chosen.clock, seed: chosen.seed });
  process.stdout.write(`${sandbox.url}\n`);
  const time = typeof chosen.clock === 'object' ? `${chosen.clock.speed}× real time` : chosen.clock;
  process.stderr.write(`tunekit sandbox: ${chosen.provider} (clock: ${time}); controls at ${sandbox.controlUrl}. Ctrl-C to stop.\n`);
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
  process.stderr.write(`tunekit-sandbox: ${message}${error instanceof UsageError ? ' (see --help)' : ''}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
