import { epochCheckpoints, eventsOf, metricsAt, page, seconds, viewJob, type JobSpec, type JobView } from '../../sandbox/jobs.js';
import { prismProblem } from '../../sandbox/problems.js';
import type { ErrorWords } from '../../sandbox/provider.js';
import { token } from '../../sandbox/random.js';
import type { TimelineEvent } from '../../sandbox/timeline.js';
import type { FileRecord, JobRecord } from '../../sandbox/world.js';
import type { JobError } from '../../sandbox/timeline.js';

/**
 * What Nebius and OpenAI share (Nebius's API is OpenAI-compatible): job events and checkpoints, lists with
 * `after`/`limit`, newest first.
 */

const MINUTE = 60_000;

/** The life of a job on both: validation, queue, a few minutes of set-up, training, success. */
export const styleLifecycle = {
  before: [
    { status: 'validating_files', stage: 'validating', ms: 2 * MINUTE },
    { status: 'queued', stage: 'queued', ms: 3 * MINUTE },
  ],
  running: 'running',
  warmupMs: 4 * MINUTE,
  after: [],
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;

/** An event as both documents describe it. */
export type StyleEvent = {
  id: string;
  object: 'fine_tuning.job.event';
  created_at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  type: 'message' | 'metrics';
  data: Record<string, unknown>;
};

/** A checkpoint as both documents describe it (validation metrics left `undefined`, so never sent, without a validation file). */
export type StyleCheckpoint = {
  id: string;
  object: 'fine_tuning.job.checkpoint';
  created_at: number;
  fine_tuned_model_checkpoint: string;
  fine_tuning_job_id: string;
  step_number: number;
  metrics: {
    step: number;
    train_loss: number;
    train_mean_token_accuracy: number;
    valid_loss?: number;
    valid_mean_token_accuracy?: number;
    full_valid_loss?: number;
    full_valid_mean_token_accuracy?: number;
  };
};

/** A timeline event in OpenAI's words, or nothing for one it does not show. */
function words(
  job: JobRecord,
  event: TimelineEvent,
): { message: string; level?: StyleEvent['level']; data?: Record<string, unknown> } | undefined {
  const { totalSteps, epochs } = job.timeline.training;
  switch (event.kind) {
    case 'created':
      return { message: `Created fine-tuning job: ${job.id}` };
    case 'validating':
      return {
        message: `Validating training file: ${job.trainingFile}${job.validationFile ? ` and validation file: ${job.validationFile}` : ''}`,
      };
    case 'queued':
      return { message: 'Files validated, moving job to queued state' };
    case 'started':
      return { message: 'Fine-tuning job started' };
    case 'training':
      return { message: `Training started: ${totalSteps} steps over ${epochs} epoch${epochs === 1 ? '' : 's'}` };
    case 'paused':
      return { message: 'Fine-tuning job paused' };
    case 'resumed':
      return { message: 'Fine-tuning job resumed' };
    case 'metrics': {
      const step = event.step ?? 0;
      const m = metricsAt(job, step);
      const data = {
        step,
        train_loss: m.trainLoss,
        train_mean_token_accuracy: m.trainAccuracy,
        valid_loss: m.validLoss,
        valid_mean_token_accuracy: m.validAccuracy,
        total_steps: totalSteps,
      };
      return {
        message: `Step ${step}/${totalSteps}: training loss=${m.trainLoss.toFixed(4)}${m.validLoss === undefined ? '' : `, validation loss=${m.validLoss.toFixed(4)}`}`,
        data,
      };
    }
    case 'checkpoint':
      return { message: `Checkpoint created at step ${event.step}` };
    case 'succeeded':
      return { message: 'The job has successfully completed' };
    case 'failed':
      return { message: event.error?.message ?? 'The job failed', level: 'error', data: { code: event.error?.code } };
    case 'cancelled':
      return { message: event.by === 'provider' ? 'The job was cancelled by the provider' : 'Fine-tuning job cancelled', level: 'warn' };
    default:
      return undefined;
  }
}

/** A job's events as of `now`, newest first. */
export function styleEvents(job: JobRecord, now: number): StyleEvent[] {
  const out: StyleEvent[] = [];
  for (const event of eventsOf(job, now)) {
    const said = words(job, event);
    if (!said) continue;
    out.push({
      // From what the event is, not its place in the list: a pause and resume at one instant must not reuse an id.
      id: `ftevent-${token(`${job.id}:event:${event.kind}:${event.at}:${event.step ?? ''}`, 24)}`,
      object: 'fine_tuning.job.event',
      created_at: seconds(event.at),
      level: said.level ?? 'info',
      message: said.message,
      type: event.kind === 'metrics' ? 'metrics' : 'message',
      data: said.data ?? {},
    });
  }
  return out.reverse();
}

/** The id of a job's checkpoint at a step. */
export const checkpointId = (job: JobRecord, step: number): string => `ftckpt_${token(`${job.id}:checkpoint:${step}`, 24)}`;

/** A job's checkpoints as of `now`, newest first; `model(step)` names each one's model. */
export function styleCheckpoints(job: JobRecord, now: number, model: (step: number) => string): StyleCheckpoint[] {
  return eventsOf(job, now)
    .filter((event) => event.kind === 'checkpoint')
    .map((event) => {
      const step = event.step ?? 0;
      const m = metricsAt(job, step);
      return {
        id: checkpointId(job, step),
        object: 'fine_tuning.job.checkpoint' as const,
        created_at: seconds(event.at),
        fine_tuned_model_checkpoint: model(step),
        fine_tuning_job_id: job.id,
        step_number: step,
        metrics: {
          step,
          train_loss: m.trainLoss,
          train_mean_token_accuracy: m.trainAccuracy,
          valid_loss: m.validLoss,
          valid_mean_token_accuracy: m.validAccuracy,
          full_valid_loss: m.validLoss,
          full_valid_mean_token_accuracy: m.validAccuracy,
        },
      };
    })
    .reverse();
}

/** One page of a list, OpenAI style: `{object: 'list', data, has_more}`. */
export function listPage<T extends { id: string }>(
  items: readonly T[],
  query: { after?: string | null; limit?: number | null },
  defaultLimit: number,
) {
  return { object: 'list' as const, ...page(items, (item) => item.id, query.after, query.limit, defaultLimit) };
}

/** As `listPage`, with the page's first and last ids (`null` when empty). */
export function idPage<T extends { id: string }>(
  items: readonly T[],
  query: { after?: string | null; limit?: number | null },
  defaultLimit: number,
) {
  const list = listPage(items, query, defaultLimit);
  return { ...list, first_id: list.data[0]?.id ?? null, last_id: list.data[list.data.length - 1]?.id ?? null };
}

/** The job's time fields, in seconds, `null` where not (yet) known. */
export function styleTimes(view: JobView): { finished_at: number | null; estimated_finish: number | null } {
  return {
    finished_at: view.finishedAt === undefined ? null : seconds(view.finishedAt),
    estimated_finish: view.estimatedFinish === undefined || view.stage === 'validating' ? null : seconds(view.estimatedFinish),
  };
}

/** A file as both documents show it (each adds its `purpose`): `uploaded`, then `processed`. */
export function styleFile(file: FileRecord, now: number) {
  return {
    id: file.id,
    object: 'file' as const,
    bytes: file.bytes,
    created_at: seconds(file.createdAt),
    filename: file.filename,
    status: now >= file.readyAt ? ('processed' as const) : ('uploaded' as const),
  };
}

/** The job's error in the shape both documents give it. */
export function styleError(view: JobView): { code: string; message: string; param: string | null } | null {
  return view.error ? { code: view.error.code, message: view.error.message, param: view.error.param ?? null } : null;
}

const made = new WeakMap<JobRecord, FileRecord>();

/** The files a job has made by `now`: once it has succeeded, the CSV of its step metrics (OpenAI's `result_files`). */
export function resultFiles(job: JobRecord, now: number): FileRecord[] {
  const finished = job.timeline.finishedAt(now);
  if (finished === undefined || job.timeline.stageAt(now) !== 'succeeded') return [];
  let file = made.get(job);
  if (!file) {
    const rows = eventsOf(job, now)
      .filter((event) => event.kind === 'metrics')
      .map((event) => {
        const m = metricsAt(job, event.step ?? 0);
        return [event.step, m.trainLoss, m.trainAccuracy, m.validLoss ?? '', m.validAccuracy ?? ''].join(',');
      });
    const blob = new Blob([['step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy', ...rows].join('\n') + '\n']);
    file = {
      id: `file-${token(`${job.id}:results`, 24)}`,
      filename: 'step_metrics.csv',
      purpose: 'fine-tune-results',
      bytes: blob.size,
      createdAt: finished,
      readyAt: finished,
      blob,
    };
    made.set(job, file);
  }
  return [file];
}

/** OpenAI's error body, which Together uses too: `{error: {message, type, param, code}}`. */
function errorBody(
  status: number,
  message: string,
  code?: string | null,
): { error: { message: string; type: string; param: string | null; code: string | null } } {
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param: null, code: code ?? null } };
}

