import { once } from 'node:events';
import { providerEnvironment } from '../../providers/environment.js';
import { CliError, EXIT, UsageError } from '../exit.js';
import type { GlobalOptions } from '../globals.js';
import type { Output } from '../output.js';
import { isProviderName, resolveProvider } from '../providers/index.js';

/**
 * `tunekit sandbox`: the sandbox server (`tunekit/testing`'s `startSandbox`), as `tunekit-sandbox` runs it: its base URL
 * on the first line of stdout, until Ctrl-C or SIGTERM stops it cleanly (exit 0).
 */
export async function sandbox(globals: GlobalOptions, out: Output, signal: AbortSignal, _args: string[], options: { port?: number; host?: string; speed?: number; clock?: 'manual' | 'on-poll'; seed?: string }): Promise<void> {
  const provider = globals.provider !== undefined || process.env['TUNEKIT_PROVIDER'] ? resolveProvider(globals.provider, process.env, { needKey: false }) : 'nebius';
  if (!isProviderName(provider)) throw new UsageError(`--provider "${provider}" is not a provider tunekit knows`);
  if (options.speed !== undefined && !(options.speed > 0)) throw new UsageError(`--speed ${options.speed} must be a number above 0`);
  const clock = options.clock ?? { speed: options.speed ?? 60 };
  const { startSandbox } = await import('../../testing.js');
  const port = options.port ?? 4010;
  const running = await startSandbox({ provider, port, host: options.host ?? '127.0.0.1', clock, seed: options.seed }).catch((error: unknown) => {
    // Said without the library's function name, with what to do about it.
    const message = (error instanceof Error ? error.message : String(error)).replace(/^startSandbox: /, '');
    throw new CliError(message, EXIT.failure, port === 0 ? undefined : 'pick another with --port N, or --port 0 for a free one');
  });
  if (out.json) out.line({ provider, url: running.url, controlUrl: running.controlUrl, clock });
  else {
    out.data(running.url);
    const time = typeof clock === 'object' ? `${clock.speed}× real time` : clock;
    out.say(`tunekit sandbox: ${provider} (clock: ${time}); controls at ${running.controlUrl}. Any API key works. Ctrl-C to stop.`);
    const env = providerEnvironment[provider];
    out.hint(`try: export ${env.apiKey}=sandbox ${env.baseUrl}=${running.url} TUNEKIT_PROVIDER=${provider}`);
  }
  const stop = new AbortController();
  const terminated = (): void => stop.abort();
  process.once('SIGTERM', terminated);
  const { stopWithLauncher } = await import('../../sandbox/orphan.js');
  const unwatch = stopWithLauncher(terminated);
  await Promise.race([once(signal, 'abort'), once(stop.signal, 'abort')]);
  process.off('SIGTERM', terminated);
  unwatch();
  await running.close();
}
