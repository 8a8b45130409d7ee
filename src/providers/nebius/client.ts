import type { Middleware } from 'openapi-fetch';
import type { components, operations, paths } from '../../../generated/nebius.js';
import { rules } from '../../../generated/nebius.rules.js';
import { facts } from './facts.js';
import { createCore, type ClientOptions } from '../../core/client.js';
import type { CreateKey } from '../../core/idempotency.js';
import type { RequestOptions } from '../../core/exchange.js';
import type { WaitOptions } from '../../poller/types.js';
import type { ModelWaitOptions } from '../../poller/model-wait.js';
import { afterLastId, wholeList, type CursorRule, type PageList } from '../../core/pagination.js';
import type { UploadOptions, Uploadable } from '../../core/upload.js';

type Schemas = components['schemas'];
/** A fine-tuning job as the Nebius API returns it. */
export type NebiusJob = Schemas['FineTuningJob'];
/** The body of `jobs.create`: Nebius's fine-tuning request. */
export type NebiusJobCreateParams = Schemas['FineTuningRequest'];
/** One event of a job, as `jobs.events` yields it. */
export type NebiusJobEvent = Schemas['FineTuningJobEvent'];
/** One checkpoint of a job, as `jobs.checkpoints` yields it. */
export type NebiusCheckpoint = Schemas['app__models__fine_tuning__FineTuningJobCheckpoint'];
/** One checkpoint in detail, as `jobs.checkpoint(jobId, checkpointId)` returns it. */
export type NebiusCheckpointDetail = Schemas['openai__types__fine_tuning__jobs__fine_tuning_job_checkpoint__FineTuningJobCheckpoint'];
/** An uploaded file, as `files.upload`, `files.retrieve` and `files.list` return it. */
export type NebiusFile = Schemas['OpenAIFile'];
/** The query of `jobs.list` (`limit`, `after`, …). */
export type NebiusJobListParams = NonNullable<operations['list_fine_tuning_jobs_v1_fine_tuning_jobs_get']['parameters']['query']>;
/** The query of `jobs.events`. */
export type NebiusEventListParams = NonNullable<
  operations['list_fine_tuning_events_v1_fine_tuning_jobs__job_id__events_get']['parameters']['query']
>;
/** The query of `jobs.checkpoints`. */
export type NebiusCheckpointListParams = NonNullable<
  operations['list_fine_tuning_checkpoints_v1_fine_tuning_jobs__job_id__checkpoints_get']['parameters']['query']
>;
/** The query of `files.list`. */
export type NebiusFileListParams = NonNullable<paths['/v1/files']['get']['parameters']['query']>;
type FilePurpose = paths['/v1/files']['post']['requestBody']['content']['multipart/form-data']['purpose'];
/** Options of `files.upload` on Nebius: the file's purpose and project, besides the shared upload options. */
export interface NebiusUploadOptions extends UploadOptions {
  /** Default `fine-tune`. */
  purpose?: FilePurpose;
  ai_project_id?: string;
}
/** A custom model (a fine-tuned checkpoint made callable), as `models.retrieve` and `models.list` return it. */
export type NebiusModel = Schemas['CustomModelInfoResponse'];
/** The body of `models.create`: a name, a base model and a source (a job's checkpoint, a file or a Hugging Face repository). */
export type NebiusModelCreateParams = paths['/v0/models']['post']['requestBody']['content']['application/json'];
/** A custom model as `models.create` returns it (`status` `validating` until it can be called). */
export type NebiusModelCreated = paths['/v0/models']['post']['responses'][200]['content']['application/json'];
/** The answer of `models.delete`. */
export type NebiusModelDeleted = Schemas['DeleteModelStatusResponse'];
/** The query of `models.list` (and of `models.create`). */
export type NebiusModelListParams = NonNullable<paths['/v0/models']['get']['parameters']['query']>;
/** Options of `createNebiusClient`: the options every client takes. */
export type NebiusClientOptions = ClientOptions;

const nebiusProvider = { ...facts, rules };

// The files list answer is undocumented upstream (a placeholder object); its example is {data: OpenAIFile[]}.
function isFile(value: unknown): value is NebiusFile {
  return typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string';
}
const modelList = wholeList((body: NebiusModel[]) => body);

/** `vendor/name` → both parts (the path of `GET /v0/models/{vendor}/{full_name}`); a short name has no vendor. */
function splitName(name: string): { vendor: string | undefined; full_name: string } {
  const slash = name.indexOf('/');
  return slash < 0 ? { vendor: undefined, full_name: name } : { vendor: name.slice(0, slash), full_name: name.slice(slash + 1) };
}

