import { isProviderName, PROVIDERS, type ProviderName } from './providers.js';
import { UsageError } from './args.js';

export function selectProviders(requested: string | undefined): ProviderName[] {
  if (requested === undefined) return [...PROVIDERS];
  if (!isProviderName(requested)) {
    throw new UsageError(`unknown provider "${requested}" (expected one of: ${PROVIDERS.join(', ')})`);
  }
  return [requested];
}
