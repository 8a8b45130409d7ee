/** What Nebius and OpenAI share in the neutral API: the same client method shapes and the same checkpoint object. */
import type { RequestOptions } from '../../core/exchange.js';
import type { PageList } from '../../core/pagination.js';
import type { Uploadable, UploadOptions } from '../../core/upload.js';
import type { NeutralCheckpoint } from '../../workflow/neutral.js';
import type { ProviderTuning, TuningTypes } from '../../workflow/tuning.js';
import type { WaitOptions } from '../../poller/types.js';
import type { ProviderName } from '../registry/providers.js';
import { dateOf, numberOr } from '../../core/records.js';

/** A client shaped like OpenAI's (Nebius's too): lists take a query object before the request options. */
interface OpenAIStyleClient<T extends TuningTypes> {
  jobs: {
    create(body: T['createParams'], options?: RequestOptions): Promise<T['job']>;
    retrieve(jobId: string, options?: RequestOptions): Promise<T['job']>;
    list(query: object, options?: RequestOptions): PageList<T['job']>;
    cancel(jobId: string, options?: RequestOptions): Promise<T['job']>;
    events(jobId: string, query: object, options?: RequestOptions): PageList<T['event']>;
    checkpoints(jobId: string, query: object, options?: RequestOptions): PageList<T['checkpoint']>;
    wait(jobId: string, wait?: WaitOptions<T['job'], T['event']>, options?: RequestOptions): Promise<T['job']>;
  };
  files: {
    upload(file: Uploadable, upload?: UploadOptions, options?: RequestOptions): Promise<T['file']>;
    list(query: object, options?: RequestOptions): PageList<T['file']>;
    retrieve(fileId: string, options?: RequestOptions): Promise<T['file']>;
    delete(fileId: string, options?: RequestOptions): Promise<unknown>;
  };
}

/** The neutral API's calls on an OpenAI-shaped client. */
export function openAIStyleCalls<T extends TuningTypes & { client: OpenAIStyleClient<T> }>(): ProviderTuning<ProviderName, T>['calls'] {
  return {
    create: (client, body, options) => client.jobs.create(body, options),
    retrieve: (client, jobId, options) => client.jobs.retrieve(jobId, options),
    list: (client, options) => client.jobs.list({}, options),
    cancel: (client, jobId, options) => client.jobs.cancel(jobId, options),
    events: (client, jobId, options) => client.jobs.events(jobId, {}, options),
    checkpoints: (client, jobId, options) => client.jobs.checkpoints(jobId, {}, options),
    wait: (client, jobId, wait, options) => client.jobs.wait(jobId, wait, options),
    upload: (client, file, upload, options) => client.files.upload(file, upload, options),
    files: (client, options) => client.files.list({}, options),
    file: (client, fileId, options) => client.files.retrieve(fileId, options),
    deleteFile: (client, fileId, options) => client.files.delete(fileId, options),
  };
}

/** An OpenAI-style checkpoint (`fine_tuning.job.checkpoint`), read neutrally. */
interface OpenAIStyleCheckpoint {
  id: string;
  created_at: number;
  fine_tuned_model_checkpoint: string;
  step_number: number;
  metrics: { train_loss?: number | null; valid_loss?: number | null; full_valid_loss?: number | null };
}

export function openAIStyleCheckpoint<P extends ProviderName>(provider: P) {
  return <Raw extends OpenAIStyleCheckpoint>(raw: Raw): NeutralCheckpoint<Raw> => ({
    provider,
    id: raw.id,
    step: raw.step_number,
    createdAt: dateOf(raw.created_at),
    model: raw.fine_tuned_model_checkpoint,
    trainingLoss: numberOr(raw.metrics.train_loss),
    validationLoss: numberOr(raw.metrics.valid_loss) ?? numberOr(raw.metrics.full_valid_loss),
    raw,
  });
}
