/** Together AI in the neutral vocabulary: its mapping table, its objects read neutrally, its calls. */
import {
  createTogetherClient,
  type TogetherCheckpoint,
  type TogetherClient,
  type TogetherClientOptions,
  type TogetherFile,
  type TogetherJob,
  type TogetherJobCreateParams,
  type TogetherJobEvent,
  type TogetherJobSummary,
  type TogetherPriceEstimateParams,
} from './client.js';
import { finiteNumber, loraSettings, setOnce, stringField, wholeNumber, type MappingTable } from '../../workflow/neutral.js';
import { togetherEvent, togetherProgress, togetherStatus } from './wait.js';
import type { ProviderEstimate, ProviderTuning } from '../../workflow/tuning.js';
import type { RequestOptions } from '../../core/exchange.js';
import { dateOf } from '../../core/records.js';

/** Together's own default LoRA rank; alpha defaults to twice the rank. */
const DEFAULT_LORA_RANK = 8;

type NumberField = 'n_epochs' | 'learning_rate' | 'warmup_ratio' | 'weight_decay';

function number(name: NumberField, check: (value: unknown) => number | string) {
  return {
    field: name,
    apply: (body: TogetherJobCreateParams, value: unknown) => {
      const checked = check(value);
      return typeof checked === 'string' ? checked : setOnce(body, name, checked, name);
    },
  };
}

export const togetherMapping: MappingTable<TogetherJobCreateParams> = {
  validationFile: stringField('validation_file', 'must be a file id'),
  epochs: number('n_epochs', (v) => wholeNumber(v)),
  batchSize: {
    field: 'batch_size',
    apply: (body, value) => {
      const checked = value === 'max' ? 'max' : wholeNumber(value);
      return typeof checked === 'number' || checked === 'max' ? setOnce(body, 'batch_size', checked, 'batch_size') : `${checked}, or "max"`;
    },
  },
  learningRate: number('learning_rate', finiteNumber),
  warmupRatio: number('warmup_ratio', finiteNumber),
  weightDecay: number('weight_decay', finiteNumber),
  lora: {
    field: 'training_type ({ type: "Lora", lora_r, lora_alpha, lora_dropout } or { type: "Full" })',
    apply: (body, value) => {
      const lora = loraSettings(value);
      if (typeof lora === 'string') return lora;
      if (body.training_type) return `providerOptions.training_type is set already; set it in one place`;
      const rank = lora ? (lora.rank ?? DEFAULT_LORA_RANK) : 0;
      body.training_type = lora
        ? {
            type: 'Lora',
            lora_r: rank,
            lora_alpha: lora.alpha ?? rank * 2,
            ...(lora.dropout === undefined ? {} : { lora_dropout: lora.dropout }),
          }
        : { type: 'Full' };
      return undefined;
    },
  },
  suffix: stringField('suffix', 'must be a string'),
};

/** The body of Together's price estimate for a create request: the fields the price depends on. */
export function priceParams(body: TogetherJobCreateParams): TogetherPriceEstimateParams {
  const { training_file, validation_file, model, n_epochs, n_evals, training_method, training_type, from_checkpoint } = body;
  return { training_file, validation_file, model, n_epochs, n_evals, training_method, training_type, from_checkpoint };
}

/** Together's own estimate of a create request (`/fine-tunes/estimate-price`): its price, tokens, and whether the account may proceed. */
async function estimate(client: TogetherClient, body: TogetherJobCreateParams, options?: RequestOptions): Promise<ProviderEstimate> {
  const answer = await client.jobs.estimatePrice(priceParams(body), options);
  return {
    source: "Together's estimate",
    price: answer.estimated_total_price,
    trainingTokens: answer.estimated_train_token_count,
    evaluationTokens: answer.estimated_eval_token_count,
    allowedToProceed: answer.allowed_to_proceed,
    creditLimit: answer.user_limit,
    raw: answer,
  };
}

export const tuning: ProviderTuning<
  'together',
  {
    client: TogetherClient;
    clientOptions: TogetherClientOptions;
    job: TogetherJob;
    jobSummary: TogetherJobSummary;
    createParams: TogetherJobCreateParams;
    file: TogetherFile;
    checkpoint: TogetherCheckpoint;
    event: TogetherJobEvent;
  }
> = {
  provider: 'together',
  createClient: createTogetherClient,
  mapping: togetherMapping,
  baseRequest: (model, trainingFile, providerOptions) => ({ ...providerOptions, model, training_file: trainingFile }),
  job: (raw) => ({
    provider: 'together',
    id: raw.id,
    status: togetherStatus(raw) ?? 'queued',
    providerStatus: raw.status,
    model: raw.model,
    fineTunedModel: raw.status === 'completed' ? raw.model_output_name : undefined,
    trainingFile: raw.training_file,
    validationFile: raw.validation_file || undefined,
    createdAt: dateOf(raw.created_at),
    finishedAt:
      togetherStatus(raw) === 'succeeded' || togetherStatus(raw) === 'failed' || togetherStatus(raw) === 'cancelled'
        ? dateOf(raw.updated_at)
        : undefined,
    progress: togetherProgress(raw),
    error: undefined,
    raw,
  }),
  file: (raw) => ({
    provider: 'together',
    id: raw.id,
    filename: raw.filename,
    bytes: raw.bytes,
    createdAt: dateOf(raw.created_at),
    purpose: raw.purpose,
    status: raw.Processed ? 'processed' : 'uploaded',
    raw,
  }),
  checkpoint: (raw) => ({
    provider: 'together',
    id: String(raw.step),
    step: raw.step,
    createdAt: dateOf(raw.created_at),
    model: raw.path,
    trainingLoss: undefined,
    validationLoss: undefined,
    raw,
  }),
  event: togetherEvent,
  calls: {
    create: (client, body, options) => client.jobs.create(body, options),
    retrieve: (client, jobId, options) => client.jobs.retrieve(jobId, options),
    list: (client, options) => client.jobs.list(options),
    cancel: (client, jobId, options) => client.jobs.cancel(jobId, options),
    events: (client, jobId, options) => client.jobs.events(jobId, options),
    checkpoints: (client, jobId, options) => client.jobs.checkpoints(jobId, options),
    wait: (client, jobId, wait, options) => client.jobs.wait(jobId, wait, options),
    upload: (client, file, upload, options) => client.files.upload(file, upload, options),
    files: (client, options) => client.files.list(options),
    file: (client, fileId, options) => client.files.retrieve(fileId, options),
    deleteFile: (client, fileId, options) => client.files.delete(fileId, options),
  },
  estimate: (client, body, options) => estimate(client, body, options),
};
