/** Together AI, as data: its name, its API, its environment and its statuses in the neutral vocabulary. */
import type { components } from '../../../generated/together.js';
import type { ProviderFacts } from '../../core/provider.js';

type Status = components['schemas']['FinetuneResponse']['status'];

export const facts = {
  name: 'together',
  label: 'Together AI',
  defaultBaseUrl: 'https://api.together.ai/v1',
  env: { apiKey: 'TOGETHER_API_KEY', baseUrl: 'TOGETHER_BASE_URL' },
  // A job whose cancel was asked is still running.
  statuses: {
    pending: 'queued',
    queued: 'queued',
    running: 'running',
    compressing: 'running',
    uploading: 'running',
    cancel_requested: 'running',
    cancelled: 'cancelled',
    error: 'failed',
    completed: 'succeeded',
  },
} as const satisfies ProviderFacts<'together', Status>;
