import type { components, paths } from '../../../generated/together.js';
import { rules } from '../../../generated/together.rules.js';
import { fileOperations, findFile, text } from '../../sandbox/files.js';
import { act, createJob, eventsOf, findJob, iso, jobsOf, metricsAt, seconds, viewJob } from '../../sandbox/jobs.js';
import { defineSandbox } from '../../sandbox/definition.js';
import { allValues, everyStatus } from '../../sandbox/provider.js';
import { token, uuid } from '../../sandbox/random.js';
import { compileRoutes, type Failure, type RouteTable } from '../../sandbox/routes.js';
import type { Lifecycle, TimelineEvent } from '../../sandbox/timeline.js';
import type { FileRecord, JobRecord, World } from '../../sandbox/world.js';
import { styleErrors as errors } from '../openai-style/sandbox.js';

type Schemas = components['schemas'];
type Job = Schemas['FinetuneResponse'];
type Summary = Schemas['FinetuneResponseTruncated'];
type Status = Schemas['FinetuneJobStatus'];
type CreateRequest = paths['/fine-tunes']['post']['requestBody']['content']['application/json'];
type Event = Schemas['FineTuneEvent'];
type EventType = Schemas['FinetuneEventType'];
type Checkpoint = Schemas['FineTuneCheckpoint'];
type FileType = Schemas['FileType'];

interface State {
  /** The `file_type` each upload declared. */
  fileTypes: Map<string, FileType>;
}

const MINUTE = 60_000;
const PURPOSES = allValues<Schemas['FilePurpose']>()([
  'fine-tune',
  'eval',
  'eval-sample',
  'eval-output',
  'eval-summary',
  'batch-generated',
  'batch-api',
]);
const FILE_TYPES = allValues<FileType>()(['csv', 'jsonl', 'parquet']);
const FAILURE = { code: 'job_error', message: 'Training failed: the trainer stopped with an error. Please try again or contact support.' };
const ORG = 'sandbox-user';
/** Dollars per million tokens trained. */
const PRICE = 0.48;
/** The credit limit of the sandbox's account, in dollars: a job estimated above it is not allowed to proceed. */
const USER_LIMIT = 100;
/** What `batch_size: "max"` becomes. */
const MAX_BATCH = 16;

const lifecycle = {
  before: [
    { status: 'pending', stage: 'validating', ms: MINUTE },
    { status: 'queued', stage: 'queued', ms: 3 * MINUTE },
  ],
  running: 'running',
  warmupMs: 4 * MINUTE,
  after: [
    { status: 'compressing', stage: 'finishing', ms: 3 * MINUTE },
    { status: 'uploading', stage: 'finishing', ms: 2 * MINUTE },
  ],
  succeeded: 'completed',
  failed: 'error',
  cancelled: 'cancelled',
  cancelling: { status: 'cancel_requested', ms: 30_000 },
} as const satisfies Lifecycle<Status>;
everyStatus<Status, typeof lifecycle>();

const STATUSES: readonly Status[] = [
  'pending',
  'queued',
  'running',
  'compressing',
  'uploading',
  'cancel_requested',
  'cancelled',
  'error',
  'completed',
];
const asStatus = (status: string): Status => STATUSES.find((known) => known === status) ?? 'running';

/** The request with the document's defaults filled in. */
function settings(request: CreateRequest) {
  return {
    n_epochs: request.n_epochs ?? 1,
    n_checkpoints: request.n_checkpoints ?? 1,
    n_evals: request.n_evals ?? 0,
    batch_size: request.batch_size === undefined || request.batch_size === 'max' ? MAX_BATCH : request.batch_size,
    learning_rate: request.learning_rate ?? 1e-5,
    lr_scheduler: request.lr_scheduler ?? { lr_scheduler_type: 'linear' as const, lr_scheduler_args: { min_lr_ratio: 0 } },
    warmup_ratio: request.warmup_ratio ?? 0,
    max_grad_norm: request.max_grad_norm ?? 1,
    weight_decay: request.weight_decay ?? 0,
    training_method: request.training_method ?? { method: 'sft' as const, train_on_inputs: request.train_on_inputs ?? 'auto' },
    training_type: request.training_type ?? { type: 'Full' as const },
  };
}

/** Parameters of the base model, read from its name (`…-8B-…` → 8e9). */
function parameterCount(model: string): number {
  const size = /(\d+(?:\.\d+)?)B\b/i.exec(model)?.[1];
  return size ? Math.round(Number(size) * 1e9) : 0;
}

