/** OpenAI in the neutral vocabulary: its mapping table (it refuses what it does not expose), its objects, its calls. */
import {
  createOpenAIClient,
  type OpenAICheckpoint,
  type OpenAIClient,
  type OpenAIClientOptions,
  type OpenAIFile,
  type OpenAIJob,
  type OpenAIJobCreateParams,
  type OpenAIJobEvent,
} from './client.js';
import { openAIStyleEvent } from '../openai-style/wait.js';
import { setOnce, stringField, wholeNumber, type MappingTable } from '../../workflow/neutral.js';
import { openaiFailure, openaiProgress, openaiStatus } from './wait.js';
import type { ProviderTuning } from '../../workflow/tuning.js';
import { openAIStyleCalls, openAIStyleCheckpoint } from '../openai-style/tuning.js';
import { dateOf } from '../../core/records.js';

type Method = NonNullable<OpenAIJobCreateParams['method']>;

/** The hyperparameters of the job's method (supervised unless `providerOptions.method` says otherwise), made when absent. */
function methodHyper(body: OpenAIJobCreateParams) {
  const method: Method = (body.method ??= { type: 'supervised' });
  if (method.type === 'dpo') return ((method.dpo ??= {}).hyperparameters ??= {});
  if (method.type === 'reinforcement') return method.reinforcement ? (method.reinforcement.hyperparameters ??= {}) : undefined;
  return ((method.supervised ??= {}).hyperparameters ??= {});
}

const HYPER = 'method.<type>.hyperparameters';

export const openaiMapping: MappingTable<OpenAIJobCreateParams> = {
  validationFile: stringField('validation_file', 'must be a file id'),
  epochs: {
    field: `${HYPER}.n_epochs`,
    apply: (body, value) => {
      const epochs = wholeNumber(value);
      const hyper = methodHyper(body);
      if (typeof epochs === 'string') return epochs;
      return hyper
        ? setOnce(hyper, 'n_epochs', epochs, `${HYPER}.n_epochs`)
        : 'a reinforcement job needs providerOptions.method.reinforcement (its grader)';
    },
  },
  batchSize: {
    field: `${HYPER}.batch_size`,
    apply: (body, value) => {
      if (value === 'max') return 'OpenAI takes a number of examples or "auto", not "max"';
      const size = wholeNumber(value);
      const hyper = methodHyper(body);
      if (typeof size === 'string') return size;
      return hyper
        ? setOnce(hyper, 'batch_size', size, `${HYPER}.batch_size`)
        : 'a reinforcement job needs providerOptions.method.reinforcement (its grader)';
    },
  },
  learningRate: {
    refused:
      'OpenAI takes learning_rate_multiplier, a multiple of its own default rate, not an absolute rate: set providerOptions.method.supervised.hyperparameters.learning_rate_multiplier',
  },
  warmupRatio: { refused: 'OpenAI has no warm-up setting' },
  weightDecay: { refused: 'OpenAI has no weight-decay setting' },
  lora: { refused: 'OpenAI does not expose LoRA or full fine-tuning: it chooses' },
  suffix: stringField('suffix', 'must be a string'),
};

/** OpenAI's own types, as its tuning module works with them. */
type Types = {
  client: OpenAIClient;
  clientOptions: OpenAIClientOptions;
  job: OpenAIJob;
  jobSummary: OpenAIJob;
  createParams: OpenAIJobCreateParams;
  file: OpenAIFile;
  checkpoint: OpenAICheckpoint;
  event: OpenAIJobEvent;
};

export const tuning: ProviderTuning<'openai', Types> = {
  provider: 'openai',
  createClient: createOpenAIClient,
  mapping: openaiMapping,
  baseRequest: (model, trainingFile, providerOptions) => ({ ...providerOptions, model, training_file: trainingFile }),
  job: (raw) => ({
    provider: 'openai',
    id: raw.id,
    status: openaiStatus(raw) ?? 'queued',
    providerStatus: raw.status,
    model: raw.model,
    fineTunedModel: raw.fine_tuned_model ?? undefined,
    trainingFile: raw.training_file,
    validationFile: raw.validation_file ?? undefined,
    createdAt: dateOf(raw.created_at),
    finishedAt: dateOf(raw.finished_at),
    progress: openaiProgress(raw),
    error: openaiFailure(raw),
    raw,
  }),
  file: (raw) => ({
    provider: 'openai',
    id: raw.id,
    filename: raw.filename,
    bytes: raw.bytes,
    createdAt: dateOf(raw.created_at),
    purpose: raw.purpose,
    status: raw.status,
    raw,
  }),
  checkpoint: openAIStyleCheckpoint('openai'),
  event: openAIStyleEvent,
  calls: openAIStyleCalls<Types>(),
};
