/** Azure OpenAI in the neutral vocabulary: its mapping table (OpenAI's options, as Azure takes the same body), its objects, its calls. */
import {
  createAzureOpenAIClient,
  type AzureCheckpoint,
  type AzureFile,
  type AzureJob,
  type AzureJobCreateParams,
  type AzureJobEvent,
  type AzureOpenAIClient,
  type AzureOpenAIClientOptions,
} from './client.js';
import { openAIStyleEvent } from '../openai-style/wait.js';
import type { MappingTable } from '../../workflow/neutral.js';
import type { NeutralFile } from '../../workflow/neutral.js';
import { azureFailure, azureProgress, azureStatus } from './wait.js';
import { CLIENT_OPTION_KEYS, type ProviderTuning } from '../../workflow/tuning.js';
import { rules } from '../../../generated/azure.rules.js';
import { openAIStyleCalls, openAIStyleCheckpoint, openAIStyleJob, openAIStyleMapping } from '../openai-style/tuning.js';
import { dateOf } from '../../core/records.js';

/** Azure OpenAI's mapping: the OpenAI family's, with the grader types its document lists (no python grader). */
export const azureMapping: MappingTable<AzureJobCreateParams> = openAIStyleMapping({
  label: 'Azure OpenAI',
  graders: ['string_check', 'text_similarity', 'score_model', 'multi'],
});

/** A file's processing status in the neutral words: `pending`/`running` are still `uploaded`. */
function fileStatus(status: AzureFile['status']): NeutralFile['status'] {
  switch (status) {
    case 'uploaded':
    case 'pending':
    case 'running':
      return 'uploaded';
    case 'processed':
      return 'processed';
    case 'error':
    case 'deleting':
    case 'deleted':
      return 'error';
  }
}

/** Azure OpenAI's own types, as its tuning module works with them. */
type Types = {
  client: AzureOpenAIClient;
  clientOptions: AzureOpenAIClientOptions;
  job: AzureJob;
  jobSummary: AzureJob;
  createParams: AzureJobCreateParams;
  file: AzureFile;
  checkpoint: AzureCheckpoint;
  event: AzureJobEvent;
};

export const tuning: ProviderTuning<'azure', Types> = {
  provider: 'azure',
  createClient: createAzureOpenAIClient,
  clientOptionKeys: { ...CLIENT_OPTION_KEYS, endpoint: true, resource: true, token: true, apiVersion: true },
  createRules: { rules, operation: 'POST /fine_tuning/jobs' },
  mapping: azureMapping,
  baseRequest: (model, trainingFile, providerOptions) => ({ ...providerOptions, model, training_file: trainingFile }),
  job: openAIStyleJob('azure', { status: azureStatus, progress: azureProgress, failure: azureFailure }),
  file: (raw) => ({
    provider: 'azure',
    id: raw.id,
    filename: raw.filename,
    bytes: raw.bytes ?? 0,
    createdAt: dateOf(raw.created_at),
    purpose: raw.purpose,
    status: fileStatus(raw.status),
    raw,
  }),
  checkpoint: openAIStyleCheckpoint('azure'),
  event: openAIStyleEvent,
  calls: openAIStyleCalls<Types>(),
};