/** Errors OpenAI's way; a broken request gets Prism's 422 (neither document defines one). */
export const styleErrors: ErrorWords = {
  unauthorized: (missing) => ({
    status: 401,
    error: missing
      ? errorBody(
          401,
          "You didn't provide an API key. Provide it in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).",
        )
      : errorBody(401, 'Incorrect API key provided.', 'invalid_api_key'),
  }),
  status: (status, message, code) => ({ status, error: errorBody(status, message, code) }),
  invalid: (problems) => ({ status: 422, type: 'application/problem+json', error: prismProblem(problems) }),
};

/** Hyperparameters as OpenAI and Azure OpenAI write them ('auto' until the files are validated). */
type StyleHyperparameters = Partial<Record<'batch_size' | 'learning_rate_multiplier' | 'n_epochs', number | 'auto'>>;

/** The create request both sandboxes read (each provider's own is assignable to it). */
export interface StyleCreateRequest {
  model: string;
  training_file: string;
  validation_file?: string | null;
  seed?: number | null;
  metadata?: Record<string, string> | null;
  integrations?: readonly object[] | null;
  hyperparameters?: StyleHyperparameters;
  method?: {
    type: 'supervised' | 'dpo' | 'reinforcement';
    supervised?: { hyperparameters?: StyleHyperparameters };
    dpo?: { hyperparameters?: StyleHyperparameters };
    reinforcement?: { hyperparameters?: StyleHyperparameters };
  };
}

