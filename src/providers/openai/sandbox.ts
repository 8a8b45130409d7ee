import { createHash } from 'node:crypto';
import type { components, paths } from '../../../generated/openai.js';
import { rules } from '../../../generated/openai.rules.js';
import { fileOperations, filePart, formProblems, storeFile, type Outputs } from '../../sandbox/files.js';
import { act, createJob, findJob, jobsOf, seconds } from '../../sandbox/jobs.js';
import { defineSandbox } from '../../sandbox/definition.js';
import { allValues, everyStatus } from '../../sandbox/provider.js';
import { token } from '../../sandbox/random.js';
import { compileRoutes, type Failure, type RouteTable } from '../../sandbox/routes.js';
import type { Lifecycle } from '../../sandbox/timeline.js';
import type { FileRecord, JobRecord, World } from '../../sandbox/world.js';
import {
  idPage,
  listPage,
  resultFiles,
  styleCheckpoints,
  styleErrors as errors,
  styleEvents,
  styleFile,
  styleLifecycle,
  styleJob,
  styleJobSpec,
} from '../openai-style/sandbox.js';

type Schemas = components['schemas'];
type CreateRequest = Schemas['CreateFineTuningJobRequest'];
type Upload = Schemas['Upload'];

/**
 * Two places where the API (and the document's own examples) says more than the generated types:
 * - `FineTuningJob.status` lacks `paused`, which OpenAI's pause example answers (a document quirk: the trimmed
 *   document should add it to the enum, as QUIRKS.md does for others);
 * - an event's `data` is `{type: object}`, any object, which openapi-typescript renders as `Record<string, never>`.
 * The routes are typed by the document's paths with exactly these two widened in the answers.
 */
type Status = Schemas['FineTuningJob']['status'] | 'paused';
type Job = Omit<Schemas['FineTuningJob'], 'status'> & { status: Status };
type Event = Omit<Schemas['FineTuningJobEvent'], 'data'> & { data?: Record<string, unknown> };
type Widened<T> = T extends Schemas['FineTuningJob']
  ? Job
  : T extends Schemas['FineTuningJobEvent']
    ? Event
    : T extends readonly (infer Item)[]
      ? Widened<Item>[]
      : T extends Record<string, unknown>
        ? { [K in keyof T]: Widened<T[K]> }
        : T;
type WidenedPaths = {
  [P in keyof paths]: {
    [M in keyof paths[P]]: paths[P][M] extends { responses: infer R }
      ? Omit<paths[P][M], 'responses'> & { responses: Widened<R> }
      : paths[P][M];
  };
};

/** A multipart upload (`/uploads`): parts added, then joined into a file. */
interface UploadRecord {
  id: string;
  filename: string;
  purpose: Schemas['CreateUploadRequest']['purpose'];
  bytes: number;
  createdAt: number;
  expiresAt: number;
  status: 'pending' | 'completed' | 'cancelled';
  parts: Map<string, Blob>;
  file?: FileRecord;
}

interface State {
  uploads: Map<string, UploadRecord>;
}

const MINUTE = 60_000;
const ORG = 'org-sandbox';
const FAILURE = { code: 'server_error', message: 'The job failed due to an internal error during training.' };
const UPLOAD_PURPOSES = allValues<Schemas['CreateFileRequest']['purpose']>()([
  'assistants',
  'batch',
  'fine-tune',
  'vision',
  'user_data',
  'evals',
]);
/** Largest part and largest upload (`/uploads`), as OpenAI documents them. */
const MAX_PART = 64 << 20;
const MAX_UPLOAD = 8 * 1024 ** 3;

const lifecycle = { ...styleLifecycle, paused: 'paused' } as const satisfies Lifecycle<Status>;
everyStatus<Status, typeof lifecycle>();

