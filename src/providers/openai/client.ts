import type { components, operations, paths } from '../../../generated/openai.js';
import { rules } from '../../../generated/openai.rules.js';
import { createCore, type ClientOptions } from '../../core/client.js';
import { facts } from './facts.js';
import { APIConnectionError, APIUserAbortError, ValidationError } from '../../core/errors.js';
import type { RequestOptions } from '../../core/exchange.js';
import type { WaitOptions } from '../../poller/types.js';
import type { CreateKey } from '../../core/idempotency.js';
import { afterLastId, type PageList } from '../../core/pagination.js';
import type { UploadOptions, UploadSource, Uploadable } from '../../core/upload.js';

type Schemas = components['schemas'];
/** A fine-tuning job as the OpenAI API returns it. */
export type OpenAIJob = Schemas['FineTuningJob'];
/** The status of an OpenAI job, as its API spells it. */
export type OpenAIJobStatus = OpenAIJob['status'];
/** The body of `jobs.create`: OpenAI's fine-tuning request. */
export type OpenAIJobCreateParams = Schemas['CreateFineTuningJobRequest'];
/** One event of a job, as `jobs.events` yields it. */
export type OpenAIJobEvent = Schemas['FineTuningJobEvent'];
/** One checkpoint of a job, as `jobs.checkpoints` yields it. */
export type OpenAICheckpoint = Schemas['FineTuningJobCheckpoint'];
/** An uploaded file, as `files.upload`, `files.retrieve` and `files.list` return it. */
export type OpenAIFile = Schemas['OpenAIFile'];
/** The answer of `files.delete`. */
export type OpenAIFileDeleted = Schemas['DeleteFileResponse'];
/** What a file is for (`fine-tune`, …), as `files.upload` takes it. */
export type OpenAIFilePurpose = Schemas['CreateFileRequest']['purpose'];
/** The query of `jobs.list` (`limit`, `after`, `metadata`). */
export type OpenAIJobListParams = NonNullable<operations['listPaginatedFineTuningJobs']['parameters']['query']>;
/** The query of `jobs.events`. */
export type OpenAIEventListParams = NonNullable<operations['listFineTuningEvents']['parameters']['query']>;
/** The query of `jobs.checkpoints`. */
export type OpenAICheckpointListParams = NonNullable<operations['listFineTuningJobCheckpoints']['parameters']['query']>;
/** The query of `files.list`. */
export type OpenAIFileListParams = NonNullable<operations['listFiles']['parameters']['query']>;
/** An upload of the Uploads API, which `files.upload` uses for files above the multipart threshold. */
export type OpenAIUpload = Schemas['Upload'];
/** Options of `files.upload` on OpenAI: the purpose and the Uploads API settings (threshold, part size, MIME type), besides the shared upload options. */
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
/** Options of `createOpenAIClient`: the options every client takes, plus OpenAI's organization and project. */
export interface OpenAIClientOptions extends ClientOptions {
  /** Sent as `OpenAI-Organization`; defaults to `OPENAI_ORG_ID`. */
  organization?: string | undefined;
  /** Sent as `OpenAI-Project`; defaults to `OPENAI_PROJECT_ID`. */
  project?: string | undefined;
}

