import type { components, paths } from '../../../generated/together.js';
import { rules } from '../../../generated/together.rules.js';
import { facts } from './facts.js';
import { createCore, type ClientOptions } from '../../core/client.js';
import type { RequestOptions } from '../../core/exchange.js';
import type { WaitOptions } from '../../poller/types.js';
import { wholeList, type PageList } from '../../core/pagination.js';
import type { UploadOptions, Uploadable } from '../../core/upload.js';

type Schemas = components['schemas'];
/** A job as `jobs.retrieve` returns it (every field). */
export type TogetherJob = Schemas['FinetuneResponse'];
/** A job as `jobs.create`, `jobs.list` and `jobs.cancel` return it (the API's truncated form). */
export type TogetherJobSummary = Schemas['FinetuneResponseTruncated'];
/** The status of a Together job, as its API spells it. */
export type TogetherJobStatus = Schemas['FinetuneJobStatus'];
/** The body of `jobs.create`: Together's fine-tuning request. */
export type TogetherJobCreateParams = paths['/fine-tunes']['post']['requestBody']['content']['application/json'];
/** The answer of `jobs.delete`. */
export type TogetherJobDeleted = Schemas['FinetuneDeleteResponse'];
/** One event of a job, as `jobs.events` yields it. */
export type TogetherJobEvent = Schemas['FineTuneEvent'];
/** One checkpoint of a job, as `jobs.checkpoints` yields it. */
export type TogetherCheckpoint = Schemas['FineTuneCheckpoint'];
/** The body of `jobs.estimatePrice`. */
export type TogetherPriceEstimateParams = paths['/fine-tunes/estimate-price']['post']['requestBody']['content']['application/json'];
/** The answer of `jobs.estimatePrice`. */
export type TogetherPriceEstimate = paths['/fine-tunes/estimate-price']['post']['responses'][200]['content']['application/json'];
/** What to download besides the job id: a checkpoint step, or `merged` / `adapter` weights. */
export type TogetherDownloadParams = Omit<paths['/finetune/download']['get']['parameters']['query'], 'ft_id'>;
/** One point of a job's metrics: metric name (`train/loss`, `train/global_step`, …) to value. */
export type TogetherMetricsPoint = NonNullable<
  paths['/fine-tunes/{id}/metrics']['get']['responses'][200]['content']['application/json']['metrics']
>[number];
/** An uploaded file, as `files.upload`, `files.retrieve` and `files.list` return it. */
export type TogetherFile = Schemas['FileResponse'];
/** The answer of `files.delete`. */
export type TogetherFileDeleted = Schemas['FileDeleteResponse'];
/** What a file is for (`fine-tune`, `eval`, …), as `files.upload` takes it. */
export type TogetherFilePurpose = Schemas['FilePurpose'];
/** A file's format (`jsonl`, `parquet`, `csv`), as `files.upload` takes it. */
export type TogetherFileType = Schemas['FileType'];
/** Options of `files.upload` on Together: the purpose and file type, besides the shared upload options. */
export interface TogetherUploadOptions extends UploadOptions {
  /** Default `fine-tune`. */
  purpose?: TogetherFilePurpose;
  /** `jsonl`, `csv` or `parquet`; the API assumes `jsonl` when absent. */
  file_type?: TogetherFileType;
}
/** Options of `createTogetherClient`: the options every client takes. */
export type TogetherClientOptions = ClientOptions;

const togetherProvider = { ...facts, rules };

// Together answers these lists whole, as {data: [...]}, with no cursor.
const jobList = wholeList((body: Schemas['FinetuneTruncatedList']) => body.data);
const eventList = wholeList((body: Schemas['FinetuneListEvents']) => body.data);
const checkpointList = wholeList((body: Schemas['FinetuneListCheckpoints']) => body.data);
const fileList = wholeList((body: Schemas['FileList']) => body.data);

/**
 * A client for Together AI fine-tuning. Methods throw typed errors (`NotFoundError`, …);
 * `raw` is the typed openapi-fetch client for anything else.
 *
 * @example
 * ```ts
 * import { createTogetherClient } from 'tunekit/together';
 * const together = createTogetherClient(); // TOGETHER_API_KEY from the environment
 * const file = await together.files.upload('./train.jsonl');
 * const job = await together.jobs.create({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', training_file: file.id });
 * ```
 */
