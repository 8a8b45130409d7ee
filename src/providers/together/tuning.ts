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
import {
  absent,
  checkedField,
  checkpointOf,
  finiteNumber,
  integrationsOf,
  loraSettings,
  methodOf,
  seedValue,
  setGiven,
  setOnce,
  stringField,
  wholeNumber,
  type MappingTable,
} from '../../workflow/neutral.js';
import { togetherEvent, togetherProgress, togetherStatus } from './wait.js';
import { CLIENT_OPTION_KEYS, type ProviderEstimate, type ProviderTuning } from '../../workflow/tuning.js';
import type { RequestOptions } from '../../core/exchange.js';
import { rules } from '../../../generated/together.rules.js';
import { dateOf } from '../../core/records.js';

/** Together's own default LoRA rank; alpha defaults to twice the rank. */
const DEFAULT_LORA_RANK = 8;

/** Together's `training_method` for a neutral method: sft, or dpo with its settings; reinforcement refused. */
function trainingMethod(body: TogetherJobCreateParams, value: unknown): string | undefined {
  const method = methodOf(value);
  if (typeof method === 'string') return method;
  if (method.type === 'reinforcement')
    return "Together's document has the methods sft (supervised) and dpo (preference), not reinforcement";
  const current = body.training_method?.method;
  const wanted = method.type === 'dpo' ? 'dpo' : 'sft';
  if (current !== undefined && current !== wanted)
    return `providerOptions.training_method.method is "${current}" already; set it in one place`;
  if (method.type === 'supervised') {
    body.training_method ??= { method: 'sft' };
    return undefined;
  }
  if (current !== undefined) return 'providerOptions.training_method is set already; set it in one place';
  const settings = {
    dpo_beta: method.beta,
    rpo_alpha: method.rpoAlpha,
    simpo_gamma: method.simpoGamma,
    dpo_normalize_logratios_by_length: method.normalizeByLength,
    dpo_reference_free: method.referenceFree,
  };
  body.training_method = { method: 'dpo', ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) };
  return undefined;
}

export const togetherMapping: MappingTable<TogetherJobCreateParams> = {
  method: {
    field: 'training_method',
    note: '`{ method: "sft" }`, `{ method: "dpo", dpo_beta, rpo_alpha, simpo_gamma, dpo_normalize_logratios_by_length, dpo_reference_free }`; refused: reinforcement',
    apply: trainingMethod,
  },
  validationFile: stringField('validation_file', 'must be a file id'),
  epochs: checkedField('n_epochs', (v) => wholeNumber(v)),
  batchSize: {
    field: 'batch_size',
    apply: (body, value) => {
      const checked = value === 'max' ? 'max' : wholeNumber(value);
      return typeof checked === 'number' || checked === 'max' ? setOnce(body, 'batch_size', checked, 'batch_size') : `${checked}, or "max"`;
    },
  },
  learningRate: checkedField('learning_rate', finiteNumber),
  warmupRatio: checkedField('warmup_ratio', finiteNumber),
  weightDecay: checkedField('weight_decay', finiteNumber),
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
  fromCheckpoint: {
    field: 'from_checkpoint',
    note: '`<job>[:<step>]`, or the checkpoint as named; a Hugging Face model: `from_hf_model`, `hf_model_revision`, `hf_api_token`',
    apply: (body, value) => {
      const from = checkpointOf(value);
      if (typeof from === 'string') return from;
      if ('huggingFace' in from) {
        return (
          setOnce(body, 'from_hf_model', from.huggingFace, 'from_hf_model') ??
          setGiven(body, 'hf_model_revision', from.revision, 'hf_model_revision') ??
          setGiven(body, 'hf_api_token', from.token, 'hf_api_token')
        );
      }
      const name = 'job' in from ? (from.step === undefined ? from.job : `${from.job}:${from.step}`) : from.checkpoint;
      return setOnce(body, 'from_checkpoint', name, 'from_checkpoint');
    },
  },
  seed: checkedField('random_seed', seedValue),
  tags: absent("Together's document has no job tags"),
  metadata: absent("Together's document has no job metadata"),
  integrations: {
    field: 'wandb_project_name',
    note: '`wandb_name`, `wandb_entity`, `wandb_api_key`, `wandb_base_url`; refused: W&B tags, mlflow',
    apply: (body, value) => {
      const integrations = integrationsOf(value);
      if (typeof integrations === 'string') return integrations;
      if (integrations.mlflow) return "Together's document has the W&B integration only, not mlflow";
      const wandb = integrations.wandb;
      if (!wandb) return undefined;
      if (wandb.tags !== undefined) return "Together's W&B settings have no tags";
      return (
        setOnce(body, 'wandb_project_name', wandb.project, 'wandb_project_name') ??
        setGiven(body, 'wandb_name', wandb.name, 'wandb_name') ??
        setGiven(body, 'wandb_entity', wandb.entity, 'wandb_entity') ??
        setGiven(body, 'wandb_api_key', wandb.apiKey, 'wandb_api_key') ??
        setGiven(body, 'wandb_base_url', wandb.baseUrl, 'wandb_base_url')
      );
    },
  },
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
  clientOptionKeys: { ...CLIENT_OPTION_KEYS },
  createRules: { rules, operation: 'POST /fine-tunes' },
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