const outputName = (job: JobRecord<CreateRequest>): string =>
  `${ORG}/${job.model.split('/').pop()}-${job.request.suffix ? `${job.request.suffix}-` : ''}${token(`${job.id}:output`, 8, '0123456789abcdef')}`;
const outputPath = (job: JobRecord): string => `s3://together-sandbox/finetune/${job.id}/output`;

/** The timeline's moments in Together's words: each becomes one or more typed events. */
function said(job: JobRecord<CreateRequest>, event: TimelineEvent): [EventType, string, Event['level']?][] {
  switch (event.kind) {
    case 'created':
      return [['job_pending', 'Fine tune request created']];
    case 'queued':
      return [['job_pending', 'Training data validated; the job is queued']];
    case 'started':
      return [
        ['job_start', `Job started at ${iso(event.at)}`],
        ['model_downloading', `Downloading model data for ${job.model}`],
      ];
    case 'training':
      return [
        ['model_download_complete', 'Model data downloaded'],
        ['training_start', `Training started for model ${job.model}`],
      ];
    case 'epoch':
      return [['epoch_complete', `Epoch completed, at step ${event.step}`]];
    case 'checkpoint':
      return [['checkpoint_save', `New checkpoint saved at step ${event.step}`]];
    case 'finishing':
      return event.status === 'compressing'
        ? [
            ['training_complete', 'Training completed'],
            ['model_compressing', 'Compressing output model'],
          ]
        : [
            ['model_compression_complete', 'Model compression complete'],
            ['model_uploading', 'Uploading output model'],
          ];
    case 'succeeded':
      return [
        ['model_upload_complete', 'Model upload complete'],
        ['job_complete', `Fine tuning job completed, created model ${outputName(job)}`],
      ];
    case 'failed':
      return [['job_error', event.error?.message ?? 'The job failed', 'error']];
    case 'cancelling':
      return [['cancel_requested', 'Job cancellation requested', 'warning']];
    case 'cancelled':
      return [['job_stopped', event.by === 'provider' ? 'Job was cancelled by the provider' : 'Job was cancelled', 'warning']];
    default:
      return [];
  }
}

function events(job: JobRecord<CreateRequest>, now: number): Event[] {
  const { totalSteps } = job.timeline.training;
  const tokens = job.tokens * settings(job.request).n_epochs;
  return eventsOf(job, now).flatMap((event) =>
    said(job, event).map(([type, message, level], n): Event => ({
      object: 'fine-tune-event',
      created_at: iso(event.at),
      level: level ?? 'info',
      message,
      type,
      param_count: parameterCount(job.model),
      token_count: tokens,
      total_steps: totalSteps,
      wandb_url: '',
      step: event.step ?? job.timeline.stepsAt(event.at),
      checkpoint_path: type === 'checkpoint_save' ? `${outputPath(job)}/checkpoint-${event.step}` : '',
      model_path: type === 'job_complete' ? outputPath(job) : '',
      training_offset: 0,
      hash: token(`${job.id}:event:${event.seq}:${n}`, 32, '0123456789abcdef'),
    })),
  );
}

/** Intermediate checkpoints evenly through training (`n_checkpoints` in all, the last one the final model). */
const checkpointSteps =
  (count: number) =>
  ({ totalSteps }: { totalSteps: number }): number[] =>
    [...new Set(Array.from({ length: Math.max(0, count - 1) }, (_, i) => Math.round(((i + 1) * totalSteps) / count)))].filter(
      (step) => step > 0 && step < totalSteps,
    );

function checkpoints(job: JobRecord<CreateRequest>, now: number): Checkpoint[] {
  const intermediate = eventsOf(job, now)
    .filter((event) => event.kind === 'checkpoint')
    .map((event): Checkpoint => ({
      step: event.step ?? 0,
      path: `${outputPath(job)}/checkpoint-${event.step}`,
      created_at: iso(event.at),
      checkpoint_type: 'Intermediate',
    }))
    .reverse();
  const finished = job.timeline.finishedAt(now);
  if (finished === undefined || job.timeline.stageAt(now) !== 'succeeded') return intermediate;
  const { totalSteps } = job.timeline.training;
  const final: Checkpoint[] = [{ step: totalSteps, path: outputPath(job), created_at: iso(finished), checkpoint_type: 'Final Merged' }];
  if (settings(job.request).training_type.type === 'Lora')
    final.push({ step: totalSteps, path: `${outputPath(job)}/adapter`, created_at: iso(finished), checkpoint_type: 'Final Adapter' });
  return [...final, ...intermediate];
}

