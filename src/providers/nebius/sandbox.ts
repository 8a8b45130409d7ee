import type { components, paths } from '../../../generated/nebius.js';
import { rules } from '../../../generated/nebius.rules.js';
import { fileOperations, findFile, type Outputs } from '../../sandbox/files.js';
import { act, createJob, epochCheckpoints, findJob, jobsOf, seconds, viewJob } from '../../sandbox/jobs.js';
import { fastApiDetail } from '../../sandbox/problems.js';
import { defineSandbox } from '../../sandbox/definition.js';
import { allValues, everyStatus, type ErrorWords } from '../../sandbox/provider.js';
import { token } from '../../sandbox/random.js';
import { compileRoutes, type Failure, type RouteTable } from '../../sandbox/routes.js';
import type { Lifecycle } from '../../sandbox/timeline.js';
import type { FileRecord, JobRecord, World } from '../../sandbox/world.js';
import {
  checkpointId,
  idPage,
  listPage,
  resultFiles,
  styleCheckpoints,
  styleError,
  styleEvents,
  styleFile,
  styleLifecycle,
  styleTimes,
} from '../openai-style/sandbox.js';

type Schemas = components['schemas'];
type Job = Schemas['FineTuningJob'];
type Status = Job['status'];
type CreateRequest = Schemas['FineTuningRequest'];
type HParameters = Required<Schemas['SupervisedHParameters']>;
type Purpose = paths['/v1/files']['post']['requestBody']['content']['multipart/form-data']['purpose'];
type ModelStatus = Schemas['DeleteModelStatusResponse']['status'];

/** A custom model made from a job's checkpoint (or a file, or a Hugging Face repository). */
interface CustomModel {
  /** Full name, `{vendor}/{model}-LoRa:{short}`. */
  name: string;
  short: string;
  base_model: string;
  source: string;
  description: string | null;
  createdAt: number;
  readyAt: number;
  job?: string;
  checkpoint?: string;
  file?: string;
}

interface State {
  models: Map<string, CustomModel>;
}

const MINUTE = 60_000;
const PURPOSES = allValues<Purpose>()(['batch', 'fine-tune']);
const FAILURE = { code: 'training_error', message: 'Training failed: the trainer stopped with an error.' };
/** A custom model validates for this long before it is active. */
const MODEL_VALIDATION_MS = 5 * MINUTE;

const lifecycle = styleLifecycle satisfies Lifecycle<Status>;
everyStatus<Status, typeof lifecycle>();

/** The document's defaults for `SupervisedHParameters`. */
const DEFAULTS: HParameters = {
  batch_size: 8,
  learning_rate: 1e-5,
  n_epochs: 3,
  warmup_ratio: 0,
  weight_decay: 0,
  packing: true,
  max_grad_norm: 1,
  context_length: 8192,
  lora: false,
  lora_r: 8,
  lora_alpha: 8,
  lora_dropout: 0,
};

/** The hyperparameters a job trains with: the request's (top level or the supervised method's) over the defaults. */
function hyperparameters(request: CreateRequest): HParameters {
  const method = request.method;
  const given =
    request.hyperparameters ?? (method?.type === 'supervised' ? method.supervised.hyperparameters : method?.spec_draft.hyperparameters);
  const { batch_size, learning_rate, n_epochs, warmup_ratio, weight_decay, packing, max_grad_norm, context_length } = given ?? {};
  const lora =
    given && 'lora' in given
      ? { lora: given.lora, lora_r: given.lora_r, lora_alpha: given.lora_alpha, lora_dropout: given.lora_dropout }
      : {};
  const chosen = { batch_size, learning_rate, n_epochs, warmup_ratio, weight_decay, packing, max_grad_norm, context_length, ...lora };
  return { ...DEFAULTS, ...Object.fromEntries(Object.entries(chosen).filter(([, value]) => value !== undefined)) };
}

