/** What Nebius and OpenAI share in the neutral API: the same client method shapes and the same checkpoint object. */
import type { RequestOptions } from '../../core/exchange.js';
import type { PageList } from '../../core/pagination.js';
import type { Uploadable, UploadOptions } from '../../core/upload.js';
import {
  absent,
  checkedField,
  checkpointOf,
  integrationsOf,
  methodOf,
  seedValue,
  setGiven,
  setOnce,
  stringField,
  stringMap,
  wholeNumber,
  type MappingTable,
  type NeutralCheckpoint,
  type NeutralJobBase,
} from '../../workflow/neutral.js';
import type { ProviderTuning, TuningTypes } from '../../workflow/tuning.js';
import type { WaitAdapter, WaitOptions } from '../../poller/types.js';
import type { ProviderName } from '../registry/providers.js';
import { dateOf, numberOr } from '../../core/records.js';

/** A client shaped like OpenAI's (Nebius's too): lists take a query object before the request options. */
interface OpenAIStyleClient<T extends TuningTypes> {
  jobs: {
    create(body: T['createParams'], options?: RequestOptions): Promise<T['job']>;
    retrieve(jobId: string, options?: RequestOptions): Promise<T['job']>;
    list(query: object, options?: RequestOptions): PageList<T['job']>;
    cancel(jobId: string, options?: RequestOptions): Promise<T['job']>;
    events(jobId: string, query: object, options?: RequestOptions): PageList<T['event']>;
    checkpoints(jobId: string, query: object, options?: RequestOptions): PageList<T['checkpoint']>;
    wait(jobId: string, wait?: WaitOptions<T['job'], T['event']>, options?: RequestOptions): Promise<T['job']>;
  };
  files: {
    upload(file: Uploadable, upload?: UploadOptions, options?: RequestOptions): Promise<T['file']>;
    list(query: object, options?: RequestOptions): PageList<T['file']>;
    retrieve(fileId: string, options?: RequestOptions): Promise<T['file']>;
    delete(fileId: string, options?: RequestOptions): Promise<unknown>;
  };
}

/** The neutral API's calls on an OpenAI-shaped client. */
export function openAIStyleCalls<T extends TuningTypes & { client: OpenAIStyleClient<T> }>(): ProviderTuning<ProviderName, T>['calls'] {
  return {
    create: (client, body, options) => client.jobs.create(body, options),
    retrieve: (client, jobId, options) => client.jobs.retrieve(jobId, options),
    list: (client, options) => client.jobs.list({}, options),
    cancel: (client, jobId, options) => client.jobs.cancel(jobId, options),
    events: (client, jobId, options) => client.jobs.events(jobId, {}, options),
    checkpoints: (client, jobId, options) => client.jobs.checkpoints(jobId, {}, options),
    wait: (client, jobId, wait, options) => client.jobs.wait(jobId, wait, options),
    upload: (client, file, upload, options) => client.files.upload(file, upload, options),
    files: (client, options) => client.files.list({}, options),
    file: (client, fileId, options) => client.files.retrieve(fileId, options),
    deleteFile: (client, fileId, options) => client.files.delete(fileId, options),
  };
}

/** An OpenAI-style job, as far as the neutral API reads it. */
interface OpenAIStyleJob {
  id: string;
  status: string;
  model: string;
  fine_tuned_model?: string | null;
  training_file: string;
  validation_file?: string | null;
  created_at: number;
  finished_at?: number | null;
}

/**
 * A provider's OpenAI-style job in the neutral vocabulary, by its own readers of status, progress and failure (those
 * `jobs.wait` uses). `named: false` where a job has no model of its own to call (Nebius: `train({ deploy })` makes one).
 */
export function openAIStyleJob<P extends ProviderName, Raw extends OpenAIStyleJob>(
  provider: P,
  read: Pick<WaitAdapter<Raw, unknown>, 'status' | 'progress' | 'failure'>,
  named = true,
) {
  return (raw: Raw): NeutralJobBase & { provider: P; raw: Raw } => ({
    provider,
    id: raw.id,
    status: read.status(raw) ?? 'queued',
    providerStatus: raw.status,
    model: raw.model,
    fineTunedModel: named ? (raw.fine_tuned_model ?? undefined) : undefined,
    trainingFile: raw.training_file,
    validationFile: raw.validation_file ?? undefined,
    createdAt: dateOf(raw.created_at),
    finishedAt: dateOf(raw.finished_at),
    progress: read.progress(raw),
    error: read.failure(raw),
    raw,
  });
}