export function createTogetherClient(options: TogetherClientOptions = {}) {
  const { raw, call, create, list, stream, upload: sendFile } = createCore<paths>(togetherProvider, options);
  const byId = (id: string) => ({ path: { id } });

  const jobs = {
    /**
     * Start a fine-tuning job. A Together job has no field to carry a tunekit key, so a create whose answer
     * was lost is not sent again (only a create that provably never arrived is).
     * @example
     * const job = await together.jobs.create({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', training_file: 'file-123' });
     */
    create: (body: TogetherJobCreateParams, options?: RequestOptions): Promise<TogetherJobSummary> =>
      create(options, undefined, body, (body, init) => raw.POST('/fine-tunes', { body, ...init })),
    /**
     * One job by id, with every field (events, progress, …).
     * @example
     * const { status, model_output_name } = await together.jobs.retrieve('ft-123');
     */
    retrieve: (jobId: string, options?: RequestOptions): Promise<TogetherJob> =>
      call(options, (init) => raw.GET('/fine-tunes/{id}', { params: byId(jobId), ...init })),
    /**
     * Every job (the API returns them all at once): `await` for the page, `for await` for the jobs.
     * @example
     * for await (const job of together.jobs.list()) console.log(job.id, job.status);
     */
    list: (options?: RequestOptions): PageList<TogetherJobSummary> =>
      list(options, jobList, (_cursor, init) => raw.GET('/fine-tunes', { ...init })),
    /**
     * Cancel a job that has not finished.
     * @example
     * const { status } = await together.jobs.cancel('ft-123'); // 'cancel_requested'
     */
    cancel: (jobId: string, options?: RequestOptions): Promise<TogetherJobSummary> =>
      call(options, (init) => raw.POST('/fine-tunes/{id}/cancel', { params: byId(jobId), ...init })),
    /**
     * Delete a job.
     * @example
     * const { message } = await together.jobs.delete('ft-123');
     */
    delete: (jobId: string, options?: RequestOptions): Promise<TogetherJobDeleted> =>
      call(options, (init) => raw.DELETE('/fine-tunes/{id}', { params: byId(jobId), ...init })),
    /**
     * A job's events (the API returns them all at once).
     * @example
     * for await (const event of together.jobs.events('ft-123')) console.log(event.type, event.message);
     */
    events: (jobId: string, options?: RequestOptions): PageList<TogetherJobEvent> =>
      list(options, eventList, (_cursor, init) => raw.GET('/fine-tunes/{id}/events', { params: byId(jobId), ...init })),
    /**
     * A job's checkpoints (the API returns them all at once).
     * @example
     * const { items } = await together.jobs.checkpoints('ft-123');
     */
    checkpoints: (jobId: string, options?: RequestOptions): PageList<TogetherCheckpoint> =>
      list(options, checkpointList, (_cursor, init) => raw.GET('/fine-tunes/{id}/checkpoints', { params: byId(jobId), ...init })),
    /**
     * A job's recorded training metrics (`train/loss`, `train/global_step`, `train/learning_rate`, …), oldest
     * first. The API's filters travel in a `GET` body, which `fetch` cannot send (openapi/QUIRKS.md §10): filter here.
     * @example
     * const points = await together.jobs.metrics('ft-123');
     * const losses = points.filter((p) => p['train/loss'] !== undefined).map((p) => [p['train/global_step'], p['train/loss']]);
     */
    metrics: async (jobId: string, options?: RequestOptions): Promise<TogetherMetricsPoint[]> =>
      (await call(options, (init) => raw.GET('/fine-tunes/{id}/metrics', { params: byId(jobId), ...init }))).metrics ?? [],
    /**
     * What a job would cost, before starting it.
     * @example
     * const { estimated_total_price, allowed_to_proceed } = await together.jobs.estimatePrice({ training_file: 'file-123', n_epochs: 3 });
     */
    estimatePrice: (body: TogetherPriceEstimateParams, options?: RequestOptions): Promise<TogetherPriceEstimate> =>
      call(options, (init) => raw.POST('/fine-tunes/estimate-price', { body, ...init })),
    /**
     * The fine-tuned weights (or one checkpoint) as a streamed `Response`: pipe it to disk, it is never buffered whole.
     * @example
     * import { createWriteStream } from 'node:fs';
     * import { Writable } from 'node:stream';
     * const response = await together.jobs.download('ft-123', { checkpoint: 'adapter' });
     * await response.body?.pipeTo(Writable.toWeb(createWriteStream('adapter.tar.zst')));
     */
    download: (jobId: string, query: TogetherDownloadParams = {}, options?: RequestOptions): Promise<Response> =>
      stream(options, (init) =>
        raw.GET('/finetune/download', { params: { query: { ...query, ft_id: jobId } }, parseAs: 'stream', ...init }),
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
       * const done = await together.jobs.wait('ft-123', {
       *   onProgress: (p) => console.log(p.status, p.step, p.totalSteps, p.trainingLoss),
       *   timeoutMs: 6 * 3600_000,
       * });
       */
      wait: async (
        jobId: string,
        options?: WaitOptions<TogetherJob, TogetherJobEvent>,
        requestOptions?: RequestOptions,
      ): Promise<TogetherJob> => {
        const [{ waitForJob }, { togetherWait }] = await Promise.all([import('../../poller/job-wait.js'), import('./wait.js')]);
        return waitForJob(togetherWait(jobs), jobId, options, requestOptions);
      },
    },
    files: {
      /**
       * Upload a dataset: a path (streamed from disk), a `Blob`/`File`, or a stream. Purpose `fine-tune` by default;
       * `file_name` is the file's own name unless `filename` is given.
       * @example
       * const file = await together.files.upload('./train.jsonl');
       */
      upload: async (file: Uploadable, upload: TogetherUploadOptions = {}, options?: RequestOptions): Promise<TogetherFile> => {
        const { prepareUpload, sendUpload, multipartBody, multipartInit, FILE_PART } = await import('../../core/upload.js');
        const source = await prepareUpload(file, upload, 'together', 'together POST /files/upload');
        const fields = { file_name: source.filename, purpose: upload.purpose ?? 'fine-tune', file_type: upload.file_type };
        const remove = (id: string, opts: RequestOptions) => call(opts, (init) => raw.DELETE('/files/{id}', { params: byId(id), ...init }));
        return sendUpload(sendFile, options, source, 'together POST /files/upload', remove, async (init, track) =>
          raw.POST('/files/upload', {
            body: { ...fields, file: FILE_PART },
            ...multipartInit(await multipartBody(fields, 'file', source, { onProgress: upload.onProgress, track }), init),
          }),
        );
      },
      /**
       * Uploaded files (the API returns them all at once).
       * @example
       * const { items } = await together.files.list();
       */
      list: (options?: RequestOptions): PageList<TogetherFile> =>
        list(options, fileList, (_cursor, init) => raw.GET('/files', { ...init })),
      /**
       * A file's metadata.
       * @example
       * const { filename, bytes, Processed } = await together.files.retrieve('file-123');
       */
      retrieve: (fileId: string, options?: RequestOptions): Promise<TogetherFile> =>
        call(options, (init) => raw.GET('/files/{id}', { params: byId(fileId), ...init })),
      /**
       * A file's bytes, as a streamed `Response`.
       * @example
       * const text = await (await together.files.content('file-123')).text();
       */
      content: (fileId: string, options?: RequestOptions): Promise<Response> =>
        stream(options, (init) => raw.GET('/files/{id}/content', { params: byId(fileId), parseAs: 'stream', ...init })),
      /**
       * Delete a file.
       * @example
       * const { deleted } = await together.files.delete('file-123');
       */
      delete: (fileId: string, options?: RequestOptions): Promise<TogetherFileDeleted> =>
        call(options, (init) => raw.DELETE('/files/{id}', { params: byId(fileId), ...init })),
    },
  };
}

/** The Together client's type. */
export type TogetherClient = ReturnType<typeof createTogetherClient>;