/** What the summary (create, list, cancel) and the full job (retrieve) share. */
function common(job: JobRecord<CreateRequest>, now: number) {
  const view = viewJob(job, now);
  const { request } = job;
  const s = settings(request);
  const latest = eventsOf(job, now).pop()?.at ?? job.createdAt;
  const ends = view.statusEnds;
  return {
    id: job.id,
    status: asStatus(view.status),
    created_at: iso(job.createdAt),
    updated_at: iso(latest),
    ...(view.startedAt === undefined ? {} : { started_at: iso(view.startedAt) }),
    training_file: request.training_file,
    ...(request.validation_file === undefined ? {} : { validation_file: request.validation_file }),
    model: request.model,
    model_output_name: outputName(job),
    n_epochs: s.n_epochs,
    n_checkpoints: s.n_checkpoints,
    n_evals: s.n_evals,
    batch_size: s.batch_size,
    learning_rate: s.learning_rate,
    lr_scheduler: s.lr_scheduler,
    warmup_ratio: s.warmup_ratio,
    max_grad_norm: s.max_grad_norm,
    weight_decay: s.weight_decay,
    training_method: s.training_method,
    training_type: s.training_type,
    token_count: job.tokens * s.n_epochs,
    total_price: Math.round(((job.tokens * s.n_epochs) / 1e6) * PRICE * 100),
    ...(request.from_checkpoint === undefined ? {} : { from_checkpoint: request.from_checkpoint }),
    ...(request.from_hf_model === undefined ? {} : { from_hf_model: request.from_hf_model }),
    ...(request.hf_model_revision === undefined ? {} : { hf_model_revision: request.hf_model_revision }),
    ...(request.wandb_project_name === undefined ? {} : { wandb_project_name: request.wandb_project_name }),
    progress: Number.isFinite(ends)
      ? { estimate_available: true, seconds_remaining: Math.max(0, seconds(ends - now)) }
      : { estimate_available: false, seconds_remaining: 0 },
  };
}

function summary(job: JobRecord<CreateRequest>, now: number): Summary {
  const { request } = job;
  return {
    ...common(job, now),
    user_id: ORG,
    owner_address: `0x${token(`${ORG}:address`, 40, '0123456789abcdef')}`,
    packing: request.packing ?? true,
    ...(request.max_seq_length === undefined ? {} : { max_seq_length: request.max_seq_length }),
    ...(request.suffix === undefined ? {} : { suffix: request.suffix }),
    random_seed: request.random_seed ?? null,
    ...(request.wandb_name === undefined ? {} : { wandb_name: request.wandb_name }),
  };
}

function full(job: JobRecord<CreateRequest>, now: number): Job {
  const view = viewJob(job, now);
  const file = job.timeline.training;
  return {
    ...common(job, now),
    ...(view.stage === 'succeeded' ? { model_output_path: outputPath(job) } : {}),
    trainingfile_numlines: job.examples,
    trainingfile_size: job.tokens * 4,
    eval_steps: settings(job.request).n_evals ? Math.max(1, Math.floor(file.totalSteps / settings(job.request).n_evals)) : 0,
    train_on_inputs: job.request.train_on_inputs ?? 'auto',
    ...(job.request.multimodal_params === undefined ? {} : { multimodal_params: job.request.multimodal_params }),
    job_id: job.id,
    events: events(job, now),
    param_count: parameterCount(job.model),
    epochs_completed: view.epochs,
    queue_depth: view.stage === 'queued' ? Math.max(1, Math.ceil((view.statusEnds - now) / MINUTE)) : 0,
    wandb_url: '',
  };
}

function renderFile(world: World<State, CreateRequest>, file: FileRecord, now: number): Schemas['FileResponse'] {
  return {
    id: file.id,
    object: 'file',
    created_at: seconds(file.createdAt),
    filename: file.filename,
    bytes: file.bytes,
    purpose: PURPOSES.find((purpose) => purpose === file.purpose) ?? 'fine-tune',
    Processed: now >= file.readyAt,
    FileType: world.state.fileTypes.get(file.id) ?? 'jsonl',
  };
}

