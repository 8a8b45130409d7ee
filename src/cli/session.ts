import type { RequestOptions } from '../core/exchange.js';
import type { Logger, LogLevel } from '../core/log.js';
import type { ProviderTypes, Tuner } from '../workflow/api.js';
import { nebiusTuning } from '../workflow/neutral/nebius.js';
import { openaiTuning } from '../workflow/neutral/openai.js';
import { togetherTuning } from '../workflow/neutral/together.js';
import { createTuner } from '../workflow/tuner.js';
import type { ProviderTuning } from '../workflow/tuning.js';
import type { ProviderName } from '../workflow/types.js';
import { CliError, commandName, EXIT } from './exit.js';
import type { GlobalOptions } from './globals.js';
import type { Output } from './output.js';
import { cliProviders, resolveProvider } from './providers/index.js';
import type { CliProvider } from './providers/types.js';

/** Everything a command needs to talk to one provider: its neutral API, its own data, where to write, when to stop. */
export interface Session<P extends ProviderName = ProviderName> {
  provider: P;
  cli: CliProvider<P>;
  tuner: Tuner<P>;
  /** How the provider's own objects read in the neutral vocabulary (for the provider's own commands). */
  tuning: ProviderTuning<P, ProviderTypes[P]>;
  out: Output;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
  request: RequestOptions;
  /** `tunekit --provider P` (`npx tunekit …` when run through npm; `--base-url` when given): the start of a command that reaches the same API again. */
  again: string;
}

export type AnySession = Session<'nebius'> | Session<'together'> | Session<'openai'>;

/** The client's log lines on stderr: as they are, or in `--json` mode as `{"log": {level, message}}` lines. */
function stderrLogger(out: Output): Logger {
  const write = (level: LogLevel) => (message: string): void => {
    out.stderr.write(out.json ? `${JSON.stringify({ log: { level, message } })}\n` : `${out.err.dim(message)}\n`);
  };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}

/** Opens a session on the provider the flags and the environment choose; no API key is exit code 4. */
export function openSession(globals: GlobalOptions, out: Output, signal: AbortSignal, env: Record<string, string | undefined> = process.env): AnySession {
  const provider = resolveProvider(globals.provider, env, { needKey: true });
  const cli = cliProviders[provider];
  if (!env[cli.keyEnv]) {
    throw new CliError(`no API key for ${cli.label}: set ${cli.keyEnv}`, EXIT.auth, 'tunekit reads API keys only from the environment (never from a flag, which would land in your shell history)');
  }
  const clientOptions = {
    baseUrl: globals.baseUrl,
    timeoutMs: globals.timeoutMs,
    maxRetries: globals.maxRetries,
    logLevel: globals.log,
    logger: stderrLogger(out),
  };
  const again = [commandName(env), '--provider', provider, ...(globals.baseUrl ? ['--base-url', globals.baseUrl] : [])].join(' ');
  const request: RequestOptions = { signal };
  switch (provider) {
    case 'nebius':
      return { provider, cli: cliProviders.nebius, tuner: createTuner({ provider, ...clientOptions }), tuning: nebiusTuning, out, signal, request, again };
    case 'together':
      return { provider, cli: cliProviders.together, tuner: createTuner({ provider, ...clientOptions }), tuning: togetherTuning, out, signal, request, again };
    case 'openai':
      return { provider, cli: cliProviders.openai, tuner: createTuner({ provider, ...clientOptions }), tuning: openaiTuning, out, signal, request, again };
  }
}
