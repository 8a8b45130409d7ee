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
import { setOnce, stringField, wholeNumber, type MappingTable } from '../../workflow/neutral.js';
import type { NeutralFile } from '../../workflow/neutral.js';
import { azureFailure, azureProgress, azureStatus } from './wait.js';
import type { ProviderTuning } from '../../workflow/tuning.js';
import { openAIStyleCalls, openAIStyleCheckpoint } from '../openai-style/tuning.js';
import { dateOf } from '../../core/records.js';

type Method = NonNullable<AzureJobCreateParams['method']>;

/** The hyperparameters of the job's method (supervised unless `providerOptions.method` says otherwise), made when absent. */
function methodHyper(body: AzureJobCreateParams) {
  const method: Method = (body.method ??= { type: 'supervised' });
  if (method.type === 'dpo') return ((method.dpo ??= {}).hyperparameters ??= {});
  if (method.type === 'reinforcement') return method.reinforcement ? (method.reinforcement.hyperparameters ??= {}) : undefined;
  return ((method.supervised ??= {}).hyperparameters ??= {});
}

const HYPER = 'method.<type>.hyperparameters';
const NO_GRADER = 'a reinforcement job needs providerOptions.method.reinforcement (its grader)';

export const azureMapping: MappingTable<AzureJobCreateParams> = {
  validationFile: stringField('validation_file', 'must be a file id'),
  epochs: {
    field: `${HYPER}.n_epochs`,
    apply: (body, value) => {
      const epochs = wholeNumber(value);
      const hyper = methodHyper(body);
      if (typeof epochs === 'string') return epochs;
      return hyper ? setOnce(hyper, 'n_epochs', epochs, `${HYPER}.n_epochs`) : NO_GRADER;
    },
  },
  batchSize: {
    field: `${HYPER}.batch_size`,
    apply: (body, value) => {
      if (value === 'max') return 'Azure OpenAI takes a number of examples or "auto", not "max"';
      const size = wholeNumber(value);
      const hyper = methodHyper(body);
      if (typeof size === 'string') return size;
      return hyper ? setOnce(hyper, 'batch_size', size, `${HYPER}.batch_size`) : NO_GRADER;
    },
  },
  learningRate: {
    refused:
      'Azure OpenAI takes learning_rate_multiplier, a multiple of its own default rate, not an absolute rate: set providerOptions.method.supervised.hyperparameters.learning_rate_multiplier',
  },
  warmupRatio: { refused: 'Azure OpenAI has no warm-up setting' },
  weightDecay: { refused: 'Azure OpenAI has no weight-decay setting' },
  lora: { refused: 'Azure OpenAI does not expose LoRA or full fine-tuning: it chooses' },
  suffix: stringField('suffix', 'must be a string'),
};

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
  mapping: azureMapping,
  baseRequest: (model, trainingFile, providerOptions) => ({ ...providerOptions, model, training_file: trainingFile }),
  job: (raw) => ({
    provider: 'azure',
    id: raw.id,
    status: azureStatus(raw) ?? 'queued',
    providerStatus: raw.status,
    model: raw.model,
    fineTunedModel: raw.fine_tuned_model ?? undefined,
    trainingFile: raw.training_file,
    validationFile: raw.validation_file ?? undefined,
    createdAt: dateOf(raw.created_at),
    finishedAt: dateOf(raw.finished_at),
    progress: azureProgress(raw),
    error: azureFailure(raw),
    raw,
  }),
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