/** The request's integrations as a job shows them: secrets (W&B and Hugging Face tokens, MLflow credentials) left out. */
function integrations(request: CreateRequest): Job['integrations'] {
  return (
    request.integrations?.map((integration) => {
      if ('wandb' in integration) {
        const { project, name, entity, tags } = integration.wandb;
        return { type: 'wandb', wandb: { project, name: name ?? null, entity: entity ?? null, tags: tags ?? [] } };
      }
      if ('mlflow' in integration) {
        const { tracking_uri, experiment_name, run_name, tags } = integration.mlflow;
        return { type: 'mlflow' as const, mlflow: { tracking_uri, experiment_name, run_name, tags: tags ?? {} } };
      }
      return { type: 'hf', hf: { output_repo_name: integration.hf.output_repo_name } };
    }) ?? null
  );
}

function fromCheckpoint(request: CreateRequest): Job['from_checkpoint'] {
  const from = request.from_checkpoint;
  if (!from) return null;
  return 'repo' in from ? { type: from.type ?? 'hf', repo: from.repo, revision: from.revision ?? null } : { type: from.type ?? 'ft' };
}

const outputs: Outputs<CreateRequest> = resultFiles;

function renderJob(job: JobRecord<CreateRequest>, now: number): Job {
  const view = viewJob(job, now);
  const { request } = job;
  const hp = hyperparameters(request);
  const validated = view.stage !== 'validating';
  return {
    id: job.id,
    object: 'fine_tuning.job',
    created_at: seconds(job.createdAt),
    error: styleError(view),
    ...styleTimes(view),
    hyperparameters: hp,
    method: request.method ?? { type: 'supervised', supervised: { hyperparameters: hp } },
    integrations: integrations(request),
    from_checkpoint: fromCheckpoint(request),
    model: request.model,
    organization_id: 'org-sandbox',
    result_files: outputs(job, now).map((file) => file.id),
    seed: request.seed ?? Math.floor(Number.parseInt(token(`${job.id}:seed`, 8, '0123456789'), 10) / 10),
    suffix: request.suffix ?? null,
    status: lifecycleStatus(view.status),
    trained_tokens: view.startedAt === undefined ? null : view.trainedTokens,
    training_file: request.training_file,
    validation_file: request.validation_file ?? null,
    trained_steps: view.startedAt === undefined ? null : view.steps,
    total_steps: validated ? view.totalSteps : null,
    tags: request.tags ?? [],
  };
}

