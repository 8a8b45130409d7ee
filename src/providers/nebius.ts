import type { components, operations, paths } from '../../generated/nebius.js';
import { rules } from '../../generated/nebius.rules.js';
import { createCore, type ClientOptions } from '../core/client.js';
import type { CreateKey } from '../core/idempotency.js';
import type { RequestOptions } from '../core/exchange.js';
import { afterLastId, wholeList, type PageList } from '../core/pagination.js';
import { FILE_PART, multipartBody, multipartInit, uploadSource, type UploadOptions, type Uploadable } from '../core/upload.js';

type Schemas = components['schemas'];
export type NebiusJob = Schemas['FineTuningJob'];
export type NebiusJobCreateParams = Schemas['FineTuningRequest'];
export type NebiusJobEvent = Schemas['FineTuningJobEvent'];
export type NebiusCheckpoint = Schemas['app__models__fine_tuning__FineTuningJobCheckpoint'];
export type NebiusCheckpointDetail = Schemas['openai__types__fine_tuning__jobs__fine_tuning_job_checkpoint__FineTuningJobCheckpoint'];
export type NebiusFile = Schemas['OpenAIFile'];
export type NebiusJobListParams = NonNullable<operations['list_fine_tuning_jobs_v1_fine_tuning_jobs_get']['parameters']['query']>;
export type NebiusEventListParams = NonNullable<operations['list_fine_tuning_events_v1_fine_tuning_jobs__job_id__events_get']['parameters']['query']>;
export type NebiusCheckpointListParams = NonNullable<operations['list_fine_tuning_checkpoints_v1_fine_tuning_jobs__job_id__checkpoints_get']['parameters']['query']>;
export type NebiusFileListParams = NonNullable<paths['/v1/files']['get']['parameters']['query']>;
type FilePurpose = paths['/v1/files']['post']['requestBody']['content']['multipart/form-data']['purpose'];
export interface NebiusUploadOptions extends UploadOptions {
  /** Default `fine-tune`. */
  purpose?: FilePurpose;
  ai_project_id?: string;
}
export type NebiusClientOptions = ClientOptions;

export const nebiusProvider = {
  name: 'nebius',
  defaultBaseUrl: 'https://api.tokenfactory.nebius.com',
  env: { apiKey: 'NEBIUS_API_KEY', baseUrl: 'NEBIUS_BASE_URL' },
  rules,
};

// The files list answer is undocumented upstream (a placeholder object); its example is {data: OpenAIFile[]}.
function isFile(value: unknown): value is NebiusFile {
  return typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string';
}
const fileList = wholeList((body: { [key: string]: unknown }) => (Array.isArray(body.data) ? body.data.filter(isFile) : []));

/**
 * A client for Nebius Token Factory fine-tuning. Methods throw typed errors (`NotFoundError`, …);
 * `raw` is the typed openapi-fetch client for anything else.
 *
 * @example
 * ```ts
 * import { createNebiusClient } from 'tunekit/nebius';
 * const nebius = createNebiusClient(); // NEBIUS_API_KEY from the environment
 * const file = await nebius.files.upload('./train.jsonl');
 * const job = await nebius.jobs.create({ model: 'meta-llama/Llama-3.1-8B-Instruct', training_file: file.id });
 * ```
 */
