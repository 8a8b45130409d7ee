import type { RequestOptions } from '../core/exchange.js';
import type { Logger, LogLevel } from '../core/log.js';
import type { TunerOptions } from '../workflow/api.js';
import { createTuner, tuningOf } from '../workflow/tuner.js';
import { CliError, commandName, EXIT } from './exit.js';
import type { GlobalOptions } from './globals.js';
import type { Output } from './output.js';
import { cliProviders, resolveProvider } from './providers.js';
import type { AnySession, CliProvider, Session } from './provider.js';
import { providers, type ProviderName } from '../providers/registry/providers.js';

/** The client's log lines on stderr: as they are, or in `--json` mode as `{"log": {level, message}}` lines. */
function stderrLogger(out: Output): Logger {
  const write =
    (level: LogLevel) =>
    (message: string): void => {
      out.stderr.write(out.json ? `${JSON.stringify({ log: { level, message } })}\n` : `${out.err.dim(message)}\n`);
    };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}

/** Opens a session on the provider the flags and the environment choose; no API key is exit code 4. */
export function openSession(
  globals: GlobalOptions,
  out: Output,
  signal: AbortSignal,
  env: Record<string, string | undefined> = process.env,
): AnySession {
  const provider = resolveProvider(globals.provider, env, { needKey: true });
  const { label, env: names } = providers[provider];
  if (!env[names.apiKey]) {
    throw new CliError(
      `no API key for ${label}: set ${names.apiKey}`,
      EXIT.auth,
      'tunekit reads API keys only from the environment (never from a flag, which would land in your shell history)',
    );
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
  return sessionOf(provider, { clientOptions, out, signal, request, again });
}

/** A session of provider `P`: its facts, its CLI data, its tuner and tuning, and its own commands bound to it. */
function sessionOf<P extends ProviderName>(
  provider: P,
  {
    clientOptions,
    out,
    signal,
    request,
    again,
  }: Pick<Session<P>, 'out' | 'signal' | 'request' | 'again'> & { clientOptions: Omit<TunerOptions<P>, 'provider'> },
): Session<P> {
  const cli: CliProvider<P> = cliProviders[provider];
  const session: Session<P> = {
    provider,
    facts: providers[provider],
    cli,
    tuner: createTuner<P>({ provider, ...clientOptions }),
    tuning: tuningOf(provider),
    out,
    signal,
    request,
    again,
    command: (group, name) => {
      const command = cli.commands.find((c) => c.group === group && c.name === name);
      return command && ((args, options) => command.run(session, args, options));
    },
  };
  return session;
}
