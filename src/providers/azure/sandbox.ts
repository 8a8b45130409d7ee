import type { components, paths } from '../../../generated/azure.js';
import { rules } from '../../../generated/azure.rules.js';
import { fileOperations, text, type Outputs } from '../../sandbox/files.js';
import { act, createJob, findJob, jobsOf, seconds } from '../../sandbox/jobs.js';
import { defineSandbox } from '../../sandbox/definition.js';
import { allValues, everyStatus, type ErrorWords } from '../../sandbox/provider.js';
import { token } from '../../sandbox/random.js';
import { compileRoutes, type Failure, type RouteTable } from '../../sandbox/routes.js';
import type { Lifecycle } from '../../sandbox/timeline.js';
import type { FileRecord, JobRecord, World } from '../../sandbox/world.js';
import {
  idPage,
  listPage,
  resultFiles,
  styleCheckpoints,
  styleErrors,
  styleEvents,
  styleLifecycle,
  styleJob,
  styleJobSpec,
} from '../openai-style/sandbox.js';

type Schemas = components['schemas'];
type CreateRequest = Schemas['CreateFineTuningJobRequest'];
type Status = Schemas['FineTuningJob']['status'];
type Job = Schemas['FineTuningJob'];
type Copy = Schemas['CopyModelResponse'];

/** A checkpoint copy (preview API): each destination, with when it was asked for. */
interface CopyRecord {
  jobId: string;
  checkpointId: string;
  model: string;
  destinations: { destinationResourceId: string; region: string; startedAt: number }[];
}

interface State {
  /** When each uploaded file expires (`expires_after`), by file id. */
  expiresAt: Map<string, number>;
  /** Checkpoint copies, by `job/checkpoint`. */
  copies: Map<string, CopyRecord>;
}

const MINUTE = 60_000;
const ORG = 'org-sandbox';
const FAILURE = { code: 'server_error', message: 'The job failed due to an internal error during training.' };
const UPLOAD_PURPOSES = allValues<Schemas['AzureCreateFileRequestMultiPart']['purpose']>()(['assistants', 'batch', 'fine-tune', 'evals']);
const FILE_PURPOSES = allValues<Schemas['AzureOpenAIFile']['purpose']>()([
  'assistants',
  'assistants_output',
  'batch',
  'batch_output',
  'fine-tune',
  'fine-tune-results',
  'evals',
]);
/** Processing of an uploaded file: `pending`, then `running`, then `processed`. */
const PROCESS_MS = 6_000;
/** How long a checkpoint copy stays `InProgress`. */
const COPY_MS = 10 * MINUTE;
/** Azure's document has no `paused` status: a paused job could not be shown, so this sandbox does not pause. */
const NO_PAUSE = 'This sandbox does not pause jobs: the Azure OpenAI document\'s job status has no "paused" to show a paused job with';

/** OpenAI's lifecycle without `paused`, which Azure's status enum does not have. */
const lifecycle = styleLifecycle satisfies Lifecycle<Status>;
everyStatus<Status, typeof lifecycle>();