export function createNebiusClient(options: NebiusClientOptions = {}) {
  const { raw, call, create, list, stream, upload: sendFile } = createCore<paths>(nebiusProvider, options);
  // A create carries a tunekit key in `tags`; a lost answer is looked up by it (see README, Reliability).
  const createKey: CreateKey<NebiusJobCreateParams, NebiusJob, Schemas['FineTuningJobListResponse']> = {
    mark: (body, key) => ({ ...body, tags: [...(body.tags ?? []), key] }),
    found: (job, key) => (Array.isArray(job.tags) ? job.tags.includes(key) : undefined),
    recent: (after, init) => raw.GET('/v1/fine_tuning/jobs', { params: { query: { after, limit: 50 } }, ...init }),
    rule: afterLastId<NebiusJob>(),
  };
  const jobPath = (jobId: string) => ({ path: { job_id: jobId } });

  return {
    raw,
    jobs: {
      /**
       * Start a fine-tuning job. Never creates two: the job gets a `tunekit-<uuid>` tag, and when an answer is
       * lost tunekit looks for the job carrying it before sending the create again.
       * @example
       * const job = await nebius.jobs.create({ model: 'meta-llama/Llama-3.1-8B-Instruct', training_file: 'file-123' });
       */
      create: (body: NebiusJobCreateParams, options?: RequestOptions): Promise<NebiusJob> =>
        create(options, createKey, body, (body, init) => raw.POST('/v1/fine_tuning/jobs', { body, ...init })),
      /**
       * One job by id.
       * @example
       * const { status, trained_steps, total_steps } = await nebius.jobs.retrieve('ftjob-123');
       */
      retrieve: (jobId: string, options?: RequestOptions): Promise<NebiusJob> =>
        call(options, (init) => raw.GET('/v1/fine_tuning/jobs/{job_id}', { params: jobPath(jobId), ...init })),
      /**
       * Jobs, newest first: `await` for the first page, `for await` for all.
       * @example
       * for await (const job of nebius.jobs.list({ limit: 20 })) console.log(job.id, job.status);
       */
      list: (query: NebiusJobListParams = {}, options?: RequestOptions): PageList<NebiusJob> =>
        list(options, afterLastId<NebiusJob>(), (after, init) =>
          raw.GET('/v1/fine_tuning/jobs', { params: { query: { ...query, after: after ?? query.after } }, ...init })),
      /**
       * Cancel a job that has not finished.
       * @example
       * await nebius.jobs.cancel('ftjob-123');
       */
      cancel: (jobId: string, options?: RequestOptions): Promise<NebiusJob> =>
        call(options, (init) => raw.POST('/v1/fine_tuning/jobs/{job_id}/cancel', { params: jobPath(jobId), ...init })),
      /**
       * A job's status updates and metrics, paginated.
       * @example
       * for await (const event of nebius.jobs.events('ftjob-123')) console.log(event.level, event.message);
       */
      events: (jobId: string, query: NebiusEventListParams = {}, options?: RequestOptions): PageList<NebiusJobEvent> =>
        list(options, afterLastId<NebiusJobEvent>(), (after, init) =>
          raw.GET('/v1/fine_tuning/jobs/{job_id}/events', {
            params: { ...jobPath(jobId), query: { ...query, after: after ?? query.after } },
            ...init,
          })),
      /**
       * A job's checkpoints, paginated.
       * @example
       * const { items } = await nebius.jobs.checkpoints('ftjob-123');
       */
      checkpoints: (jobId: string, query: NebiusCheckpointListParams = {}, options?: RequestOptions): PageList<NebiusCheckpoint> =>
        list(options, afterLastId<NebiusCheckpoint>(), (after, init) =>
          raw.GET('/v1/fine_tuning/jobs/{job_id}/checkpoints', {
            params: { ...jobPath(jobId), query: { ...query, after: after ?? query.after } },
            ...init,
          })),
      /**
       * One checkpoint of a job.
       * @example
       * const checkpoint = await nebius.jobs.checkpoint('ftjob-123', 'ftckpt-456');
       */
      checkpoint: (jobId: string, checkpointId: string, options?: RequestOptions): Promise<NebiusCheckpointDetail> =>
        call(options, (init) =>
          raw.GET('/v1/fine_tuning/jobs/{job_id}/checkpoints/{checkpoint_id}', {
            params: { path: { job_id: jobId, checkpoint_id: checkpointId } },
            ...init,
          })),
    },
    files: {
      /**
       * Upload a dataset: a path (streamed from disk), a `Blob`/`File`, or a stream. Purpose `fine-tune` by default.
       * `onProgress` follows the bytes; a path or a Blob is re-read for a retry, a stream is never sent twice.
       * @example
       * const file = await nebius.files.upload('./train.jsonl', { onProgress: ({ loaded, total }) => console.log(loaded, total) });
       */
      upload: async (file: Uploadable, upload: NebiusUploadOptions = {}, options?: RequestOptions): Promise<NebiusFile> => {
        const source = await uploadSource(file, upload.filename, 'nebius POST /v1/files');
        const query = upload.ai_project_id === undefined ? undefined : { ai_project_id: upload.ai_project_id };
        const fields = { purpose: upload.purpose ?? 'fine-tune' };
        return sendFile(options, source, async (init) =>
          raw.POST('/v1/files', { params: { query }, body: { ...fields, file: FILE_PART }, ...multipartInit(await multipartBody(fields, 'file', source, upload.onProgress), init) }));
      },
      /**
       * Uploaded files (the API returns them all at once).
       * @example
       * const { items } = await nebius.files.list({ purpose: 'fine-tune' });
       */
      list: (query: NebiusFileListParams = {}, options?: RequestOptions): PageList<NebiusFile> =>
        list(options, fileList, (_cursor, init) => raw.GET('/v1/files', { params: { query }, ...init })),
      /**
       * A file's metadata.
       * @example
       * const { filename, bytes } = await nebius.files.retrieve('file-123');
       */
      retrieve: (fileId: string, options?: RequestOptions): Promise<NebiusFile> =>
        call(options, (init) => raw.GET('/v1/files/{file_id}', { params: { path: { file_id: fileId } }, ...init })),
      /**
       * A file's bytes, as a streamed `Response`.
       * @example
       * const text = await (await nebius.files.content('file-123')).text();
       */
      content: (fileId: string, options?: RequestOptions): Promise<Response> =>
        stream(options, (init) =>
          raw.GET('/v1/files/{file_id}/content', { params: { path: { file_id: fileId } }, parseAs: 'stream', ...init })),
      /**
       * Delete a file.
       * @example
       * await nebius.files.delete('file-123');
       */
      delete: (fileId: string, options?: RequestOptions) =>
        call(options, (init) => raw.DELETE('/v1/files/{file_id}', { params: { path: { file_id: fileId } }, ...init })),
    },
  };
}

/** The Nebius client's type. */
export type NebiusClient = ReturnType<typeof createNebiusClient>;
