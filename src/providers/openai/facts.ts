/** OpenAI, as data: its name, its API, its environment and its statuses (with `paused`) in the neutral vocabulary. */
import type { components } from '../../../generated/openai.js';
import type { ProviderFacts } from '../../core/provider.js';

type Status = components['schemas']['FineTuningJob']['status'];

export const facts = {
  name: 'openai',
  label: 'OpenAI',
  defaultBaseUrl: 'https://api.openai.com/v1',
  env: {
    apiKey: 'OPENAI_API_KEY',
    baseUrl: 'OPENAI_BASE_URL',
    headers: { 'OpenAI-Organization': 'OPENAI_ORG_ID', 'OpenAI-Project': 'OPENAI_PROJECT_ID' },
  },
  statuses: {
    validating_files: 'validating',
    queued: 'queued',
    running: 'running',
    paused: 'paused',
    succeeded: 'succeeded',
    failed: 'failed',
    cancelled: 'cancelled',
  },
} as const satisfies ProviderFacts<'openai', Status>;