/**
 * Loss and learning rate at the steps the job logged, oldest first, as `/fine-tunes/{id}/metrics` gives them; filtered by
 * the query (`global_step_from/to`, `logged_at_from/to`, `resolution`), which is where clients send it (the document
 * puts the filter in a GET body, which fetch cannot send: QUIRKS.md §10).
 */
function metrics(job: JobRecord<CreateRequest>, now: number, filter: URLSearchParams): Record<string, number>[] {
  const s = settings(job.request);
  const { totalSteps, stepsPerEpoch } = job.timeline.training;
  const bound = (name: string): number | undefined => (filter.has(name) ? Number(filter.get(name)) : undefined);
  const time = (name: string): number | undefined => (filter.has(name) ? Date.parse(filter.get(name) ?? '') : undefined);
  const [stepFrom, stepTo, timeFrom, timeTo, resolution] = [
    bound('global_step_from'),
    bound('global_step_to'),
    time('logged_at_from'),
    time('logged_at_to'),
    bound('resolution'),
  ];
  const logged = eventsOf(job, now)
    .filter((event) => event.kind === 'metrics')
    .filter((event) => {
      const step = event.step ?? 0;
      return !(
        step < (stepFrom ?? -Infinity) ||
        step > (stepTo ?? Infinity) ||
        event.at < (timeFrom ?? -Infinity) ||
        event.at > (timeTo ?? Infinity)
      );
    })
    .map((event) => {
      const step = event.step ?? 0;
      const m = metricsAt(job, step);
      const warmup = s.warmup_ratio * totalSteps;
      const rate =
        step < warmup ? s.learning_rate * (step / warmup) : s.learning_rate * (1 - (step - warmup) / Math.max(1, totalSteps - warmup));
      // Named as the document's own example names them (`train/loss`, `train/global_step`, …).
      return {
        'train/global_step': step,
        'train/epoch': Math.round((step / stepsPerEpoch) * 1000) / 1000,
        'train/loss': m.trainLoss,
        'train/learning_rate': Math.max(0, rate),
        logged_at: seconds(event.at),
        ...(m.validLoss === undefined || !s.n_evals ? {} : { 'eval/loss': m.validLoss }),
      };
    });
  if (!resolution || resolution >= logged.length) return logged;
  // `resolution`: that many points, evenly spaced, the last one kept.
  const points = Math.max(1, Math.floor(resolution));
  return Array.from({ length: points }, (_, i) => logged[Math.round(((i + 1) * logged.length) / points) - 1] ?? {});
}

const notFound = (what: string, id: string): Failure => errors.status(404, `${what} ${id} not found`, 'not_found');

const files = fileOperations<State, CreateRequest, Schemas['FileResponse']>({
  errors,
  render: (file, now, world) => renderFile(world, file, now),
  notFound: (id) => notFound('File', id),
  contentType: 'text/plain; charset=utf-8',
  fields: { purpose: PURPOSES, file_name: 'text', file_type: FILE_TYPES, file: 'file' },
  required: ['purpose', 'file_name', 'file'],
  id: (world) => `file-${uuid(world.next())}`,
  processMs: 10_000,
  filename: (form) => text(form, 'file_name'),
  stored: (world, file, form) =>
    void world.state.fileTypes.set(file.id, FILE_TYPES.find((type) => type === text(form, 'file_type')) ?? 'jsonl'),
});

const withJob = <T>(world: World<State, CreateRequest>, id: string, then: (job: JobRecord<CreateRequest>) => T): T | Failure => {
  const job = findJob(world, id);
  return job ? then(job) : notFound('Fine-tune job', id);
};

