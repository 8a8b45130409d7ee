import type { components, operations, paths } from '../../generated/openai.js';
import { rules } from '../../generated/openai.rules.js';
import { createCore, type ClientOptions } from '../core/client.js';
import { providerEnvironment } from './environment.js';
import { APIConnectionError, ValidationError } from '../core/errors.js';
import type { RequestOptions } from '../core/exchange.js';
import type { WaitOptions } from '../workflow/types.js';
import { waitForJob } from '../workflow/wait.js';
import { openaiWait } from '../workflow/providers/openai.js';
import type { CreateKey } from '../core/idempotency.js';
import { afterLastId, type PageList } from '../core/pagination.js';
import { FILE_PART, multipartBody, multipartInit, prepareUpload, type UploadOptions, type UploadSource, type Uploadable } from '../core/upload.js';

type Schemas = components['schemas'];
export type OpenAIJob = Schemas['FineTuningJob'];
export type OpenAIJobStatus = OpenAIJob['status'];
export type OpenAIJobCreateParams = Schemas['CreateFineTuningJobRequest'];
export type OpenAIJobEvent = Schemas['FineTuningJobEvent'];
export type OpenAICheckpoint = Schemas['FineTuningJobCheckpoint'];
export type OpenAIFile = Schemas['OpenAIFile'];
export type OpenAIFileDeleted = Schemas['DeleteFileResponse'];
export type OpenAIFilePurpose = Schemas['CreateFileRequest']['purpose'];
export type OpenAIJobListParams = NonNullable<operations['listPaginatedFineTuningJobs']['parameters']['query']>;
export type OpenAIEventListParams = NonNullable<operations['listFineTuningEvents']['parameters']['query']>;
export type OpenAICheckpointListParams = NonNullable<operations['listFineTuningJobCheckpoints']['parameters']['query']>;
export type OpenAIFileListParams = NonNullable<operations['listFiles']['parameters']['query']>;
export type OpenAIUpload = Schemas['Upload'];
export interface OpenAIUploadOptions extends UploadOptions {
  /** Default `fine-tune`. */
  purpose?: OpenAIFilePurpose;
  /**
   * Files larger than this (bytes, default 512 MB: the limit of `POST /files`) go through the Uploads API in parts
   * (`POST /uploads`, `/parts`, `/complete`), up to 8 GB. Only a path or a Blob can: a stream's size is unknown.
   */
  multipartThreshold?: number;
  /** Bytes per part for the Uploads API (default and maximum 64 MB). */
  partSize?: number;
  /** MIME type the Uploads API is told (default `text/jsonl`). */
  mimeType?: string;
}
export interface OpenAIClientOptions extends ClientOptions {
  /** Sent as `OpenAI-Organization`; defaults to `OPENAI_ORG_ID`. */
  organization?: string | undefined;
  /** Sent as `OpenAI-Project`; defaults to `OPENAI_PROJECT_ID`. */
  project?: string | undefined;
}

export const openaiProvider = {
  name: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  env: providerEnvironment.openai,
  rules,
};

/** `POST /files` takes up to 512 MB; the Uploads API takes parts of up to 64 MB each. */
const SINGLE_REQUEST_LIMIT = 512 * 1024 * 1024;
const MAX_PART_SIZE = 64 * 1024 * 1024;
type UploadPurpose = Schemas['CreateUploadRequest']['purpose'];
const UPLOAD_PURPOSES: readonly UploadPurpose[] = ['assistants', 'batch', 'fine-tune', 'vision'];
const isUploadPurpose = (purpose: string): purpose is UploadPurpose => UPLOAD_PURPOSES.some((known) => known === purpose);

/** The metadata entry that carries tunekit's create key (OpenAI allows 16 entries per job). */
const CREATE_KEY = 'tunekit_create_key';
const MAX_METADATA = 16;

/** The headers the `organization` / `project` options stand for (they win over the env vars). */
function accountHeaders({ organization, project }: OpenAIClientOptions): Record<string, string> {
  return {
    ...(organization === undefined ? {} : { 'OpenAI-Organization': organization }),
    ...(project === undefined ? {} : { 'OpenAI-Project': project }),
  };
}