/** The hyperparameters the request asks for (its method's, else the deprecated top-level ones). */
function asked(request: StyleCreateRequest): StyleHyperparameters {
  const { method } = request;
  return (
    (method?.type === 'dpo'
      ? method.dpo?.hyperparameters
      : method?.type === 'reinforcement'
        ? method.reinforcement?.hyperparameters
        : method?.supervised?.hyperparameters) ??
    request.hyperparameters ??
    {}
  );
}

/** 'auto' resolved for a dataset of `examples`, once the files are validated (`multiplier`: the provider's default rate multiple). */
function styleResolved(
  request: StyleCreateRequest,
  examples: number,
  multiplier: number,
): { batch_size: number; learning_rate_multiplier: number; n_epochs: number } {
  const { batch_size, learning_rate_multiplier, n_epochs } = asked(request);
  return {
    batch_size: typeof batch_size === 'number' ? batch_size : Math.min(256, Math.max(1, Math.round(examples * 0.002))),
    learning_rate_multiplier: typeof learning_rate_multiplier === 'number' ? learning_rate_multiplier : multiplier,
    n_epochs: typeof n_epochs === 'number' ? n_epochs : 3,
  };
}

/**
 * The job a create request makes on both sandboxes: its files, 'auto' resolved for the dataset (`multiplier`: the
 * provider's default rate multiple), a checkpoint at the end of each of the last three epochs.
 */
export function styleJobSpec<R extends StyleCreateRequest>(request: R, id: string, multiplier: number, failure: JobError): JobSpec<R> {
  return {
    request,
    id,
    model: request.model,
    trainingFile: request.training_file,
    validationFile: request.validation_file,
    shape: (examples) => {
      const { n_epochs, batch_size } = styleResolved(request, examples, multiplier);
      return { epochs: n_epochs, batchSize: batch_size };
    },
    checkpoints: epochCheckpoints(3),
    failure,
  };
}

/** What tells the two sandboxes' jobs apart. */
export interface StyleJobFacts<R> {
  org: string;
  /** The default learning-rate multiple once 'auto' is resolved. */
  multiplier: number;
  fineTunedModel(job: JobRecord<R>): string;
  outputs(job: JobRecord<R>, now: number): FileRecord[];
}

/**
 * The fields of a job both documents give, as a request made it: its method with the hyperparameters ('auto' until
 * validated), its seed, metadata and integrations echoed (a W&B integration as sent: neither provider takes its key).
 */
export function styleJob<R extends StyleCreateRequest>(job: JobRecord<R>, now: number, facts: StyleJobFacts<R>) {
  const view = viewJob(job, now);
  const { request } = job;
  const given = asked(request);
  const hyperparameters =
    view.stage === 'validating'
      ? {
          batch_size: given.batch_size ?? 'auto',
          learning_rate_multiplier: given.learning_rate_multiplier ?? 'auto',
          n_epochs: given.n_epochs ?? 'auto',
        }
      : styleResolved(request, Math.max(1, job.examples), facts.multiplier);
  const sent: R['method'] = request.method;
  const method = !sent || sent.type === 'supervised' ? { type: 'supervised' as const, supervised: { hyperparameters } } : sent;
  return {
    view,
    fields: {
      id: job.id,
      object: 'fine_tuning.job' as const,
      created_at: seconds(job.createdAt),
      error: styleError(view),
      fine_tuned_model: view.stage === 'succeeded' ? facts.fineTunedModel(job) : null,
      ...styleTimes(view),
      hyperparameters,
      model: request.model,
      organization_id: facts.org,
      result_files: facts.outputs(job, now).map((file) => file.id),
      trained_tokens: view.stage === 'succeeded' ? view.trainedTokens : null,
      training_file: request.training_file,
      validation_file: request.validation_file ?? null,
      seed: request.seed ?? Number.parseInt(token(`${job.id}:seed`, 9, '0123456789'), 10),
      method,
      metadata: request.metadata ?? null,
    },
  };
}