/**
 * The files list: documented only as "an object" with `limit` (default 10), answered as OpenAI's list
 * (`{data, has_more}`). Pages follow `after` = the last file's id, as the OpenAI API it mirrors does
 * (openapi/QUIRKS.md §6); without that, `list()` would stop at the first 10 files.
 */
const fileList: CursorRule<{ [key: string]: unknown }, NebiusFile> = {
  items: (body) => (Array.isArray(body.data) ? body.data.filter(isFile) : []),
  hasMore: (body) => body.has_more === true,
  next: (_body, items) => items.at(-1)?.id,
};

/** Adds `after` to the query: the files list pages by it, though the document does not name it. */
function afterQuery(after: string): Middleware {
  return {
    onRequest({ request }) {
      const url = new URL(request.url);
      url.searchParams.set('after', after);
      return new Request(url, request);
    },
  };
}

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
  // A create carries a tunekit key in `tags`; a lost answer is looked up by it (see docs/reliability.md).
  const createKey: CreateKey<NebiusJobCreateParams, NebiusJob, Schemas['FineTuningJobListResponse']> = {
    mark: (body, key) => ({ ...body, tags: [...(body.tags ?? []), key] }),
    found: (job, key) => (Array.isArray(job.tags) ? job.tags.includes(key) : undefined),
    recent: (after, init) => raw.GET('/v1/fine_tuning/jobs', { params: { query: { after, limit: 50 } }, ...init }),
    rule: afterLastId<NebiusJob>(),
  };
  const jobPath = (jobId: string) => ({ path: { job_id: jobId } });

  const jobs = {
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
        raw.GET('/v1/fine_tuning/jobs', { params: { query: { ...query, after: after ?? query.after } }, ...init }),
      ),
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
        }),
      ),
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
        }),
      ),
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
        }),
      ),
  };

  const client = {
    raw,
    jobs: {
      ...jobs,
      /**
       * Wait until the job finishes, polling with backoff (5 s growing to 60 s) and riding out transient errors.
       * Resolves with the job when it succeeds; throws `JobFailedError` (with the provider's code and message) or
       * `JobCancelledError`. `onProgress` hears only of changes (status, steps, ETA, loss, new events, each once);
       * `signal` and `timeoutMs` stop the wait, never the job; `resume` continues from an earlier wait's state.
       * @example
       * const done = await nebius.jobs.wait('ftjob-123', {
       *   onProgress: (p) => console.log(p.status, p.step, p.totalSteps, p.trainingLoss),
       *   timeoutMs: 6 * 3600_000,
       * });
       */
      wait: async (
        jobId: string,
        options?: WaitOptions<NebiusJob, NebiusJobEvent>,
        requestOptions?: RequestOptions,
      ): Promise<NebiusJob> => {
        const [{ waitForJob }, { nebiusWait }] = await Promise.all([import('../../poller/job-wait.js'), import('./wait.js')]);
        return waitForJob(nebiusWait(jobs), jobId, options, requestOptions);
      },
    },
    models: {
      /**
       * Make a fine-tuned checkpoint callable as a custom model: `source` is `<job id>:<checkpoint id>` (or a file id, or a
       * Hugging Face repo). It starts `validating`; `models.wait` follows it to `active`.
       * @example
       * const model = await nebius.models.create({ name: 'support-bot', base_model: 'meta-llama/Llama-3.1-8B-Instruct', source: 'ftjob-123:ftckpt-456' });
       */
      create: (body: NebiusModelCreateParams, query: NebiusModelListParams = {}, options?: RequestOptions): Promise<NebiusModelCreated> =>
        call(options, (init) => raw.POST('/v0/models', { params: { query }, body, ...init }), false),
      /**
       * One custom model, by its short name (`support-bot`) or its full name (`vendor/name`, as `create` returns it).
       * @example
       * const model = await nebius.models.retrieve('meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:support-bot-ab12');
       */
      retrieve: (name: string, options?: RequestOptions): Promise<NebiusModel> => {
        const { vendor, full_name } = splitName(name);
        return vendor === undefined
          ? call(options, (init) => raw.GET('/v0/models/{name}', { params: { path: { name } }, ...init }))
          : call(options, (init) => raw.GET('/v0/models/{vendor}/{full_name}', { params: { path: { vendor, full_name } }, ...init }));
      },
      /**
       * Your custom models (the API returns them all at once).
       * @example
       * for await (const model of nebius.models.list()) console.log(model.name, model['status']);
       */
      list: (query: NebiusModelListParams = {}, options?: RequestOptions): PageList<NebiusModel> =>
        list(options, modelList, (_cursor, init) => raw.GET('/v0/models', { params: { query }, ...init })),
      /**
       * Delete a custom model, by short or full name.
       * @example
       * const { status } = await nebius.models.delete('support-bot'); // 'deleted'
       */
      delete: (name: string, options?: RequestOptions): Promise<NebiusModelDeleted> => {
        const { vendor, full_name } = splitName(name);
        return vendor === undefined
          ? call(options, (init) => raw.DELETE('/v0/models/{name}', { params: { path: { name } }, ...init }))
          : call(options, (init) => raw.DELETE('/v0/models/{vendor}/{full_name}', { params: { path: { vendor, full_name } }, ...init }));
      },
      /**
       * Wait until a custom model can be called (`active`); throws `ModelDeploymentError` if it ends in `error`.
       * @example
       * const created = await nebius.models.create({ name: 'support-bot', base_model: 'meta-llama/Llama-3.1-8B-Instruct', source: 'ftjob-123:ftckpt-456' });
       * await nebius.models.wait(created.name, { timeoutMs: 30 * 60_000 });
       */
      wait: async (name: string, options?: ModelWaitOptions<NebiusModel>, requestOptions?: RequestOptions): Promise<NebiusModel> =>
        (await import('../../poller/model-wait.js')).waitForModel(
          {
            provider: 'nebius',
            retrieve: (modelName, opts) => client.models.retrieve(modelName, opts),
            status: (model) => (typeof model['status'] === 'string' ? model['status'] : undefined),
            reason: (model) => (typeof model['status_reason'] === 'string' ? model['status_reason'] : undefined),
            ready: ['active'],
            failed: ['error', 'deleted'],
          },
          name,
          options,
          requestOptions,
        ),
    },
    files: {
      /**
       * Upload a dataset: a path (streamed from disk), a `Blob`/`File`, or a stream. Purpose `fine-tune` by default.
       * `onProgress` follows the bytes; a path or a Blob is re-read for a retry, a stream is never sent twice.
       * @example
       * const file = await nebius.files.upload('./train.jsonl', { onProgress: ({ loaded, total }) => console.log(loaded, total) });
       */
      upload: async (file: Uploadable, upload: NebiusUploadOptions = {}, options?: RequestOptions): Promise<NebiusFile> => {
        const { prepareUpload, sendUpload, multipartBody, multipartInit, FILE_PART } = await import('../../core/upload.js');
        const source = await prepareUpload(file, upload, 'nebius', 'nebius POST /v1/files');
        const query = upload.ai_project_id === undefined ? undefined : { ai_project_id: upload.ai_project_id };
        const fields = { purpose: upload.purpose ?? 'fine-tune' };
        const remove = (id: string, opts: RequestOptions) =>
          call(opts, (init) => raw.DELETE('/v1/files/{file_id}', { params: { path: { file_id: id } }, ...init }));
        return sendUpload(sendFile, options, source, 'nebius POST /v1/files', remove, async (init, track) =>
          raw.POST('/v1/files', {
            params: { query },
            body: { ...fields, file: FILE_PART },
            ...multipartInit(await multipartBody(fields, 'file', source, { onProgress: upload.onProgress, track }), init),
          }),
        );
      },
      /**
       * Uploaded files, page by page (`limit` per page, default 10; `for await` follows every page).
       * @example
       * for await (const file of nebius.files.list({ purpose: 'fine-tune' })) console.log(file.id, file.filename);
       */
      list: (query: NebiusFileListParams = {}, options?: RequestOptions): PageList<NebiusFile> =>
        list(options, fileList, (after, init) =>
          raw.GET('/v1/files', {
            params: { query },
            ...init,
            middleware: [...(init.middleware ?? []), ...(after ? [afterQuery(after)] : [])],
          }),
        ),
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
          raw.GET('/v1/files/{file_id}/content', { params: { path: { file_id: fileId } }, parseAs: 'stream', ...init }),
        ),
      /**
       * Delete a file.
       * @example
       * await nebius.files.delete('file-123');
       */
      delete: (fileId: string, options?: RequestOptions) =>
        call(options, (init) => raw.DELETE('/v1/files/{file_id}', { params: { path: { file_id: fileId } }, ...init })),
    },
  };
  return client;
}

/** The Nebius client's type. */
export type NebiusClient = ReturnType<typeof createNebiusClient>;
