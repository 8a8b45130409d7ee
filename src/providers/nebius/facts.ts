/** Nebius Token Factory, as data: its name, its API, its environment and its statuses in the neutral vocabulary. */
import type { components } from '../../../generated/nebius.js';
import type { ProviderFacts } from '../../core/provider.js';

type Status = components['schemas']['FineTuningJob']['status'];

export const facts = {
  name: 'nebius',
  label: 'Nebius Token Factory',
  defaultBaseUrl: 'https://api.tokenfactory.nebius.com',
  env: { apiKey: 'NEBIUS_API_KEY', baseUrl: 'NEBIUS_BASE_URL' },
  statuses: {
    validating_files: 'validating',
    queued: 'queued',
    running: 'running',
    succeeded: 'succeeded',
    failed: 'failed',
    cancelled: 'cancelled',
  },
} as const satisfies ProviderFacts<'nebius', Status>;