const openaiProvider = { ...facts, rules };

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
  const {
    raw,
    call,
    create,
    list,
    stream,
    upload: sendFile,
  } = createCore<paths>(openaiProvider, {
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
  const removeFile = (fileId: string, opts: RequestOptions) =>
    call(opts, (init) => raw.DELETE('/files/{file_id}', { params: filePath(fileId), ...init }));

  /** A large file through the Uploads API: create, one part per `partSize` bytes (each re-read for a retry), complete. */
  async function uploadInParts(
    source: UploadSource & { size: number },
    upload: OpenAIUploadOptions,
    options?: RequestOptions,
  ): Promise<OpenAIFile> {
    const { multipartBody, multipartInit, settleAbort, FILE_PART } = await import('../../core/upload.js');
    const purpose = upload.purpose ?? 'fine-tune';
    if (!isUploadPurpose(purpose)) {
      const message = `purpose = ${JSON.stringify(purpose)} cannot go through the Uploads API, which files over ${SINGLE_REQUEST_LIMIT / 2 ** 20} MB need (one of ${UPLOAD_PURPOSES.join(', ')})`;
      throw ValidationError.of('openai POST /uploads', {
        field: 'purpose',
        rule: `enum ${JSON.stringify(UPLOAD_PURPOSES)}`,
        value: purpose,
        message,
      });
    }
    const partSize = Math.min(upload.partSize ?? MAX_PART_SIZE, MAX_PART_SIZE);
    const pending = await call(
      options,
      (init) =>
        raw.POST('/uploads', {
          body: { filename: source.filename, purpose, bytes: source.size, mime_type: upload.mimeType ?? 'text/jsonl' },
          ...init,
        }),
      false,
    );
    const uploadPath = { path: { upload_id: pending.id } };
    let completing = false;
    try {
      const partIds: string[] = [];
      for (let start = 0; start < source.size; start += partSize) {
        const end = Math.min(source.size, start + partSize);
        const onProgress =
          upload.onProgress && (({ loaded }: { loaded: number }) => upload.onProgress?.({ loaded: start + loaded, total: source.size }));
        const part = await sendFile(options, source, async (init) =>
          raw.POST('/uploads/{upload_id}/parts', {
            params: uploadPath,
            body: { data: FILE_PART },
            ...multipartInit(await multipartBody({}, 'data', source, { onProgress, start, end }), init),
          }),
        );
        partIds.push(part.id);
      }
      completing = true;
      // An abort after the complete went out: the file it made is deleted, or named (a part cut off is cancelled below).
      const settle = {
        where: `openai POST /uploads/${pending.id}/complete`,
        whole: () => true,
        idOf: (upload: OpenAIUpload) => upload.file?.id,
        remove: removeFile,
      };
      const done = await settleAbort(options, settle, (settled) =>
        call(
          settled,
          (init) => raw.POST('/uploads/{upload_id}/complete', { params: uploadPath, body: { part_ids: partIds }, ...init }),
          false,
        ),
      );
      if (!done.file) throw new APIConnectionError(`openai POST /uploads/${pending.id}/complete: the upload completed without a file`);
      return done.file;
    } catch (error) {
      // Leave nothing half-made behind: an upload that did not complete is cancelled (and expires anyway after an hour).
      const aborted = error instanceof APIUserAbortError;
      // An abort during the complete has been settled (the file it made deleted, or named): nothing to cancel.
      if (aborted && completing) throw error;
      await call({ timeoutMs: aborted ? 1_000 : 10_000, maxRetries: aborted ? 0 : 1 }, (init) =>
        raw.POST('/uploads/{upload_id}/cancel', { params: uploadPath, ...init }),
      ).catch(() => undefined);
      if (aborted)
        throw new APIUserAbortError(`${error.message}; upload ${pending.id} was not completed (and is cancelled), so no file was made`, {
          cause: error,
        });
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
        raw.GET('/fine_tuning/jobs', { params: { query: { ...query, after: after ?? query.after } }, ...init }),
      ),
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
        }),
      ),
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
        }),
      ),
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
      wait: async (
        jobId: string,
        options?: WaitOptions<OpenAIJob, OpenAIJobEvent>,
        requestOptions?: RequestOptions,
      ): Promise<OpenAIJob> => {
        const [{ waitForJob }, { openaiWait }] = await Promise.all([import('../../poller/job-wait.js'), import('./wait.js')]);
        return waitForJob(openaiWait(jobs), jobId, options, requestOptions);
      },
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
        const { prepareUpload, sendUpload, multipartBody, multipartInit, FILE_PART } = await import('../../core/upload.js');
        const source = await prepareUpload(file, upload, 'openai', 'openai POST /files');
        const { size } = source;
        if (size !== undefined && size > (upload.multipartThreshold ?? SINGLE_REQUEST_LIMIT))
          return uploadInParts({ ...source, size }, upload, options);
        const fields = { purpose: upload.purpose ?? 'fine-tune' };
        return sendUpload(sendFile, options, source, 'openai POST /files', removeFile, async (init, track) =>
          raw.POST('/files', {
            body: { ...fields, file: FILE_PART },
            ...multipartInit(await multipartBody(fields, 'file', source, { onProgress: upload.onProgress, track }), init),
          }),
        );
      },
      /**
       * Uploaded files, paginated (cursor `after` = the last file's id).
       * @example
       * for await (const file of openai.files.list({ purpose: 'fine-tune' })) console.log(file.id, file.filename);
       */
      list: (query: OpenAIFileListParams = {}, options?: RequestOptions): PageList<OpenAIFile> =>
        list(options, afterLastId<OpenAIFile>(), (after, init) =>
          raw.GET('/files', { params: { query: { ...query, after: after ?? query.after } }, ...init }),
        ),
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