/** An OpenAI-style checkpoint (`fine_tuning.job.checkpoint`), read neutrally. */
interface OpenAIStyleCheckpoint {
  id: string;
  created_at: number;
  fine_tuned_model_checkpoint: string;
  step_number: number;
  metrics: { train_loss?: number | null; valid_loss?: number | null; full_valid_loss?: number | null };
}

export function openAIStyleCheckpoint<P extends ProviderName>(provider: P) {
  return <Raw extends OpenAIStyleCheckpoint>(raw: Raw): NeutralCheckpoint<Raw> => ({
    provider,
    id: raw.id,
    step: raw.step_number,
    createdAt: dateOf(raw.created_at),
    model: raw.fine_tuned_model_checkpoint,
    trainingLoss: numberOr(raw.metrics.train_loss),
    validationLoss: numberOr(raw.metrics.valid_loss) ?? numberOr(raw.metrics.full_valid_loss),
    raw,
  });
}

/** Hyperparameters of an OpenAI-style method, as the mapping writes them. */
interface StyleHyperparameters {
  n_epochs?: number | 'auto';
  batch_size?: number | 'auto';
}

/** The create request OpenAI and Azure OpenAI share (each provider's own request is assignable to it). */
export interface OpenAIStyleBody {
  model: string;
  suffix?: string | null;
  validation_file?: string | null;
  seed?: number | null;
  metadata?: Record<string, string> | null;
  integrations?: object[] | null;
  method?: {
    type: 'supervised' | 'dpo' | 'reinforcement';
    supervised?: { hyperparameters?: StyleHyperparameters };
    dpo?: { hyperparameters?: StyleHyperparameters & { beta?: number | 'auto' } };
    reinforcement?: {
      grader: object;
      hyperparameters?: StyleHyperparameters & {
        reasoning_effort?: 'default' | 'low' | 'medium' | 'high';
        compute_multiplier?: number | 'auto';
        eval_interval?: number | 'auto';
        eval_samples?: number | 'auto';
      };
    };
  };
}

const HYPER = 'method.<type>.hyperparameters';
const NO_GRADER = 'a reinforcement job needs its grader: method { type: "reinforcement", grader }';

/** The hyperparameters of the job's method (supervised unless `method` or `providerOptions.method` says otherwise), made when absent. */
function methodHyper(body: OpenAIStyleBody): StyleHyperparameters | undefined {
  const method = (body.method ??= { type: 'supervised' });
  if (method.type === 'dpo') return ((method.dpo ??= {}).hyperparameters ??= {});
  if (method.type === 'reinforcement') return method.reinforcement ? (method.reinforcement.hyperparameters ??= {}) : undefined;
  return ((method.supervised ??= {}).hyperparameters ??= {});
}

/** What differs between OpenAI and Azure OpenAI in the mapping: the name, and the grader types its document has. */
export interface OpenAIStyleFacts {
  /** `OpenAI`, `Azure OpenAI`. */
  label: string;
  /** The grader types a reinforcement job may have, as its document lists them. */
  graders: readonly string[];
}

/** The method as the provider's `method` field: supervised, dpo (beta only) or reinforcement (its grader as given). */
function styleMethod(facts: OpenAIStyleFacts, body: OpenAIStyleBody, value: unknown): string | undefined {
  const method = methodOf(value);
  if (typeof method === 'string') return method;
  const current = body.method?.type;
  if (current !== undefined && current !== method.type) return `providerOptions.method.type is "${current}" already; set it in one place`;
  if (method.type === 'supervised') {
    body.method ??= { type: 'supervised' };
    return undefined;
  }
  if (method.type === 'dpo') {
    const { beta, ...rest } = method;
    const other = Object.entries(rest).find(([name, v]) => name !== 'type' && v !== undefined);
    if (other) return `${facts.label}'s DPO takes beta only (its document has no ${other[0]})`;
    const target = (body.method ??= { type: 'dpo' });
    const hyper = ((target.dpo ??= {}).hyperparameters ??= {});
    return setGiven(hyper, 'beta', beta, 'method.dpo.hyperparameters.beta');
  }
  const type = method.grader['type'];
  if (typeof type !== 'string' || !facts.graders.includes(type))
    return `${facts.label}'s grader type is one of ${facts.graders.join(', ')}${typeof type === 'string' ? `, not ${type}` : ''}`;
  const target = (body.method ??= { type: 'reinforcement', reinforcement: { grader: method.grader } });
  target.reinforcement ??= { grader: method.grader };
  const hyper = (target.reinforcement.hyperparameters ??= {});
  const at = 'method.reinforcement.hyperparameters';
  const { reasoningEffort, computeMultiplier, evalInterval, evalSamples } = method;
  return (
    setGiven(hyper, 'reasoning_effort', reasoningEffort, `${at}.reasoning_effort`) ??
    setGiven(hyper, 'compute_multiplier', computeMultiplier, `${at}.compute_multiplier`) ??
    setGiven(hyper, 'eval_interval', evalInterval, `${at}.eval_interval`) ??
    setGiven(hyper, 'eval_samples', evalSamples, `${at}.eval_samples`)
  );
}