const STATUSES: readonly Status[] = ['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'paused'];
const asStatus = (status: string): Status => STATUSES.find((known) => known === status) ?? 'running';

const fineTunedModel = (job: JobRecord<CreateRequest>): string =>
  `ft:${job.model}:${ORG.slice(4)}:${job.request.suffix ?? ''}:${token(`${job.id}:model`, 8)}`;

const outputs: Outputs<CreateRequest> = resultFiles;

const jobFacts = { org: ORG, multiplier: 1.8, fineTunedModel, outputs };

function renderJob(job: JobRecord<CreateRequest>, now: number): Job {
  const { view, fields } = styleJob(job, now, jobFacts);
  return {
    ...fields,
    status: asStatus(view.status),
    integrations:
      job.request.integrations?.map(({ wandb }) => ({
        type: 'wandb' as const,
        wandb: { project: wandb.project, name: wandb.name ?? null, entity: wandb.entity ?? null, tags: wandb.tags ?? [] },
      })) ?? null,
  };
}

/** The file purposes a response may show (an `evals` upload is shown as `user_data`). */
const FILE_PURPOSES: readonly Schemas['OpenAIFile']['purpose'][] = [
  'assistants',
  'assistants_output',
  'batch',
  'batch_output',
  'fine-tune',
  'fine-tune-results',
  'vision',
  'user_data',
];

function renderFile(file: FileRecord, now: number): Schemas['OpenAIFile'] {
  return { ...styleFile(file, now), purpose: FILE_PURPOSES.find((purpose) => purpose === file.purpose) ?? 'user_data' };
}

function renderUpload(upload: UploadRecord, now: number): Upload {
  const status = upload.status === 'pending' && now >= upload.expiresAt ? 'expired' : upload.status;
  return {
    id: upload.id,
    object: 'upload',
    bytes: upload.bytes,
    created_at: seconds(upload.createdAt),
    expires_at: seconds(upload.expiresAt),
    filename: upload.filename,
    purpose: upload.purpose,
    status,
    ...(upload.file ? { file: renderFile(upload.file, now) } : {}),
  };
}

const notFound = (what: string, id: string): Failure => errors.status(404, `No ${what} with id ${id}`, 'not_found');

const files = fileOperations<State, CreateRequest, Schemas['OpenAIFile']>({
  errors,
  render: renderFile,
  notFound: (id) => notFound('file', id),
  outputs,
  contentType: 'application/octet-stream',
  fields: { file: 'file', purpose: UPLOAD_PURPOSES, 'expires_after[anchor]': ['created_at'], 'expires_after[seconds]': 'text' },
  required: ['file', 'purpose'],
  id: (world) => world.id('file-', 22),
  processMs: 5_000,
});

const withJob = <T>(world: World<State, CreateRequest>, id: string, then: (job: JobRecord<CreateRequest>) => T): T | Failure => {
  const job = findJob(world, id);
  return job ? then(job) : errors.status(404, `Could not find fine-tuning job ${id}`, 'fine_tuning_job_not_found');
};

/** An upload that can still take parts, or the failure saying why not. */
function openUpload(world: World<State, CreateRequest>, id: string, now: number): UploadRecord | Failure {
  const upload = world.state.uploads.get(id);
  if (!upload) return notFound('upload', id);
  const status = renderUpload(upload, now).status;
  return status === 'pending'
    ? upload
    : errors.status(400, `Upload ${id} is ${status}: it takes no more parts and cannot be completed`, 'invalid_upload_status');
}

async function md5(blob: Blob): Promise<string> {
  const hash = createHash('md5');
  const reader = blob.stream().getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) hash.update(chunk.value);
  return hash.digest('hex');
}

function act200(job: JobRecord<CreateRequest>, action: 'cancel' | 'pause' | 'resume', now: number): { json: Job } | Failure {
  const refused = act(job, action, now);
  return refused ? errors.status(400, refused, 'invalid_job_status') : { json: renderJob(job, now) };
}

