/**
 * The sandbox's command-line flags, once for both front ends (`tunekit-sandbox` and `tunekit sandbox`): what each
 * flag means, and the one function that turns their text into `startSandbox` options or says what is wrong.
 */
import { isProviderName, PROVIDER_NAMES, type ProviderName } from '../providers/registry/providers.js';
import type { ClockOption } from './clock.js';

/** Each flag as it is written and explained in both helps. */
export const SANDBOX_FLAGS = {
  port: { flag: '--port <n>', description: 'port to listen on (default 4010; 0 picks a free one)' },
  host: { flag: '--host <host>', description: 'address to listen on (default 127.0.0.1)' },
  speed: {
    flag: '--speed <n>',
    description: 'simulated time runs n times faster than real time (default 60: a one-hour job takes a minute)',
  },
  clock: {
    flag: '--clock <mode>',
    description: 'manual (time moves only with POST /_sandbox/advance) or on-poll (each retrieve moves to the next change)',
  },
  seed: { flag: '--seed <text>', description: 'the same ids in every run (default: random ids, different in every sandbox)' },
} as const;

/** The flags as typed: text, or absent. */
export type SandboxFlagText = { [Name in keyof typeof SANDBOX_FLAGS]?: string | undefined };

/** What the flags start: a sandbox of `provider` on `host:port` with `clock`. */
export interface ServedSandbox {
  provider: ProviderName;
  port: number;
  host: string;
  clock: ClockOption;
  seed: string | undefined;
}

/** A flag's value breaks its rule; the message names the flag, the value and the rule. */
export class SandboxFlagError extends Error {
  override name = 'SandboxFlagError';
}

/** The options the flags describe (defaults: port 4010, host 127.0.0.1, 60× real time), or a `SandboxFlagError`. */
export function sandboxOptions(provider: string, flags: SandboxFlagText): ServedSandbox {
  if (!isProviderName(provider)) throw new SandboxFlagError(`--provider "${provider}" must be one of ${PROVIDER_NAMES.join(', ')}`);
  const portText = flags.port ?? '4010';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) throw new SandboxFlagError(`--port "${portText}" must be a whole number 0–65535`);
  if (flags.speed !== undefined && flags.clock !== undefined) throw new SandboxFlagError('--speed and --clock cannot be used together');
  let clock: ClockOption = { speed: 60 };
  if (flags.speed !== undefined) {
    const speed = Number(flags.speed);
    if (!(speed > 0) || !Number.isFinite(speed)) throw new SandboxFlagError(`--speed "${flags.speed}" must be a number above 0`);
    clock = { speed };
  } else if (flags.clock !== undefined) {
    if (flags.clock !== 'manual' && flags.clock !== 'on-poll')
      throw new SandboxFlagError(`--clock "${flags.clock}" must be manual or on-poll`);
    clock = flags.clock;
  }
  return { provider, port, host: flags.host ?? '127.0.0.1', clock, seed: flags.seed };
}

/** How the clock reads in the line a started sandbox prints. */
export function describeClock(clock: ClockOption): string {
  return typeof clock === 'object' ? `${clock.speed}× real time` : clock;
}