const routes: RouteTable<paths, State, CreateRequest> = {
  '/files': {
    get: (ctx) => ({ json: { data: files.list(ctx).map((file) => files.render(file, ctx)) } }),
  },
  '/files/{id}': {
    get: (ctx) => files.retrieve(ctx, ctx.path.id),
    delete: (ctx) => files.remove(ctx, ctx.path.id, { id: ctx.path.id, deleted: true }),
  },
  '/files/{id}/content': {
    get: (ctx) => files.content(ctx, ctx.path.id),
  },
  '/files/upload': {
    post: files.upload,
  },
  '/fine-tunes': {
    get: ({ world, now }) => ({ json: { data: jobsOf(world).map((job) => summary(job, now)) } }),
    post: async (ctx) => {
      const { body } = ctx;
      const s = settings(body);
      const job = await createJob(ctx, lifecycle, {
        request: body,
        id: `ft-${uuid(ctx.world.next())}`,
        model: body.model,
        trainingFile: body.training_file,
        validationFile: body.validation_file,
        shape: () => ({ epochs: s.n_epochs, batchSize: s.batch_size }),
        checkpoints: checkpointSteps(s.n_checkpoints),
        failure: FAILURE,
      });
      return { json: summary(job, ctx.now) };
    },
  },
  '/fine-tunes/estimate-price': {
    post: async ({ world, now, body }) => {
      const file = findFile(world, body.training_file, now);
      if (!file) return notFound('File', body.training_file);
      const report = await world.report(file);
      if (!report.ok)
        return errors.status(
          400,
          `training_file ${file.id} is not valid fine-tuning JSONL: line ${report.line}: ${report.reason}`,
          'invalid_file',
        );
      const validation = body.validation_file ? findFile(world, body.validation_file, now) : undefined;
      const evalReport = validation ? await world.report(validation) : undefined;
      const train = report.tokens * (body.n_epochs ?? 1);
      const evaluation = (evalReport?.ok ? evalReport.tokens : 0) * (body.n_evals ?? 0);
      const price = Math.round(((train + evaluation) / 1e6) * PRICE * 100) / 100;
      return {
        json: {
          estimated_total_price: price,
          allowed_to_proceed: price <= USER_LIMIT,
          user_limit: USER_LIMIT,
          estimated_train_token_count: train,
          estimated_eval_token_count: evaluation,
        },
      };
    },
  },
  '/fine-tunes/{id}': {
    get: ({ world, now, path, polled }) =>
      withJob(world, path.id, (job) => {
        polled(job.timeline.nextMilestone(now));
        return { json: full(job, now) };
      }),
    delete: ({ world, now, path, query }) =>
      withJob(world, path.id, (job): { json: Schemas['FinetuneDeleteResponse'] } | Failure => {
        if (!viewJob(job, now).final && !query.force)
          return errors.status(400, `Job ${job.id} is ${job.timeline.at(now).status}; cancel it before deleting it`, 'job_running');
        job.deleted = true;
        return { json: { message: `Fine-tune job ${job.id} deleted` } };
      }),
  },
  '/fine-tunes/{id}/events': {
    get: ({ world, now, path }) => withJob(world, path.id, (job) => ({ json: { data: events(job, now) } })),
  },
  '/fine-tunes/{id}/checkpoints': {
    get: ({ world, now, path }) => withJob(world, path.id, (job) => ({ json: { data: checkpoints(job, now) } })),
  },
  '/fine-tunes/{id}/cancel': {
    post: ({ world, now, path }) =>
      withJob(world, path.id, (job) => {
        const refused = act(job, 'cancel', now);
        return refused ? errors.status(400, refused, 'invalid_state') : { json: summary(job, now) };
      }),
  },
  '/fine-tunes/{id}/metrics': {
    get: ({ world, now, path, request }) =>
      withJob(world, path.id, (job) => ({ json: { metrics: metrics(job, now, new URL(request.url).searchParams) } })),
  },
  '/finetune/download': {
    get: ({ world, now, query }) =>
      withJob(world, query.ft_id, (job) => {
        const { checkpoint_step: step, checkpoint = 'merged' } = query;
        const done = viewJob(job, now).stage === 'succeeded';
        const saved = checkpoints(job, now).some((c) => c.step === step && (c.checkpoint_type === 'Intermediate' || done));
        if (step !== undefined && !saved) return notFound(`Checkpoint at step ${step} of job`, job.id);
        if (step === undefined && !done)
          return errors.status(
            400,
            `Job ${job.id} is ${job.timeline.at(now).status}; its model can be downloaded once it is completed`,
            'job_not_completed',
          );
        const variant = step === undefined ? checkpoint : `step-${step}`;
        const blob = new Blob([`tunekit sandbox: placeholder weights of ${outputName(job)} (${variant}); no real model is trained\n`]);
        return { blob, type: 'application/octet-stream', filename: `${job.id}-${variant}.tar.zst` };
      }),
  },
};

/** Together AI: files, jobs (pending → … → completed), events, checkpoints, metrics, price estimates and downloads. */
export const sandbox = defineSandbox<State, CreateRequest>()({
  name: 'together',
  prefix: '/v1',
  rules,
  lifecycle,
  routes: compileRoutes(routes),
  init: () => ({ fileTypes: new Map() }),
  errors,
  failure: FAILURE,
});
