import { clis } from '../providers/registry/clis.js';
import { isProviderName, PROVIDER_NAMES, providers, type ProviderName } from '../providers/registry/providers.js';
import { CliError, EXIT, UsageError } from './exit.js';
import type { CliProvider } from './provider.js';

/** Every provider's part of the CLI, by name (from the registry). */
export const cliProviders: { [P in ProviderName]: CliProvider<P> } = clis;

/**
 * The provider a command talks to: `--provider`, else `TUNEKIT_PROVIDER`, else the only one whose API key is set.
 * Without any (or with several keys and no choice) it is a usage error that says what to set.
 */
export function resolveProvider(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  { needKey }: { needKey: boolean },
): ProviderName {
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
  const keyOf = (name: ProviderName): string => providers[name].env.apiKey;
  const withKey = PROVIDER_NAMES.filter((name) => env[keyOf(name)]);
  if (withKey.length === 1 && withKey[0]) return withKey[0];
  const keys = PROVIDER_NAMES.map(keyOf).join(', ');
  if (withKey.length > 1) {
    throw new UsageError(
      `more than one provider's API key is set (${withKey.map(keyOf).join(', ')}): say which with --provider ${withKey.join('|')} or TUNEKIT_PROVIDER`,
    );
  }
  if (needKey)
    throw new CliError(
      `no API key set: set one of ${keys} (with --provider when more than one is set)`,
      EXIT.auth,
      'tunekit reads API keys only from the environment',
    );
  throw new UsageError(`which provider's rules? pass --provider ${PROVIDER_NAMES.join('|')} (or set TUNEKIT_PROVIDER)`);
}