/**
 * A client for OpenAI fine-tuning. Methods throw typed errors (`NotFoundError`, …);
 * `raw` is the typed openapi-fetch client for anything else.
 *
 * @example
 * ```ts
 * import { createOpenAIClient } from 'tunekit/openai';
 * const openai = createOpenAIClient(); // OPENAI_API_KEY (and OPENAI_ORG_ID / OPENAI_PROJECT_ID) from the environment
 * const file = await openai.files.upload('./train.jsonl');
 * const job = await openai.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
 * ```
 */
export function createOpenAIClient(options: OpenAIClientOptions = {}) {
  const { raw, call, create, list, stream, upload: sendFile } = createCore<paths>(openaiProvider, {
    ...options,
    headers: { ...accountHeaders(options), ...options.headers },
  });
  // A create carries a tunekit key in `metadata`; a lost answer is looked up by it among the newest jobs.
  const createKey: CreateKey<OpenAIJobCreateParams, OpenAIJob, Schemas['ListPaginatedFineTuningJobsResponse']> = {
    mark: (body, key) =>
      Object.keys(body.metadata ?? {}).length < MAX_METADATA ? { ...body, metadata: { ...body.metadata, [CREATE_KEY]: key } } : undefined,
    found: (job, key) => (job.metadata === undefined ? undefined : job.metadata?.[CREATE_KEY] === key),
    recent: (after, init) => raw.GET('/fine_tuning/jobs', { params: { query: { after, limit: 50 } }, ...init }),
    rule: afterLastId<OpenAIJob>(),
  };
  const jobPath = (jobId: string) => ({ path: { fine_tuning_job_id: jobId } });
  const filePath = (fileId: string) => ({ path: { file_id: fileId } });

  /** A large file through the Uploads API: create, one part per `partSize` bytes (each re-read for a retry), complete. */
  async function uploadInParts(source: UploadSource & { size: number }, upload: OpenAIUploadOptions, options?: RequestOptions): Promise<OpenAIFile> {
    const purpose = upload.purpose ?? 'fine-tune';
    if (!isUploadPurpose(purpose)) {
      const message = `purpose = ${JSON.stringify(purpose)} cannot go through the Uploads API, which files over ${SINGLE_REQUEST_LIMIT / 2 ** 20} MB need (one of ${UPLOAD_PURPOSES.join(', ')})`;
      throw ValidationError.of('openai POST /uploads', { field: 'purpose', rule: `enum ${JSON.stringify(UPLOAD_PURPOSES)}`, value: purpose, message });
    }
    const partSize = Math.min(upload.partSize ?? MAX_PART_SIZE, MAX_PART_SIZE);
    const pending = await call(options, (init) =>
      raw.POST('/uploads', { body: { filename: source.filename, purpose, bytes: source.size, mime_type: upload.mimeType ?? 'text/jsonl' }, ...init }), false);
    const uploadPath = { path: { upload_id: pending.id } };
    try {
      const partIds: string[] = [];
      for (let start = 0; start < source.size; start += partSize) {
        const end = Math.min(source.size, start + partSize);
        const onProgress = upload.onProgress && (({ loaded }: { loaded: number }) => upload.onProgress?.({ loaded: start + loaded, total: source.size }));
        const part = await sendFile(options, source, async (init) =>
          raw.POST('/uploads/{upload_id}/parts', { params: uploadPath, body: { data: FILE_PART }, ...multipartInit(await multipartBody({}, 'data', source, onProgress, { start, end }), init) }));
        partIds.push(part.id);
      }
      const done = await call(options, (init) => raw.POST('/uploads/{upload_id}/complete', { params: uploadPath, body: { part_ids: partIds }, ...init }), false);
      if (!done.file) throw new APIConnectionError(`openai POST /uploads/${pending.id}/complete: the upload completed without a file`);
      return done.file;
    } catch (error) {
      // Leave nothing half-made behind: an upload that did not complete is cancelled (and expires anyway after an hour).
      await call({ timeoutMs: 10_000, maxRetries: 1 }, (init) => raw.POST('/uploads/{upload_id}/cancel', { params: uploadPath, ...init })).catch(() => undefined);
      throw error;
    }
  }

  const jobs = {
    /**
     * Start a fine-tuning job. Never creates two: the job's `metadata` gets a `tunekit_create_key` entry, and when
     * an answer is lost tunekit looks for the job carrying it before sending the create again (a body that
     * already has 16 metadata entries has no room for it, and is not sent again).
     * @example
     * const job = await openai.jobs.create({ model: 'gpt-4o-mini', training_file: 'file-abc123', suffix: 'support-bot' });
     */
    create: (body: OpenAIJobCreateParams, options?: RequestOptions): Promise<OpenAIJob> =>
      create(options, createKey, body, (body, init) => raw.POST('/fine_tuning/jobs', { body, ...init })),
    /**
     * One job by id.
     * @example
     * const { status, fine_tuned_model } = await openai.jobs.retrieve('ftjob-abc123');
     */
    retrieve: (jobId: string, options?: RequestOptions): Promise<OpenAIJob> =>
      call(options, (init) => raw.GET('/fine_tuning/jobs/{fine_tuning_job_id}', { params: jobPath(jobId), ...init })),
    /**
     * Jobs, newest first: `await` for the first page, `for await` for all (cursor `after` = the last job's id).
     * @example
     * for await (const job of openai.jobs.list({ limit: 20 })) console.log(job.id, job.status);
     */
    list: (query: OpenAIJobListParams = {}, options?: RequestOptions): PageList<OpenAIJob> =>
      list(options, afterLastId<OpenAIJob>(), (after, init) =>
        raw.GET('/fine_tuning/jobs', { params: { query: { ...query, after: after ?? query.after } }, ...init })),
    /**
     * Cancel a job that has not finished.
     * @example
     * const { status } = await openai.jobs.cancel('ftjob-abc123'); // 'cancelled'
     */
    cancel: (jobId: string, options?: RequestOptions): Promise<OpenAIJob> =>
      call(options, (init) => raw.POST('/fine_tuning/jobs/{fine_tuning_job_id}/cancel', { params: jobPath(jobId), ...init })),
    /**
     * Pause a running job.
     * @example
     * await openai.jobs.pause('ftjob-abc123');
     */
    pause: (jobId: string, options?: RequestOptions): Promise<OpenAIJob> =>
      call(options, (init) => raw.POST('/fine_tuning/jobs/{fine_tuning_job_id}/pause', { params: jobPath(jobId), ...init })),
    /**
     * Resume a paused job.
     * @example
     * await openai.jobs.resume('ftjob-abc123');
     */
    resume: (jobId: string, options?: RequestOptions): Promise<OpenAIJob> =>
      call(options, (init) => raw.POST('/fine_tuning/jobs/{fine_tuning_job_id}/resume', { params: jobPath(jobId), ...init })),
    /**
     * A job's status updates and metrics, paginated.
     * @example
     * for await (const event of openai.jobs.events('ftjob-abc123')) console.log(event.level, event.message);
     */
    events: (jobId: string, query: OpenAIEventListParams = {}, options?: RequestOptions): PageList<OpenAIJobEvent> =>
      list(options, afterLastId<OpenAIJobEvent>(), (after, init) =>
        raw.GET('/fine_tuning/jobs/{fine_tuning_job_id}/events', {
          params: { ...jobPath(jobId), query: { ...query, after: after ?? query.after } },
          ...init,
        })),
    /**
     * A job's checkpoints, paginated.
     * @example
     * const { items } = await openai.jobs.checkpoints('ftjob-abc123', { limit: 3 });
     */
    checkpoints: (jobId: string, query: OpenAICheckpointListParams = {}, options?: RequestOptions): PageList<OpenAICheckpoint> =>
      list(options, afterLastId<OpenAICheckpoint>(), (after, init) =>
        raw.GET('/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints', {
          params: { ...jobPath(jobId), query: { ...query, after: after ?? query.after } },
          ...init,
        })),
  };

  return {
    raw,
    jobs: {
      ...jobs,
      /**
       * Wait until the job finishes, polling with backoff (5 s growing to 60 s) and riding out transient errors.
       * Resolves with the job when it succeeds; throws `JobFailedError` (with the provider's code and message) or
       * `JobCancelledError`. `onProgress` hears only of changes (status, steps, ETA, loss, new events, each once);
       * `signal` and `timeoutMs` stop the wait, never the job; `resume` continues from an earlier wait's state.
       * @example
       * const done = await openai.jobs.wait('ftjob-abc123', {
       *   onProgress: (p) => console.log(p.status, p.step, p.totalSteps, p.trainingLoss),
       *   timeoutMs: 6 * 3600_000,
       * });
       */
      wait: (jobId: string, options?: WaitOptions<OpenAIJob, OpenAIJobEvent>, requestOptions?: RequestOptions): Promise<OpenAIJob> =>
        waitForJob(openaiWait(jobs), jobId, options, requestOptions),
    },
    files: {
      /**
       * Upload a dataset: a path (streamed from disk), a `Blob`/`File`, or a stream. Purpose `fine-tune` by default.
       * Above 512 MB (`multipartThreshold`), a path or Blob goes through the Uploads API in 64 MB parts, each retried
       * on its own; `onProgress` follows the bytes across parts.
       * @example
       * const file = await openai.files.upload('./big-train.jsonl', { onProgress: ({ loaded, total }) => console.log(loaded, total) });
       */
      upload: async (file: Uploadable, upload: OpenAIUploadOptions = {}, options?: RequestOptions): Promise<OpenAIFile> => {
        const source = await prepareUpload(file, upload, 'openai', 'openai POST /files');
        const { size } = source;
        if (size !== undefined && size > (upload.multipartThreshold ?? SINGLE_REQUEST_LIMIT)) return uploadInParts({ ...source, size }, upload, options);
        const fields = { purpose: upload.purpose ?? 'fine-tune' };
        return sendFile(options, source, async (init) =>
          raw.POST('/files', { body: { ...fields, file: FILE_PART }, ...multipartInit(await multipartBody(fields, 'file', source, upload.onProgress), init) }));
      },
      /**
       * Uploaded files, paginated (cursor `after` = the last file's id).
       * @example
       * for await (const file of openai.files.list({ purpose: 'fine-tune' })) console.log(file.id, file.filename);
       */
      list: (query: OpenAIFileListParams = {}, options?: RequestOptions): PageList<OpenAIFile> =>
        list(options, afterLastId<OpenAIFile>(), (after, init) =>
          raw.GET('/files', { params: { query: { ...query, after: after ?? query.after } }, ...init })),
      /**
       * A file's metadata.
       * @example
       * const { filename, bytes } = await openai.files.retrieve('file-abc123');
       */
      retrieve: (fileId: string, options?: RequestOptions): Promise<OpenAIFile> =>
        call(options, (init) => raw.GET('/files/{file_id}', { params: filePath(fileId), ...init })),
      /**
       * A file's bytes, as a streamed `Response`.
       * @example
       * const text = await (await openai.files.content('file-abc123')).text();
       */
      content: (fileId: string, options?: RequestOptions): Promise<Response> =>
        stream(options, (init) => raw.GET('/files/{file_id}/content', { params: filePath(fileId), parseAs: 'stream', ...init })),
      /**
       * Delete a file.
       * @example
       * const { deleted } = await openai.files.delete('file-abc123');
       */
      delete: (fileId: string, options?: RequestOptions): Promise<OpenAIFileDeleted> =>
        call(options, (init) => raw.DELETE('/files/{file_id}', { params: filePath(fileId), ...init })),
    },
  };
}

/** The OpenAI client's type. */
export type OpenAIClient = ReturnType<typeof createOpenAIClient>;
