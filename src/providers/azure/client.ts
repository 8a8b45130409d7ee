import type { Middleware } from 'openapi-fetch';
import type { components, operations, paths } from '../../../generated/azure.js';
import { rules } from '../../../generated/azure.rules.js';
import { createCore, type ClientOptions } from '../../core/client.js';
import { TunekitError, ValidationError } from '../../core/errors.js';
import type { RequestOptions } from '../../core/exchange.js';
import type { CreateKey } from '../../core/idempotency.js';
import { afterLastId, wholeList, type PageList } from '../../core/pagination.js';
import type { UploadOptions, Uploadable } from '../../core/upload.js';
import type { WaitOptions } from '../../poller/types.js';
import { facts } from './facts.js';

type Schemas = components['schemas'];
/** A fine-tuning job as Azure OpenAI returns it. */
export type AzureJob = Schemas['FineTuningJob'];
/** The status of an Azure OpenAI job, as its API spells it (no `paused` in its document). */
export type AzureJobStatus = AzureJob['status'];
/** The body of `jobs.create`: Azure OpenAI's fine-tuning request (OpenAI's, with Azure's reinforcement grader). */
export type AzureJobCreateParams = Schemas['CreateFineTuningJobRequest'];
/** One event of a job, as `jobs.events` yields it. */
export type AzureJobEvent = Schemas['FineTuningJobEvent'];
/** One checkpoint of a job, as `jobs.checkpoints` yields it. */
export type AzureCheckpoint = Schemas['FineTuningJobCheckpoint'];
/** An uploaded file, with its processing `status` (`pending`, `running`, `processed`, `error`, …). */
export type AzureFile = Schemas['AzureOpenAIFile'];
/** The answer of `files.delete`. */
export type AzureFileDeleted = Schemas['DeleteFileResponse'];
/** What a file is for (`fine-tune`, `evals`, …), as `files.upload` takes it. */
export type AzureFilePurpose = Schemas['AzureCreateFileRequestMultiPart']['purpose'];
/** The body of `jobs.copyCheckpoint`: where the checkpoint goes. */
export type AzureCheckpointCopyParams = Schemas['CopyModelRequest'];
/** The answer of `jobs.copyCheckpoint` and `jobs.checkpointCopy`: the copy and its status per destination. */
export type AzureCheckpointCopy = Schemas['CopyModelResponse'];
/** The query of `jobs.list` (`limit`, `after`). */
export type AzureJobListParams = Omit<NonNullable<operations['listPaginatedFineTuningJobs']['parameters']['query']>, 'api-version'>;
/** The query of `jobs.events`. */
export type AzureEventListParams = Omit<NonNullable<operations['listFineTuningEvents']['parameters']['query']>, 'api-version'>;
/** The query of `jobs.checkpoints`. */
export type AzureCheckpointListParams = Omit<NonNullable<operations['listFineTuningJobCheckpoints']['parameters']['query']>, 'api-version'>;
/** The query of `files.list` (`purpose`; the list is not paginated). */
export type AzureFileListParams = Omit<NonNullable<operations['listFiles']['parameters']['query']>, 'api-version'>;
/** The API version a client asks for: `v1` (the server's default) or `preview`. */
export type AzureApiVersion = Schemas['AzureAIFoundryModelsApiVersion'];

/** Options of `files.upload` on Azure OpenAI: the purpose and when the file expires, besides the shared upload options. */
export interface AzureUploadOptions extends UploadOptions {
  /** Default `fine-tune`. */
  purpose?: AzureFilePurpose;
  /** Seconds after its creation that the file is deleted (Azure requires `expires_after`); default 2,592,000 (30 days). */
  expiresAfterSeconds?: number;
}

/** Options of `createAzureOpenAIClient`: where the resource is, how to authenticate, and the API version. */
export interface AzureOpenAIClientOptions extends Omit<ClientOptions, 'apiKey'> {
  /** The resource's endpoint, `https://<resource>.openai.azure.com` (`/openai/v1` is added); defaults to `AZURE_OPENAI_ENDPOINT`. */
  endpoint?: string;
  /** The resource's name: the endpoint is `https://<resource>.openai.azure.com`. */
  resource?: string;
  /** Sent as the `api-key` header; defaults to `AZURE_OPENAI_API_KEY`. Not with `token`. */
  apiKey?: string;
  /** A Microsoft Entra ID token, asked for before every request and sent as `Authorization: Bearer …`. Not with `apiKey`. */
  token?: () => Promise<string>;
  /** Sent as the `api-version` query parameter when given (the server's default is `v1`). */
  apiVersion?: AzureApiVersion;
}

