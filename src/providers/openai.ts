import type { components, operations, paths } from '../../generated/openai.js';
import { rules } from '../../generated/openai.rules.js';
import { createCore, type ClientOptions } from '../core/client.js';
import type { RequestOptions } from '../core/exchange.js';
import type { CreateKey } from '../core/idempotency.js';
import { afterLastId, type PageList } from '../core/pagination.js';
import { formData, toNamedBlob, type UploadOptions, type Uploadable } from '../core/upload.js';

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
export interface OpenAIUploadOptions extends UploadOptions {
  /** Default `fine-tune`. */
  purpose?: OpenAIFilePurpose;
}
export interface OpenAIClientOptions extends ClientOptions {
  /** Sent as `OpenAI-Organization`; defaults to `OPENAI_ORG_ID`. */
  organization?: string;
  /** Sent as `OpenAI-Project`; defaults to `OPENAI_PROJECT_ID`. */
  project?: string;
}

export const openaiProvider = {
  name: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  env: {
    apiKey: 'OPENAI_API_KEY',
    baseUrl: 'OPENAI_BASE_URL',
    headers: { 'OpenAI-Organization': 'OPENAI_ORG_ID', 'OpenAI-Project': 'OPENAI_PROJECT_ID' },
  },
  rules,
};

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
  const { raw, call, create, list, stream } = createCore<paths>(openaiProvider, {
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

  return {
    raw,
    jobs: {
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
    },
    files: {
      /**
       * Upload a dataset: a path (streamed from disk), a `Blob`/`File`, or a stream. Purpose `fine-tune` by default.
       * @example
       * const file = await openai.files.upload('./train.jsonl');
       */
      upload: async (file: Uploadable, upload: OpenAIUploadOptions = {}, options?: RequestOptions): Promise<OpenAIFile> => {
        const { blob, filename } = await toNamedBlob(file, upload.filename, 'openai POST /files');
        return call(options, (init) =>
          raw.POST('/files', {
            body: { file: blob, purpose: upload.purpose ?? 'fine-tune' },
            bodySerializer: (fields) => formData(fields, filename),
            ...init,
          }), false);
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
