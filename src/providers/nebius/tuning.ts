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
import {
  absent,
  checkedField,
  checkpointOf,
  finiteNumber,
  integrationsOf,
  loraSettings,
  methodOf,
  seedValue,
  setOnce,
  stringField,
  stringList,
  wholeNumber,
  type MappingTable,
} from '../../workflow/neutral.js';
import { nebiusFailure, nebiusProgress, nebiusStatus } from './wait.js';
import { CLIENT_OPTION_KEYS, type ProviderTuning } from '../../workflow/tuning.js';
import { rules } from '../../../generated/nebius.rules.js';
import { openAIStyleCalls, openAIStyleCheckpoint, openAIStyleJob } from '../openai-style/tuning.js';
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
  method: {
    field: 'hyperparameters',
    note: "supervised (its default); refused: dpo, reinforcement (its document's methods: supervised, spec-draft)",
    apply: (_body, value) => {
      const method = methodOf(value);
      if (typeof method === 'string') return method;
      return method.type === 'supervised'
        ? undefined
        : `Nebius's document has the methods supervised and spec-draft (a speculative-decoding drafter), not ${method.type}`;
    },
  },
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
  fromCheckpoint: {
    field: 'from_checkpoint',
    note: '`{ type: "hf", repo, revision, token }` (a Hugging Face model); refused: a job\'s checkpoint (its document\'s `ft` form names none)',
    apply: (body, value) => {
      const from = checkpointOf(value);
      if (typeof from === 'string') return from;
      if (!('huggingFace' in from))
        return 'Nebius\'s document names no job or checkpoint to continue from (its fine-tuned form, FTCheckpointParameters, has only type "ft"): only a Hugging Face model, { huggingFace, revision?, token? }';
      if (body.from_checkpoint) return 'providerOptions.from_checkpoint is set already; set it in one place';
      body.from_checkpoint = { type: 'hf', repo: from.huggingFace, revision: from.revision, token: from.token };
      return undefined;
    },
  },
  seed: checkedField('seed', seedValue),
  tags: checkedField('tags', stringList),
  metadata: absent('Nebius has no key-value metadata on a job; it has tags (a list of strings): use tags'),
  integrations: {
    field: 'integrations',
    note: '`wandb: { project, name, entity, tags, api_key }` (the key required), `mlflow: { tracking_uri, experiment_name, run_name, username, password, certificate_file, certificate_file_id, tags }`',
    apply: (body, value) => {
      const integrations = integrationsOf(value);
      if (typeof integrations === 'string') return integrations;
      const { wandb, mlflow } = integrations;
      if (wandb && wandb.apiKey === undefined) return "Nebius's document requires the W&B API key: wandb.apiKey";
      if (wandb?.baseUrl !== undefined) return 'Nebius has no W&B server setting (wandb.baseUrl)';
      if (mlflow && mlflow.certificateFile === undefined)
        return "Nebius's document requires the MLflow server's certificate: mlflow.certificateFile (and certificateFileId, an uploaded one, where you have it)";
      if (!wandb && !mlflow) return undefined;
      if (body.integrations) return 'providerOptions.integrations is set already; set it in one place';
      body.integrations = [
        ...(wandb
          ? [
              {
                type: 'wandb',
                wandb: { project: wandb.project, name: wandb.name, entity: wandb.entity, tags: wandb.tags, api_key: wandb.apiKey ?? '' },
              },
            ]
          : []),
        ...(mlflow
          ? [
              {
                type: 'mlflow' as const,
                mlflow: {
                  tracking_uri: mlflow.trackingUri,
                  experiment_name: mlflow.experimentName,
                  run_name: mlflow.runName,
                  username: mlflow.username,
                  password: mlflow.password,
                  certificate_file: mlflow.certificateFile ?? '',
                  certificate_file_id: mlflow.certificateFileId,
                  tags: mlflow.tags,
                },
              },
            ]
          : []),
      ];
      return undefined;
    },
  },
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
  clientOptionKeys: { ...CLIENT_OPTION_KEYS },
  createRules: { rules, operation: 'POST /v1/fine_tuning/jobs' },
  mapping: nebiusMapping,
  baseRequest: (model, trainingFile, providerOptions) => ({ ...providerOptions, model, training_file: trainingFile }),
  job: openAIStyleJob('nebius', { status: nebiusStatus, progress: nebiusProgress, failure: nebiusFailure }, false),
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