const azureProvider = { ...facts, rules };

/** The metadata entry that carries tunekit's create key (16 entries per job, as OpenAI's). */
const CREATE_KEY = 'tunekit_create_key';
const MAX_METADATA = 16;
/** Thirty days, the longest expiry OpenAI documents for `expires_after`. */
const DEFAULT_EXPIRY_SECONDS = 30 * 24 * 3600;
/** Microsoft's environment variable for the resource endpoint. */
const ENDPOINT_ENV = 'AZURE_OPENAI_ENDPOINT';
/** In token mode the core holds no key: this word stands in for one (under 8 characters, so it is never redacted). */
const TOKEN_MODE = 'entra';

/** The environment where there is one (not in a browser). */
const env = (): Partial<Record<string, string>> => (typeof process === 'undefined' ? {} : process.env);

function bad(field: string, value: unknown, rule: string): ValidationError {
  return ValidationError.of('azure', { field, rule, value, message: `${field} = ${JSON.stringify(value)} ${rule}` });
}

/** `https://x.openai.azure.com` (or one already ending in `/openai/v1`) as the API's base URL. */
function fromEndpoint(field: string, endpoint: string): string {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw bad(field, endpoint, 'is not an absolute http(s) URL (https://<resource>.openai.azure.com)');
  const base = endpoint.replace(/\/+$/, '');
  return /\/openai\/v1$/.test(base) ? base : `${base}/openai/v1`;
}

/** The base URL from the options, else the environment; `undefined` lets the core read AZURE_OPENAI_BASE_URL. */
function baseUrlOf(options: AzureOpenAIClientOptions): string | undefined {
  const { baseUrl, endpoint, resource } = options;
  const given = [baseUrl, endpoint, resource].filter((value) => value !== undefined).length;
  if (given > 1) throw bad('endpoint', endpoint ?? resource, 'give one of baseUrl, endpoint and resource');
  if (baseUrl !== undefined) return baseUrl;
  if (endpoint !== undefined) return fromEndpoint('endpoint', endpoint);
  if (resource !== undefined) {
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/i.test(resource))
      throw bad('resource', resource, 'must be an Azure resource name (letters, digits, hyphens)');
    return facts.defaultBaseUrl.replace('{resource}', resource);
  }
  const { [facts.env.baseUrl]: base, [ENDPOINT_ENV]: endpointEnv } = env();
  if (base) return undefined;
  if (endpointEnv) return fromEndpoint(ENDPOINT_ENV, endpointEnv);
  throw new TunekitError(`azure: no endpoint. Pass { endpoint } or { resource }, or set ${ENDPOINT_ENV}.`);
}

/**
 * Azure's authentication in place of the core's `Authorization: Bearer <key>`: the key moved to `api-key`, or an
 * Entra ID token asked for per request; and the `api-version` query parameter when one is chosen.
 */
function azureRequest(
  token: (() => Promise<string>) | undefined,
  apiVersion: AzureApiVersion | undefined,
  secret: (value: string) => void,
): Middleware {
  return {
    async onRequest({ request }) {
      const key = request.headers.get('Authorization')?.slice('Bearer '.length);
      request.headers.delete('Authorization');
      if (token) {
        const value = await token();
        if (typeof value !== 'string' || value === '') throw new TunekitError('azure: token() returned no Entra ID token');
        secret(value);
        request.headers.set('Authorization', `Bearer ${value}`);
      } else if (key) {
        request.headers.set('api-key', key);
      }
      if (apiVersion === undefined) return request;
      const url = new URL(request.url);
      url.searchParams.set('api-version', apiVersion);
      return new Request(url, request);
    },
  };
}

