/**
 * Azure OpenAI, as data: its name, its API, its environment and its statuses (no `paused` in its document) in the
 * neutral vocabulary.
 */
import type { components } from '../../../generated/azure.js';
import type { ProviderFacts } from '../../core/provider.js';

type Status = components['schemas']['FineTuningJob']['status'];

export const facts = {
  name: 'azure',
  label: 'Azure OpenAI',
  // The document's server is `{endpoint}/openai/v1`: a resource's own URL, so the client builds it from
  // `endpoint` / `resource` / AZURE_OPENAI_ENDPOINT (client.ts); this is its form.
  defaultBaseUrl: 'https://{resource}.openai.azure.com/openai/v1',
  env: {
    apiKey: 'AZURE_OPENAI_API_KEY',
    // A whole base URL (`…/openai/v1`, as the sandbox prints it); the resource endpoint Microsoft documents,
    // AZURE_OPENAI_ENDPOINT, is read by the client when this is not set.
    baseUrl: 'AZURE_OPENAI_BASE_URL',
  },
  exampleModel: 'gpt-4.1-mini-2025-04-14',
  statuses: {
    validating_files: 'validating',
    queued: 'queued',
    running: 'running',
    succeeded: 'succeeded',
    failed: 'failed',
    cancelled: 'cancelled',
  },
} as const satisfies ProviderFacts<'azure', Status>;