const routes: RouteTable<WidenedPaths, State, CreateRequest> = {
  '/files': {
    get: (ctx) => {
      const { query } = ctx;
      const all = files.list(ctx).filter((file) => !query.purpose || file.purpose === query.purpose);
      const ordered = query.order === 'asc' ? all.reverse() : all;
      const list = listPage(
        ordered.map((file) => files.render(file, ctx)),
        query,
        10_000,
      );
      // The document makes both ids required strings, so an empty page says ''.
      return { json: { ...list, first_id: list.data[0]?.id ?? '', last_id: list.data[list.data.length - 1]?.id ?? '' } };
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
    get: ({ world, now, query }) => {
      const wanted = Object.entries(query.metadata ?? {});
      const jobs = jobsOf(world).filter((job) => wanted.every(([key, value]) => job.request.metadata?.[key] === value));
      return {
        json: listPage(
          jobs.map((job) => renderJob(job, now)),
          query,
          20,
        ),
      };
    },
    post: async (ctx) => {
      const job = await createJob(ctx, lifecycle, styleJobSpec(ctx.body, ctx.world.id('ftjob-'), jobFacts.multiplier, FAILURE));
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
    post: ({ world, now, path }) => withJob(world, path.fine_tuning_job_id, (job) => act200(job, 'cancel', now)),
  },
  '/fine_tuning/jobs/{fine_tuning_job_id}/pause': {
    post: ({ world, now, path }) => withJob(world, path.fine_tuning_job_id, (job) => act200(job, 'pause', now)),
  },
  '/fine_tuning/jobs/{fine_tuning_job_id}/resume': {
    post: ({ world, now, path }) => withJob(world, path.fine_tuning_job_id, (job) => act200(job, 'resume', now)),
  },
  '/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints': {
    get: ({ world, now, path, query }) =>
      withJob(world, path.fine_tuning_job_id, (job) => ({
        json: idPage(
          styleCheckpoints(job, now, (step) => `${fineTunedModel(job)}:ckpt-step-${step}`),
          query,
          10,
        ),
      })),
  },
  '/fine_tuning/jobs/{fine_tuning_job_id}/events': {
    get: ({ world, now, path, query }) =>
      withJob(world, path.fine_tuning_job_id, (job) => ({ json: listPage(styleEvents(job, now), query, 20) })),
  },
  '/uploads': {
    post: ({ world, now, body }) => {
      if (body.bytes < 0 || body.bytes > MAX_UPLOAD)
        return errors.status(400, `bytes = ${body.bytes} must be between 0 and ${MAX_UPLOAD} (8 GB)`, 'invalid_value');
      const upload: UploadRecord = {
        id: world.id('upload_'),
        filename: body.filename,
        purpose: body.purpose,
        bytes: body.bytes,
        createdAt: now,
        expiresAt: now + 60 * MINUTE,
        status: 'pending',
        parts: new Map(),
      };
      world.state.uploads.set(upload.id, upload);
      return { json: renderUpload(upload, now) };
    },
  },
  '/uploads/{upload_id}/parts': {
    post: async (ctx) => {
      const upload = openUpload(ctx.world, ctx.path.upload_id, ctx.now);
      if ('status' in upload && 'error' in upload) return upload;
      const form = await ctx.form();
      const problems = formProblems(form, { data: 'file' }, ['data']);
      const data = form && filePart(form, 'data');
      if (!data || problems.length) return errors.invalid(problems);
      if (data.size > MAX_PART) return errors.status(400, `A part holds at most 64 MB; this one has ${data.size} bytes`, 'part_too_large');
      const id = ctx.world.id('part_');
      upload.parts.set(id, await ctx.keep(data));
      return { json: { id, object: 'upload.part', created_at: seconds(ctx.now), upload_id: upload.id } };
    },
  },
  '/uploads/{upload_id}/complete': {
    post: async (ctx) => {
      const { body, world, now } = ctx;
      const upload = openUpload(world, ctx.path.upload_id, now);
      if ('status' in upload && 'error' in upload) return upload;
      const unknown = body.part_ids.find((id) => !upload.parts.has(id));
      if (unknown !== undefined) return errors.status(400, `part_ids: ${unknown} is not a part of upload ${upload.id}`, 'invalid_part_id');
      const blob = new Blob(body.part_ids.map((id) => upload.parts.get(id) ?? new Blob([])));
      if (blob.size !== upload.bytes)
        return errors.status(400, `The parts hold ${blob.size} bytes; the upload was created for ${upload.bytes}`, 'invalid_bytes');
      if (body.md5 !== undefined && body.md5.toLowerCase() !== (await md5(blob)))
        return errors.status(400, 'md5 does not match the bytes uploaded', 'invalid_md5');
      upload.file = await storeFile(ctx, {
        id: world.id('file-', 22),
        filename: upload.filename,
        purpose: upload.purpose,
        blob,
        processMs: 5_000,
        kept: true,
      });
      upload.status = 'completed';
      upload.parts.clear();
      return { json: renderUpload(upload, now) };
    },
  },
  '/uploads/{upload_id}/cancel': {
    post: ({ world, now, path }) => {
      const upload = openUpload(world, path.upload_id, now);
      if ('status' in upload && 'error' in upload) return upload;
      upload.status = 'cancelled';
      upload.parts.clear();
      return { json: renderUpload(upload, now) };
    },
  },
};

/** OpenAI: files, multipart uploads, jobs with pause and resume, events, checkpoints and result files. */
export const sandbox = defineSandbox<State, CreateRequest>()({
  name: 'openai',
  prefix: '/v1',
  rules,
  lifecycle,
  routes: compileRoutes(routes),
  init: () => ({ uploads: new Map() }),
  errors,
  failure: FAILURE,
});
