/** Nebius Token Factory in the neutral vocabulary: its mapping table, its objects read neutrally, its calls. */
import {
  createNebiusClient,
  type NebiusCheckpoint,
  type NebiusClient,
  type NebiusClientOptions,
  type NebiusFile,
  type NebiusJob,
  type NebiusJobCreateParams,
  type NebiusJobEvent,
} from './client.js';
import { openAIStyleEvent } from '../openai-style/wait.js';
import { finiteNumber, loraSettings, setOnce, stringField, wholeNumber, type MappingTable } from '../../workflow/neutral.js';
import { nebiusFailure, nebiusProgress, nebiusStatus } from './wait.js';
import type { ProviderTuning } from '../../workflow/tuning.js';
import { openAIStyleCalls, openAIStyleCheckpoint } from '../openai-style/tuning.js';
import { dateOf } from '../../core/records.js';

type Hyperparameters = NonNullable<NebiusJobCreateParams['hyperparameters']>;

/** The job's supervised hyperparameters, made when absent. */
function hyper(body: NebiusJobCreateParams): Hyperparameters {
  body.hyperparameters ??= {};
  return body.hyperparameters;
}

type NumberField = 'n_epochs' | 'batch_size' | 'learning_rate' | 'warmup_ratio' | 'weight_decay';

/** A numeric hyperparameter: checked, then set once. */
function number(name: NumberField, check: (value: unknown) => number | string) {
  return {
    field: `hyperparameters.${name}`,
    apply: (body: NebiusJobCreateParams, value: unknown) => {
      const checked = check(value);
      return typeof checked === 'string' ? checked : setOnce(hyper(body), name, checked, `hyperparameters.${name}`);
    },
  };
}

export const nebiusMapping: MappingTable<NebiusJobCreateParams> = {
  validationFile: stringField('validation_file', 'must be a file id'),
  epochs: number('n_epochs', (v) => wholeNumber(v)),
  batchSize: number('batch_size', (v) => (v === 'max' ? 'Nebius takes a number of examples (1–64), not "max"' : wholeNumber(v))),
  learningRate: number('learning_rate', finiteNumber),
  warmupRatio: number('warmup_ratio', finiteNumber),
  weightDecay: number('weight_decay', finiteNumber),
  lora: {
    field: 'hyperparameters.lora, lora_r, lora_alpha, lora_dropout',
    apply: (body, value) => {
      const lora = loraSettings(value);
      if (typeof lora === 'string') return lora;
      const h = hyper(body);
      return (
        setOnce(h, 'lora', lora !== false, 'hyperparameters.lora') ??
        (lora && lora.rank !== undefined ? setOnce(h, 'lora_r', lora.rank, 'hyperparameters.lora_r') : undefined) ??
        (lora && lora.alpha !== undefined ? setOnce(h, 'lora_alpha', lora.alpha, 'hyperparameters.lora_alpha') : undefined) ??
        (lora && lora.dropout !== undefined ? setOnce(h, 'lora_dropout', lora.dropout, 'hyperparameters.lora_dropout') : undefined)
      );
    },
  },
  suffix: stringField('suffix', 'must be a string'),
};

/** Nebius's own types, as its tuning module works with them. */
type Types = {
  client: NebiusClient;
  clientOptions: NebiusClientOptions;
  job: NebiusJob;
  jobSummary: NebiusJob;
  createParams: NebiusJobCreateParams;
  file: NebiusFile;
  checkpoint: NebiusCheckpoint;
  event: NebiusJobEvent;
};

export const tuning: ProviderTuning<'nebius', Types> = {
  provider: 'nebius',
  createClient: createNebiusClient,
  mapping: nebiusMapping,
  baseRequest: (model, trainingFile, providerOptions) => ({ ...providerOptions, model, training_file: trainingFile }),
  job: (raw) => {
    return {
      provider: 'nebius',
      id: raw.id,
      status: nebiusStatus(raw) ?? 'queued',
      providerStatus: raw.status,
      model: raw.model,
      fineTunedModel: undefined, // a Nebius job has no model of its own: train({ deploy: true }) makes one from a checkpoint
      trainingFile: raw.training_file,
      validationFile: raw.validation_file ?? undefined,
      createdAt: dateOf(raw.created_at),
      finishedAt: dateOf(raw.finished_at),
      progress: nebiusProgress(raw),
      error: nebiusFailure(raw),
      raw,
    };
  },
  file: (raw) => ({
    provider: 'nebius',
    id: raw.id,
    filename: raw.filename,
    bytes: raw.bytes,
    createdAt: dateOf(raw.created_at),
    purpose: raw.purpose,
    status: raw.status === 'uploaded' || raw.status === 'processed' || raw.status === 'error' ? raw.status : undefined,
    raw,
  }),
  checkpoint: openAIStyleCheckpoint('nebius'),
  event: openAIStyleEvent,
  calls: openAIStyleCalls<Types>(),
  deploy: async (client, job, checkpoint, step) => {
    const name =
      step.name ??
      `${job.suffix || 'tunekit'}-${job.id.replace(/^ftjob-/, '').slice(-8)}-${checkpoint.step}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
    const created = await client.models.create(
      { name, base_model: job.model, source: checkpoint.model ?? `${job.id}:${checkpoint.id}` },
      {},
      step.request,
    );
    let last: string = created.status;
    step.onStatus(last, created.name);
    const onProgress = (_model: unknown, status: string): void => {
      if (status !== last) step.onStatus((last = status), created.name);
    };
    await client.models.wait(created.name, { ...step.wait, signal: step.signal, onProgress }, step.request);
    return created.name;
  },
};