/**
 * A client for Azure OpenAI fine-tuning (the v1 data-plane API). Methods throw typed errors (`NotFoundError`, …,
 * with the `apim-request-id` as `requestId`); `raw` is the typed openapi-fetch client for anything else.
 *
 * @example
 * ```ts
 * import { createAzureOpenAIClient } from 'tunekit/azure';
 * const azure = createAzureOpenAIClient({ resource: 'my-resource' }); // AZURE_OPENAI_API_KEY from the environment
 * const file = await azure.files.upload('./train.jsonl');
 * const job = await azure.jobs.create({ model: 'gpt-4.1-mini-2025-04-14', training_file: file.id });
 * ```
 */
export function createAzureOpenAIClient(options: AzureOpenAIClientOptions = {}) {
  const { endpoint: _endpoint, resource: _resource, token, apiVersion, ...rest } = options;
  if (token !== undefined && options.apiKey !== undefined) throw bad('token', '[function]', 'give apiKey or token, not both');
  if (apiVersion !== undefined && apiVersion !== 'v1' && apiVersion !== 'preview')
    throw bad('apiVersion', apiVersion, 'must be v1 or preview');
  // The core reads the key (option, else AZURE_OPENAI_API_KEY), refuses a missing one, and redacts it everywhere.
  const {
    raw,
    call,
    create,
    list,
    stream,
    upload: sendFile,
    secret,
  } = createCore<paths>(azureProvider, { ...rest, apiKey: token ? TOKEN_MODE : options.apiKey, baseUrl: baseUrlOf(options) });
  raw.use(azureRequest(token, apiVersion, secret));

  // A create carries a tunekit key in `metadata`; a lost answer is looked up by it among the newest jobs.
  // Azure's job always shows `metadata` (required, null when none): null says nothing either way.
  const createKey: CreateKey<AzureJobCreateParams, AzureJob, Schemas['ListPaginatedFineTuningJobsResponse']> = {
    mark: (body, mark) =>
      Object.keys(body.metadata ?? {}).length < MAX_METADATA ? { ...body, metadata: { ...body.metadata, [CREATE_KEY]: mark } } : undefined,
    found: (job, mark) => (job.metadata ? job.metadata[CREATE_KEY] === mark : undefined),
    recent: (after, init) => raw.GET('/fine_tuning/jobs', { params: { query: { after, limit: 50 } }, ...init }),
    rule: afterLastId<AzureJob>(),
  };
  const jobPath = (jobId: string) => ({ path: { fine_tuning_job_id: jobId } });
  const filePath = (fileId: string) => ({ path: { file_id: fileId } });
  const removeFile = (fileId: string, opts: RequestOptions) =>
    call(opts, (init) => raw.DELETE('/files/{file_id}', { params: filePath(fileId), ...init }));
  const copyPath = '/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints/{fine_tuning_checkpoint_id}/copy';
  const copyParams = (jobId: string, checkpointId: string) => ({
    path: { fine_tuning_job_id: jobId, fine_tuning_checkpoint_id: checkpointId },
    header: { 'aoai-copy-ft-checkpoints': 'preview' as const, accept: 'application/json' as const },
  });

  const jobs = {
    /**
     * Start a fine-tuning job. Never creates two: the job's `metadata` gets a `tunekit_create_key` entry, and when
     * an answer is lost tunekit looks for the job carrying it before sending the create again (a body that
     * already has 16 metadata entries has no room for it, and is not sent again).
     * @example
     * const job = await azure.jobs.create({ model: 'gpt-4.1-mini-2025-04-14', training_file: 'file-abc123', suffix: 'support-bot' });
     */
    create: (body: AzureJobCreateParams, options?: RequestOptions): Promise<AzureJob> =>
      create(options, createKey, body, (body, init) => raw.POST('/fine_tuning/jobs', { body, ...init })),
    /**
     * One job by id.
     * @example
     * const { status, fine_tuned_model } = await azure.jobs.retrieve('ftjob-abc123');
     */
    retrieve: (jobId: string, options?: RequestOptions): Promise<AzureJob> =>
      call(options, (init) => raw.GET('/fine_tuning/jobs/{fine_tuning_job_id}', { params: jobPath(jobId), ...init })),
    /**
     * Jobs, newest first: `await` for the first page, `for await` for all (cursor `after` = the last job's id).
     * @example
     * for await (const job of azure.jobs.list({ limit: 20 })) console.log(job.id, job.status);
     */
    list: (query: AzureJobListParams = {}, options?: RequestOptions): PageList<AzureJob> =>
      list(options, afterLastId<AzureJob>(), (after, init) =>
        raw.GET('/fine_tuning/jobs', { params: { query: { ...query, after: after ?? query.after } }, ...init }),
      ),
    /**
     * Cancel a job that has not finished.
     * @example
     * const { status } = await azure.jobs.cancel('ftjob-abc123'); // 'cancelled'
     */
    cancel: (jobId: string, options?: RequestOptions): Promise<AzureJob> =>
      call(options, (init) => raw.POST('/fine_tuning/jobs/{fine_tuning_job_id}/cancel', { params: jobPath(jobId), ...init })),
    /**
     * Pause a running job.
     * @example
     * await azure.jobs.pause('ftjob-abc123');
     */
    pause: (jobId: string, options?: RequestOptions): Promise<AzureJob> =>
      call(options, (init) => raw.POST('/fine_tuning/jobs/{fine_tuning_job_id}/pause', { params: jobPath(jobId), ...init })),
    /**
     * Resume a paused job.
     * @example
     * await azure.jobs.resume('ftjob-abc123');
     */
    resume: (jobId: string, options?: RequestOptions): Promise<AzureJob> =>
      call(options, (init) => raw.POST('/fine_tuning/jobs/{fine_tuning_job_id}/resume', { params: jobPath(jobId), ...init })),
    /**
     * A job's status updates and metrics, paginated.
     * @example
     * for await (const event of azure.jobs.events('ftjob-abc123')) console.log(event.level, event.message);
     */
    events: (jobId: string, query: AzureEventListParams = {}, options?: RequestOptions): PageList<AzureJobEvent> =>
      list(options, afterLastId<AzureJobEvent>(), (after, init) =>
        raw.GET('/fine_tuning/jobs/{fine_tuning_job_id}/events', {
          params: { ...jobPath(jobId), query: { ...query, after: after ?? query.after } },
          ...init,
        }),
      ),
    /**
     * A job's checkpoints, paginated.
     * @example
     * const { items } = await azure.jobs.checkpoints('ftjob-abc123', { limit: 3 });
     */
    checkpoints: (jobId: string, query: AzureCheckpointListParams = {}, options?: RequestOptions): PageList<AzureCheckpoint> =>
      list(options, afterLastId<AzureCheckpoint>(), (after, init) =>
        raw.GET('/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints', {
          params: { ...jobPath(jobId), query: { ...query, after: after ?? query.after } },
          ...init,
        }),
      ),
    /**
     * Copy a checkpoint to another Azure OpenAI resource and region (a preview API: the client sends
     * `aoai-copy-ft-checkpoints: preview`). `jobs.checkpointCopy` follows the copy.
     * @example
     * const copy = await azure.jobs.copyCheckpoint('ftjob-abc123', 'ftckpt-xyz789', {
     *   destinationResourceId: '/subscriptions/…/resourceGroups/…/providers/Microsoft.CognitiveServices/accounts/other',
     *   region: 'swedencentral',
     * });
     */
    copyCheckpoint: (
      jobId: string,
      checkpointId: string,
      body: AzureCheckpointCopyParams,
      options?: RequestOptions,
    ): Promise<AzureCheckpointCopy> =>
      call(options, (init) => raw.POST(copyPath, { params: copyParams(jobId, checkpointId), body, ...init }), false),
    /**
     * The status of a checkpoint's copies (`InProgress`, `Completed`, `Failed` per destination).
     * @example
     * const { copiedAccountDetails } = await azure.jobs.checkpointCopy('ftjob-abc123', 'ftckpt-xyz789');
     */
    checkpointCopy: (jobId: string, checkpointId: string, options?: RequestOptions): Promise<AzureCheckpointCopy> =>
      call(options, (init) => raw.GET(copyPath, { params: copyParams(jobId, checkpointId), ...init })),
  };

  return {
    raw,
    jobs: {
      ...jobs,
      /**
       * Wait until the job finishes, polling with backoff (5 s growing to 60 s) and riding out transient errors.
       * Resolves with the job when it succeeds; throws `JobFailedError` (with the provider's code and message) or
       * `JobCancelledError`. `signal` and `timeoutMs` stop the wait, never the job. The fine-tuned model it names
       * is callable once deployed (a deployment is made through Azure's management API).
       * @example
       * const done = await azure.jobs.wait('ftjob-abc123', { onProgress: (p) => console.log(p.status, p.step, p.trainingLoss) });
       */
      wait: async (jobId: string, options?: WaitOptions<AzureJob, AzureJobEvent>, requestOptions?: RequestOptions): Promise<AzureJob> => {
        const [{ waitForJob }, { azureWait }] = await Promise.all([import('../../poller/job-wait.js'), import('./wait.js')]);
        return waitForJob(azureWait(jobs), jobId, options, requestOptions);
      },
    },
    files: {
      /**
       * Upload a dataset: a path (streamed from disk), a `Blob`/`File`, or a stream; purpose `fine-tune` by default,
       * deleted by Azure after `expiresAfterSeconds` (30 days by default). Azure has no Uploads API: one request.
       * The file is then processed (`pending` → `processed`); a job can use it once it is `processed`.
       * @example
       * const file = await azure.files.upload('./train.jsonl', { expiresAfterSeconds: 14 * 24 * 3600 });
       */
      upload: async (file: Uploadable, upload: AzureUploadOptions = {}, options?: RequestOptions): Promise<AzureFile> => {
        const seconds = upload.expiresAfterSeconds ?? DEFAULT_EXPIRY_SECONDS;
        if (!Number.isInteger(seconds) || seconds <= 0 || seconds > 2 ** 31 - 1) {
          throw bad('expiresAfterSeconds', seconds, 'must be a whole number of seconds above 0 (an int32)');
        }
        const { prepareUpload, sendUpload, multipartBody, multipartInit, FILE_PART } = await import('../../core/upload.js');
        const source = await prepareUpload(file, upload, 'azure', 'azure POST /files');
        const purpose = upload.purpose ?? 'fine-tune';
        const fields = { purpose, 'expires_after[anchor]': 'created_at', 'expires_after[seconds]': String(seconds) };
        const body = { purpose, expires_after: { anchor: 'created_at' as const, seconds }, file: FILE_PART };
        return sendUpload(sendFile, options, source, 'azure POST /files', removeFile, async (init, track) =>
          raw.POST('/files', {
            body,
            ...multipartInit(await multipartBody(fields, 'file', source, { onProgress: upload.onProgress, track }), init),
          }),
        );
      },
      /**
       * Uploaded files. Azure's list takes no cursor: one page holds them all.
       * @example
       * for await (const file of azure.files.list({ purpose: 'fine-tune' })) console.log(file.id, file.status);
       */
      list: (query: AzureFileListParams = {}, options?: RequestOptions): PageList<AzureFile> =>
        list(
          options,
          wholeList((body: Schemas['AzureListFilesResponse']) => body.data),
          (_after, init) => raw.GET('/files', { params: { query }, ...init }),
        ),
      /**
       * A file's metadata and processing status.
       * @example
       * const { status, bytes } = await azure.files.retrieve('file-abc123');
       */
      retrieve: (fileId: string, options?: RequestOptions): Promise<AzureFile> =>
        call(options, (init) => raw.GET('/files/{file_id}', { params: filePath(fileId), ...init })),
      /**
       * A file's bytes, as a streamed `Response`.
       * @example
       * const text = await (await azure.files.content('file-abc123')).text();
       */
      content: (fileId: string, options?: RequestOptions): Promise<Response> =>
        stream(options, (init) => raw.GET('/files/{file_id}/content', { params: filePath(fileId), parseAs: 'stream', ...init })),
      /**
       * Delete a file.
       * @example
       * const { deleted } = await azure.files.delete('file-abc123');
       */
      delete: (fileId: string, options?: RequestOptions): Promise<AzureFileDeleted> =>
        call(options, (init) => raw.DELETE('/files/{file_id}', { params: filePath(fileId), ...init })),
    },
  };
}

/** The Azure OpenAI client's type. */
export type AzureOpenAIClient = ReturnType<typeof createAzureOpenAIClient>;
