import { PROVIDER_NAMES, type ProviderName } from '../poller/types.js';
import { CliError, EXIT, UsageError } from './exit.js';
import { nebiusCli } from '../providers/nebius/cli.js';
import { openaiCli } from '../providers/openai/cli.js';
import { togetherCli } from '../providers/together/cli.js';
import type { CliProvider } from './provider.js';

/** Every provider the CLI speaks to, by name: adding one is adding its module here. */
export const cliProviders: { [P in ProviderName]: CliProvider<P> } = { nebius: nebiusCli, together: togetherCli, openai: openaiCli };

export const isProviderName = (name: string): name is ProviderName => PROVIDER_NAMES.some((known) => known === name);

/**
 * The provider a command talks to: `--provider`, else `TUNEKIT_PROVIDER`, else the only one whose API key is set.
 * Without any (or with several keys and no choice) it is a usage error that says what to set.
 */
export function resolveProvider(flag: string | undefined, env: Record<string, string | undefined>, { needKey }: { needKey: boolean }): ProviderName {
  const names = PROVIDER_NAMES.join(', ');
  if (flag !== undefined) {
    if (!isProviderName(flag)) throw new UsageError(`--provider "${flag}" is not a provider tunekit knows: one of ${names}`);
    return flag;
  }
  const fromEnv = env['TUNEKIT_PROVIDER'];
  if (fromEnv) {
    if (!isProviderName(fromEnv)) throw new UsageError(`TUNEKIT_PROVIDER="${fromEnv}" is not a provider tunekit knows: one of ${names}`);
    return fromEnv;
  }
  const withKey = PROVIDER_NAMES.filter((name) => env[cliProviders[name].keyEnv]);
  if (withKey.length === 1 && withKey[0]) return withKey[0];
  const keys = PROVIDER_NAMES.map((name) => cliProviders[name].keyEnv).join(', ');
  if (withKey.length > 1) {
    throw new UsageError(
      `more than one provider's API key is set (${withKey.map((name) => cliProviders[name].keyEnv).join(', ')}): say which with --provider ${withKey.join('|')} or TUNEKIT_PROVIDER`,
    );
  }
  if (needKey) throw new CliError(`no API key set: set one of ${keys} (with --provider when more than one is set)`, EXIT.auth, 'tunekit reads API keys only from the environment');
  throw new UsageError(`which provider's rules? pass --provider ${PROVIDER_NAMES.join('|')} (or set TUNEKIT_PROVIDER)`);
}