/**
 * The mapping table OpenAI and Azure OpenAI share (Azure takes OpenAI's body): methods in `method`, a continued job
 * as its fine-tuned `model`, `seed`, `metadata`, the W&B integration (the key lives in the organization's settings).
 */
export function openAIStyleMapping(facts: OpenAIStyleFacts): MappingTable<OpenAIStyleBody> {
  const { label } = facts;
  return {
    method: {
      field: 'method',
      note: `\`type\` supervised, dpo (\`dpo.hyperparameters.beta\`; other preference settings refused), reinforcement (\`reinforcement.grader\`: ${facts.graders.join(', ')})`,
      apply: (body, value) => styleMethod(facts, body, value),
    },
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
        if (value === 'max') return `${label} takes a number of examples or "auto", not "max"`;
        const size = wholeNumber(value);
        const hyper = methodHyper(body);
        if (typeof size === 'string') return size;
        return hyper ? setOnce(hyper, 'batch_size', size, `${HYPER}.batch_size`) : NO_GRADER;
      },
    },
    learningRate: absent(
      `${label} takes learning_rate_multiplier, a multiple of its own default rate, not an absolute rate: set providerOptions.method.supervised.hyperparameters.learning_rate_multiplier`,
    ),
    warmupRatio: absent(`${label} has no warm-up setting`),
    weightDecay: absent(`${label} has no weight-decay setting`),
    lora: absent(`${label} does not expose LoRA or full fine-tuning: it chooses`),
    suffix: stringField('suffix', 'must be a string'),
    fromCheckpoint: {
      field: 'model',
      note: 'the fine-tuned or checkpoint model, `{ checkpoint }`; refused: a job id (give its model), a Hugging Face model',
      apply: (body, value) => {
        const from = checkpointOf(value);
        if (typeof from === 'string') return from;
        if ('job' in from)
          return `${label} continues from a fine-tuned model, not a job: pass { checkpoint: <the job's fine_tuned_model, or a checkpoint's fine_tuned_model_checkpoint> } (tuner.jobs.retrieve(id).fineTunedModel, tuner.jobs.checkpoints(id))`;
        if ('huggingFace' in from)
          return `${label} fine-tunes only its own models and the ones you tuned from them, not a Hugging Face model`;
        body.model = from.checkpoint;
        return undefined;
      },
    },
    seed: checkedField('seed', seedValue),
    tags: absent(`${label} has no job tags; it has metadata (key-value pairs): use metadata`),
    metadata: checkedField('metadata', stringMap),
    integrations: {
      field: 'integrations',
      note: "`wandb: { project, name, entity, tags }`; refused: `apiKey` (the key is in the organization's settings), `baseUrl`, mlflow",
      apply: (body, value) => {
        const integrations = integrationsOf(value);
        if (typeof integrations === 'string') return integrations;
        if (integrations.mlflow) return `${label}'s document has the wandb integration only, not mlflow`;
        const wandb = integrations.wandb;
        if (!wandb) return undefined;
        if (wandb.apiKey !== undefined)
          return `${label} reads the W&B API key from your organization's integration settings, never from the request: leave wandb.apiKey out`;
        if (wandb.baseUrl !== undefined) return `${label} has no W&B server setting (wandb.baseUrl)`;
        if (body.integrations) return 'providerOptions.integrations is set already; set it in one place';
        const { project, name, entity, tags } = wandb;
        body.integrations = [{ type: 'wandb', wandb: { project, name, entity, tags } }];
        return undefined;
      },
    },
  };
}
