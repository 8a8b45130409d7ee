import { once } from 'node:events';
import { DEFAULT_PROVIDER, providers } from '../../providers/registry/providers.js';
import type { SandboxFlagText } from '../../sandbox/flags.js';
import { CliError, EXIT, UsageError } from '../exit.js';
import type { GlobalOptions } from '../globals.js';
import type { Output } from '../output.js';
import { resolveProvider } from '../providers.js';

/**
 * `tunekit sandbox`: the sandbox server (`tunekit/testing`'s `startSandbox`), as `tunekit-sandbox` runs it: its base URL
 * on the first line of stdout, until Ctrl-C or SIGTERM stops it cleanly (exit 0).
 */
export async function sandbox(
  globals: GlobalOptions,
  out: Output,
  signal: AbortSignal,
  _args: string[],
  flags: SandboxFlagText,
): Promise<void> {
  const provider =
    globals.provider !== undefined || process.env['TUNEKIT_PROVIDER']
      ? resolveProvider(globals.provider, process.env, { needKey: false })
      : DEFAULT_PROVIDER;
  const { sandboxOptions, SandboxFlagError, describeClock } = await import('../../sandbox/flags.js');
  let chosen;
  try {
    chosen = sandboxOptions(provider, flags);
  } catch (error) {
    throw error instanceof SandboxFlagError ? new UsageError(error.message) : error;
  }
  const { port, clock } = chosen;
  const { startSandbox } = await import('../../testing.js');
  const running = await startSandbox(chosen).catch((error: unknown) => {
    // Said without the library's function name, with what to do about it.
    const message = (error instanceof Error ? error.message : String(error)).replace(/^startSandbox: /, '');
    throw new CliError(message, EXIT.failure, port === 0 ? undefined : 'pick another with --port N, or --port 0 for a free one');
  });
  if (out.json) out.line({ provider, url: running.url, controlUrl: running.controlUrl, clock });
  else {
    out.data(running.url);
    out.say(
      `tunekit sandbox: ${provider} (clock: ${describeClock(clock)}); controls at ${running.controlUrl}. Any API key works. Ctrl-C to stop.`,
    );
    const env = providers[provider].env;
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