/** A status from the timeline, as the document's enum. */
function lifecycleStatus(status: string): Status {
  const all: readonly Status[] = ['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];
  return all.find((known) => known === status) ?? 'running';
}

const checkpointModel =
  (job: JobRecord) =>
  (step: number): string =>
    `${job.id}:${checkpointId(job, step)}`;

function checkpoints(job: JobRecord, now: number) {
  return styleCheckpoints(job, now, checkpointModel(job)).map((checkpoint) => ({ ...checkpoint, result_files: [] }));
}

function renderFile(file: FileRecord, now: number): Schemas['OpenAIFile'] {
  return { ...styleFile(file, now), purpose: file.purpose, status_details: null };
}

function modelStatus(model: CustomModel, now: number): ModelStatus {
  return now >= model.readyAt ? 'active' : 'validating';
}

function createdModel(model: CustomModel, status: ModelStatus) {
  return {
    name: model.name,
    base_model: model.base_model,
    source: model.source,
    created_at: seconds(model.createdAt),
    status,
    description: model.description,
  };
}

function modelInfo(model: CustomModel, now: number): Schemas['CustomModelInfoResponse'] {
  return {
    type: 'text2text',
    name: model.name,
    created_at: seconds(model.createdAt),
    description: model.description,
    deprecated: false,
    status: modelStatus(model, now),
    status_reason: null,
    base_model: model.base_model,
    source: model.source,
    fine_tune: true,
    job_id: model.job ?? null,
    checkpoint_id: model.checkpoint ?? null,
    file_id: model.file ?? null,
  };
}

const errors: ErrorWords = {
  unauthorized: (missing) => ({
    status: 401,
    error: { detail: missing ? 'Not authenticated' : 'Invalid API key' },
    headers: { 'www-authenticate': 'Bearer' },
  }),
  status: (status, message) => ({ status, error: { detail: message } }),
  invalid: (problems) => ({ status: 422, error: fastApiDetail(problems) }),
};

const notFound = (what: string, id: string): Failure => errors.status(404, `${what} ${id} not found`);

const files = fileOperations<State, CreateRequest, Schemas['OpenAIFile']>({
  errors,
  render: renderFile,
  notFound: (id) => notFound('File', id),
  outputs,
  contentType: 'application/octet-stream',
  fields: { file: 'file', purpose: PURPOSES },
  required: ['file', 'purpose'],
  id: (world) => world.id('file-'),
  processMs: 10_000,
});

/** Where a custom model's `source` points, or why it cannot be used. */
function modelSource(
  world: World<State, CreateRequest>,
  source: string,
  now: number,
): { job?: string; checkpoint?: string; file?: string } | Failure {
  const checkpoint = /^(ftjob-[^:\s]+):(ftckpt_[^:\s]+)$/.exec(source);
  if (checkpoint?.[1] && checkpoint[2]) {
    const job = findJob(world, checkpoint[1]);
    if (!job) return notFound('Fine-tuning job', checkpoint[1]);
    if (!checkpoints(job, now).some((c) => c.id === checkpoint[2])) return notFound(`Checkpoint of job ${job.id}`, checkpoint[2]);
    return { job: job.id, checkpoint: checkpoint[2] };
  }
  if (source.startsWith('file-')) return findFile(world, source, now, outputs) ? { file: source } : notFound('File', source);
  if (/^(https?:\/\/)?(www\.)?huggingface\.co\/[\w.-]+\/[\w.-]+\/?$/.test(source)) return {};
  return errors.status(
    400,
    `source = ${JSON.stringify(source)} must be a checkpoint ("ftjob-…:ftckpt_…"), a file id ("file-…") or a Hugging Face repository URL`,
  );
}

/** A new custom model's full name: `meta-llama/Meta-Llama-3.1-8B-Instruct-fast` + `my-model` → `meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:my-model-abcd`. */
function modelName(world: World<State, CreateRequest>, base: string, name: string): { name: string; short: string } {
  const [vendor, model] = base.includes('/') ? [base.slice(0, base.indexOf('/')), base.slice(base.indexOf('/') + 1)] : ['custom', base];
  const short = `${name}-${token(`${world.next()}:model`, 4, 'abcdefghijklmnopqrstuvwxyz')}`;
  return { name: `${vendor}/${model.replace(/-(fast|base)$/, '')}-LoRa:${short}`, short };
}

function findModel(world: World<State, CreateRequest>, name: string): CustomModel | undefined {
  return world.state.models.get(name) ?? [...world.state.models.values()].find((model) => model.name === name);
}

function deleteModel(world: World<State, CreateRequest>, name: string) {
  const model = findModel(world, name);
  if (!model) return notFound('Model', name);
  world.state.models.delete(model.short);
  return { json: createdModel(model, 'deleted') };
}

const routes: RouteTable<paths, State, CreateRequest> = {
  '/v1/fine_tuning/jobs': {
    get: ({ world, now, query }) => ({
      json: listPage(
        jobsOf(world).map((job) => renderJob(job, now)),
        query,
        20,
      ),
    }),
    post: async (ctx) => {
      const { body, world } = ctx;
      const hp = hyperparameters(body);
      const job = await createJob(ctx, lifecycle, {
        request: body,
        id: world.id('ftjob-'),
        model: body.model,
        trainingFile: body.training_file,
        validationFile: body.validation_file,
        shape: () => ({ epochs: hp.n_epochs, batchSize: hp.batch_size }),
        checkpoints: epochCheckpoints(),
        failure: FAILURE,
      });
      return { json: renderJob(job, ctx.now) };
    },
  },
  '/v1/fine_tuning/jobs/{job_id}': {
    get: ({ world, now, path, polled }) => {
      const job = findJob(world, path.job_id);
      if (!job) return notFound('Fine-tuning job', path.job_id);
      polled(job.timeline.nextMilestone(now));
      return { json: renderJob(job, now) };
    },
  },
  '/v1/fine_tuning/jobs/{job_id}/cancel': {
    post: ({ world, now, path }) => {
      const job = findJob(world, path.job_id);
      if (!job) return notFound('Fine-tuning job', path.job_id);
      const refused = act(job, 'cancel', now);
      return refused ? errors.status(400, refused) : { json: renderJob(job, now) };
    },
  },
  '/v1/fine_tuning/jobs/{job_id}/events': {
    get: ({ world, now, path, query }) => {
      const job = findJob(world, path.job_id);
      return job ? { json: listPage(styleEvents(job, now), query, 20) } : notFound('Fine-tuning job', path.job_id);
    },
  },
  '/v1/fine_tuning/jobs/{job_id}/checkpoints': {
    get: ({ world, now, path, query }) => {
      const job = findJob(world, path.job_id);
      return job ? { json: idPage(checkpoints(job, now), query, 10) } : notFound('Fine-tuning job', path.job_id);
    },
  },
  '/v1/fine_tuning/jobs/{job_id}/checkpoints/{checkpoint_id}': {
    get: ({ world, now, path }) => {
      const job = findJob(world, path.job_id);
      if (!job) return notFound('Fine-tuning job', path.job_id);
      const checkpoint = styleCheckpoints(job, now, checkpointModel(job)).find((c) => c.id === path.checkpoint_id);
      return checkpoint ? { json: checkpoint } : notFound('Checkpoint', path.checkpoint_id);
    },
  },
  '/v1/files': {
    // The answer is undocumented (a placeholder object); its example is OpenAI's list. `limit` defaults to 10. The
    // document names no cursor; `after` is honoured as OpenAI's (the openai SDK pages with it when `has_more`).
    get: (ctx) => {
      const { purpose, limit } = ctx.query;
      const all = files.list(ctx).filter((file) => !purpose || file.purpose === purpose);
      const after = new URL(ctx.request.url).searchParams.get('after');
      return {
        json: listPage(
          all.map((file) => files.render(file, ctx)),
          { after, limit },
          10,
        ),
      };
    },
    post: files.upload,
  },
  '/v1/files/{file_id}': {
    get: (ctx) => files.retrieve(ctx, ctx.path.file_id),
    delete: (ctx) => files.remove(ctx, ctx.path.file_id, { id: ctx.path.file_id, object: 'file', deleted: true }),
  },
  '/v1/files/{file_id}/content': {
    get: (ctx) => files.content(ctx, ctx.path.file_id),
  },
  '/v0/models': {
    get: ({ world, now }) => ({ json: [...world.state.models.values()].reverse().map((model) => modelInfo(model, now)) }),
    post: ({ world, now, body }) => {
      if (!/^[A-Za-z0-9][\w.-]{0,63}$/.test(body.name)) {
        return errors.status(
          400,
          `name = ${JSON.stringify(body.name)} must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
        );
      }
      const source = modelSource(world, body.source, now);
      if ('status' in source) return source;
      const model: CustomModel = {
        ...modelName(world, body.base_model, body.name),
        base_model: body.base_model,
        source: body.source,
        description: body.description ?? null,
        createdAt: now,
        readyAt: now + MODEL_VALIDATION_MS,
        ...source,
      };
      world.state.models.set(model.short, model);
      return { json: createdModel(model, 'validating') };
    },
  },
  '/v0/models/{name}': {
    get: ({ world, now, path, polled }) => {
      const model = findModel(world, path.name);
      if (!model) return notFound('Model', path.name);
      polled(model.readyAt);
      return { json: modelInfo(model, now) };
    },
    delete: ({ world, path }) => deleteModel(world, path.name),
  },
  '/v0/models/{vendor}/{full_name}': {
    get: ({ world, now, path, polled }) => {
      const model = findModel(world, `${path.vendor}/${path.full_name}`);
      if (!model) return notFound('Model', `${path.vendor}/${path.full_name}`);
      polled(model.readyAt);
      return { json: modelInfo(model, now) };
    },
    delete: ({ world, path }) => deleteModel(world, `${path.vendor}/${path.full_name}`),
  },
};

/** Nebius Token Factory: jobs, files and custom models (`/v0/models`), FastAPI's error shapes. */
export const sandbox = defineSandbox<State, CreateRequest>()({
  name: 'nebius',
  prefix: '',
  rules,
  lifecycle,
  routes: compileRoutes(routes),
  init: () => ({ models: new Map() }),
  errors,
  failure: FAILURE,
});