const STATUSES: readonly Status[] = ['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];
const asStatus = (status: string): Status => STATUSES.find((known) => known === status) ?? 'running';

/** `AzureErrorResponse`: `{error: {code, message, type: 'error'}}` (its `param` is a string when present, never null). */
const azureError = (code: string, message: string): { error: Schemas['AzureErrorResponse'] } => ({
  error: { error: { code, message, type: 'error' } },
});

/** Azure's errors in its documented body, its 401 words for `api-key`; a broken request gets Prism's 422, as the others'. */
const errors: ErrorWords = {
  unauthorized: (missing) => ({
    status: 401,
    ...azureError(
      '401',
      missing
        ? 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.'
        : 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
    ),
  }),
  status: (status, message, code) => ({ status, ...azureError(code ?? String(status), message) }),
  invalid: styleErrors.invalid,
};

/** Azure's model names: `<base>.ft-<hex>` (with the suffix when one was given). */
const fineTunedModel = (job: JobRecord<CreateRequest>): string =>
  `${job.model}.ft-${token(`${job.id}:model`, 32, '0123456789abcdef')}${job.request.suffix ? `-${job.request.suffix}` : ''}`;

const outputs: Outputs<CreateRequest> = resultFiles;

const jobFacts = { org: ORG, multiplier: 1, fineTunedModel, outputs };

function renderJob(job: JobRecord<CreateRequest>, now: number): Job {
  const { view, fields } = styleJob(job, now, jobFacts);
  // The integrations as sent (a W&B one names its project, run and tags; Azure takes no W&B key in a request).
  const integrations = job.request.integrations ?? null;
  return { ...fields, status: asStatus(view.status), integrations, user_provided_suffix: job.request.suffix ?? null };
}

/** A file as Azure shows it: `pending`, `running`, then `processed`; it expires `expires_after` seconds after its creation. */
function renderFile(file: FileRecord, now: number, world: World<State, CreateRequest>): Schemas['AzureOpenAIFile'] {
  const started = file.readyAt - (file.readyAt - file.createdAt) / 2;
  const status = now >= file.readyAt ? 'processed' : now >= started ? 'running' : 'pending';
  const expiresAt = world.state.expiresAt.get(file.id);
  return {
    id: file.id,
    object: 'file',
    bytes: file.bytes,
    created_at: seconds(file.createdAt),
    ...(expiresAt === undefined ? {} : { expires_at: seconds(expiresAt) }),
    filename: file.filename,
    purpose: FILE_PURPOSES.find((purpose) => purpose === file.purpose) ?? 'fine-tune',
    status,
  };
}

const notFound = (what: string, id: string): Failure => errors.status(404, `No ${what} with id ${id}`, 'not_found');

const files = fileOperations<State, CreateRequest, Schemas['AzureOpenAIFile']>({
  errors,
  render: renderFile,
  notFound: (id) => notFound('file', id),
  outputs,
  contentType: 'application/octet-stream',
  fields: { file: 'file', purpose: UPLOAD_PURPOSES, 'expires_after[anchor]': ['created_at'], 'expires_after[seconds]': 'text' },
  required: ['file', 'purpose', 'expires_after[anchor]', 'expires_after[seconds]'],
  id: (world) => world.id('file-', 32),
  processMs: PROCESS_MS,
  stored: (world, file, form) => {
    const expiry = Number(text(form, 'expires_after[seconds]'));
    if (Number.isFinite(expiry)) world.state.expiresAt.set(file.id, file.createdAt + expiry * 1000);
  },
});

const withJob = <T>(world: World<State, CreateRequest>, id: string, then: (job: JobRecord<CreateRequest>) => T): T | Failure => {
  const job = findJob(world, id);
  return job ? then(job) : errors.status(404, `Could not find fine-tuning job ${id}`, 'fine_tuning_job_not_found');
};

/** The checkpoint copy preview needs its header: the request says so or is refused, as the document requires. */
function previewRefused(request: Request): Failure | undefined {
  return request.headers.get('aoai-copy-ft-checkpoints') === 'preview'
    ? undefined
    : errors.status(
        400,
        "Checkpoint copy is a preview feature: send the header 'aoai-copy-ft-checkpoints: preview'",
        'preview_header_required',
      );
}

function renderCopy(copy: CopyRecord, now: number): Copy {
  return {
    checkpointedModelName: copy.model,
    fineTuningJobId: copy.jobId,
    copiedAccountDetails: copy.destinations.map(({ destinationResourceId, region, startedAt }) => ({
      destinationResourceId,
      region,
      status: now >= startedAt + COPY_MS ? 'Completed' : 'InProgress',
    })),
  };
}

function cancel200(job: JobRecord<CreateRequest>, now: number): { json: Job } | Failure {
  const refused = act(job, 'cancel', now);
  return refused ? errors.status(400, refused, 'invalid_job_status') : { json: renderJob(job, now) };
}

const checkpointsOf = (job: JobRecord<CreateRequest>, now: number) =>
  styleCheckpoints(job, now, (step) => `${fineTunedModel(job)}:ckpt-step-${step}`);

const routes: RouteTable<paths, State, CreateRequest> = {
  '/files': {
    get: (ctx) => {
      const { query } = ctx;
      const data = files
        .list(ctx)
        .filter((file) => !query.purpose || file.purpose === query.purpose)
        .map((file) => files.render(file, ctx));
      // The list is whole (no cursor); the document makes both ids required strings, so an empty list says ''.
      return {
        json: { object: 'list' as const, data, has_more: false, first_id: data[0]?.id ?? '', last_id: data[data.length - 1]?.id ?? '' },
      };
    },
    post: files.upload,
  },
  '/files/{file_id}': {
    get: (ctx) => files.retrieve(ctx, ctx.path.file_id),
    delete: (ctx) => files.remove(ctx, ctx.path.file_id, { id: ctx.path.file_id, object: 'file' as const, deleted: true }),
  },
  '/files/{file_id}/content': {
    get: (ctx) => files.content(ctx, ctx.path.file_id),
  },
  '/fine_tuning/jobs': {
    get: ({ world, now, query }) => ({
      json: listPage(
        jobsOf(world).map((job) => renderJob(job, now)),
        query,
        20,
      ),
    }),
    post: async (ctx) => {
      const job = await createJob(ctx, lifecycle, styleJobSpec(ctx.body, ctx.world.id('ftjob-', 32), jobFacts.multiplier, FAILURE));
      return { json: renderJob(job, ctx.now) };
    },
  },
  '/fine_tuning/jobs/{fine_tuning_job_id}': {
    get: ({ world, now, path, polled }) =>
      withJob(world, path.fine_tuning_job_id, (job) => {
        polled(job.timeline.nextMilestone(now));
        return { json: renderJob(job, now) };
      }),
  },
  '/fine_tuning/jobs/{fine_tuning_job_id}/cancel': {
    post: ({ world, now, path }) => withJob(world, path.fine_tuning_job_id, (job) => cancel200(job, now)),
  },
  '/fine_tuning/jobs/{fine_tuning_job_id}/pause': {
    post: ({ world, path }) => withJob(world, path.fine_tuning_job_id, () => errors.status(400, NO_PAUSE, 'operation_not_supported')),
  },
  '/fine_tuning/jobs/{fine_tuning_job_id}/resume': {
    post: ({ world, path }) =>
      withJob(world, path.fine_tuning_job_id, (job) =>
        errors.status(400, `job ${job.id} is not paused (${NO_PAUSE})`, 'invalid_job_status'),
      ),
  },
  '/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints': {
    get: ({ world, now, path, query }) =>
      withJob(world, path.fine_tuning_job_id, (job) => ({ json: idPage(checkpointsOf(job, now), query, 10) })),
  },
  '/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints/{fine_tuning_checkpoint_id}/copy': {
    post: ({ world, now, path, body, request }) =>
      previewRefused(request) ??
      withJob(world, path.fine_tuning_job_id, (job) => {
        const checkpoint = checkpointsOf(job, now).find((known) => known.id === path.fine_tuning_checkpoint_id);
        if (!checkpoint) return notFound('checkpoint', path.fine_tuning_checkpoint_id);
        const key = `${job.id}/${checkpoint.id}`;
        const copy = world.state.copies.get(key) ?? {
          jobId: job.id,
          checkpointId: checkpoint.id,
          model: checkpoint.fine_tuned_model_checkpoint,
          destinations: [],
        };
        copy.destinations.push({ destinationResourceId: body.destinationResourceId, region: body.region, startedAt: now });
        world.state.copies.set(key, copy);
        return { json: renderCopy(copy, now) };
      }),
    get: ({ world, now, path, request }) => {
      const copy = world.state.copies.get(`${path.fine_tuning_job_id}/${path.fine_tuning_checkpoint_id}`);
      return (
        previewRefused(request) ?? (copy ? { json: renderCopy(copy, now) } : notFound('checkpoint copy of', path.fine_tuning_checkpoint_id))
      );
    },
  },
  '/fine_tuning/jobs/{fine_tuning_job_id}/events': {
    get: ({ world, now, path, query }) =>
      withJob(world, path.fine_tuning_job_id, (job) => ({ json: listPage(styleEvents(job, now), query, 20) })),
  },
};

/** Azure's credential: the `api-key` header, or an Entra ID token as `Authorization: Bearer …`. */
const credential = (headers: Headers): string | undefined =>
  headers.get('api-key')?.trim() || /^Bearer\s+(\S.*)$/i.exec(headers.get('authorization') ?? '')?.[1]?.trim() || undefined;

/** Azure OpenAI: files processed after upload, jobs (no pause), events, checkpoints, result files and the preview checkpoint copy. */
export const sandbox = defineSandbox<State, CreateRequest>()({
  name: 'azure',
  prefix: '/openai/v1',
  rules,
  lifecycle,
  routes: compileRoutes(routes),
  init: () => ({ expiresAt: new Map(), copies: new Map() }),
  errors,
  failure: FAILURE,
  credential,
});
