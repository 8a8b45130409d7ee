import type { RequestOptions } from '../core/exchange.js';
import type { DatasetReport } from '../core/dataset-report.js';
import type { PageList } from '../core/pagination.js';
import type { Uploadable, UploadOptions } from '../core/upload.js';
import type { tunings } from '../providers/registry/tunings.js';
import type { TuningTypesOf } from './tuning.js';
import type { JobRequest, NeutralCheckpoint, NeutralFile, NeutralJobBase } from './neutral.js';
import type { JobEvent, WaitOptions, WaitProgress } from '../poller/types.js';
import type { CostEstimate, EstimateOptions } from './estimate.js';
import type { ProviderName } from '../providers/registry/providers.js';

/** Each provider's own types (its client, client options, job, create request, file, checkpoint and event), by name. */
export type ProviderTypes = { [P in ProviderName]: TuningTypesOf<(typeof tunings)[P]> };

/**
 * A job of provider `P` in the neutral vocabulary; `raw` is the provider's own object (Together's create/list/cancel give
 * its truncated form). For a union of providers it is the union of their jobs, narrowed by `provider`.
 */
export type JobOf<P extends ProviderName> = {
  [K in P]: NeutralJobBase & { provider: K; raw: ProviderTypes[K]['job'] | ProviderTypes[K]['jobSummary'] };
}[P];

/** A job of any provider: narrow it by `provider` to reach `raw` with its own type. */
export type Job = JobOf<ProviderName>;

/** Fields of `P`'s own create request, for what the neutral options do not cover. */
export type ProviderOptionsOf<P extends ProviderName> = Partial<Omit<ProviderTypes[P]['createParams'], 'model' | 'training_file'>>;

/** Options of `createTuner`: the provider, and that provider's client options. */
export type TunerOptions<P extends ProviderName> = { provider: P } & ProviderTypes[P]['clientOptions'];

/** The provider-neutral API over one provider's client: see `createTuner`. */
export interface Tuner<P extends ProviderName> {
  provider: P;
  /** The provider's own client, for everything else. */
  client: ProviderTypes[P]['client'];
  jobs: {
    /** Create a job from neutral options (each mapped to the provider's request, or refused with a `ValidationError`). */
    create(request: JobRequest<ProviderOptionsOf<P>>, options?: RequestOptions): Promise<JobOf<P>>;
    /** One job, neutral. */
    retrieve(jobId: string, options?: RequestOptions): Promise<JobOf<P>>;
    /** Every job, page by page, neutral. */
    list(options?: RequestOptions): PageList<JobOf<P>>;
    /** Cancel a job; resolves with the job as the provider answered. */
    cancel(jobId: string, options?: RequestOptions): Promise<JobOf<P>>;
    /** A job's events, oldest first, neutral. */
    events(jobId: string, options?: RequestOptions): PageList<JobEvent<ProviderTypes[P]['event']>>;
    /** A job's checkpoints, neutral. */
    checkpoints(jobId: string, options?: RequestOptions): PageList<NeutralCheckpoint<ProviderTypes[P]['checkpoint']>>;
    /** `jobs.wait` of the provider's client, resolving with the neutral job. */
    wait(
      jobId: string,
      options?: WaitOptions<ProviderTypes[P]['job'], ProviderTypes[P]['event']>,
      requestOptions?: RequestOptions,
    ): Promise<JobOf<P>>;
  };
  files: {
    /** Upload a training or validation file: a path, a Blob or a stream. */
    upload(file: Uploadable, options?: UploadOptions, requestOptions?: RequestOptions): Promise<NeutralFile<ProviderTypes[P]['file']>>;
    /** Every file, neutral. */
    list(options?: RequestOptions): PageList<NeutralFile<ProviderTypes[P]['file']>>;
    /** One file, neutral. */
    retrieve(fileId: string, options?: RequestOptions): Promise<NeutralFile<ProviderTypes[P]['file']>>;
    /** Delete a file. */
    delete(fileId: string, options?: RequestOptions): Promise<void>;
  };
  /**
   * The whole workflow: (check →) upload → file processed → create (once) → wait (→ deploy) → `{ job, model, checkpoints }`.
   * Aborting stops watching, never the job.
   */
  train(request: TrainRequest<P>, options?: TrainOptions<P>): Promise<TrainResult<P>>;
  /**
   * What the job `train(request)` would start trains on and costs, before anything is uploaded or created: the trained
   * tokens of local files (the dataset checker: exact for OpenAI models, a labelled estimate elsewhere, times the
   * epochs), the provider's price where it answers one for uploaded files (Together, with `allowedToProceed`), else a
   * price at your `pricePerMillionTokens`. A file given by id has unknown tokens unless the provider counts them.
   */
  estimate(request: TrainRequest<P>, options?: EstimateOptions): Promise<CostEstimate<P>>;
}

/** What `train` takes: a job request whose files may also be local paths, Blobs or streams (uploaded first). */
export interface TrainRequest<P extends ProviderName> extends Omit<JobRequest<ProviderOptionsOf<P>>, 'trainingFile' | 'validationFile'> {
  /** A file id, or what to upload: a path (a string with a `/` or a data-file extension), a Blob or a stream. */
  trainingFile: Uploadable;
  validationFile?: Uploadable | undefined;
}

/** Options of `train`. */
export interface TrainOptions<P extends ProviderName> {
  /** One callback for every stage: `check`, `upload`, `processing`, `estimate`, `create`, `wait`, `deploy`, `done`. */
  onProgress?: ((progress: TrainProgress<P>) => void) | undefined;
  /** Stops watching (the job, once created, keeps running; the error says how to resume). */
  signal?: AbortSignal | undefined;
  /** Check each local dataset with `tunekit/dataset` before uploading it; a failed check uploads nothing. */
  check?: boolean | undefined;
  /**
   * Make the result callable where a finished job is not (Nebius: a custom model from the final checkpoint, or with
   * `checkpoint: 'best'` the one with the lowest validation loss). Ignored where the job names its model itself.
   */
  deploy?: boolean | { checkpoint?: 'final' | 'best'; name?: string } | undefined;
  /** Polling of the job (and of the file processing and the deployment). */
  wait?: Pick<WaitOptions, 'pollIntervalMs' | 'maxPollIntervalMs' | 'maxPollErrors' | 'timeoutMs' | 'clock'> | undefined;
  /** Per-request options for every call `train` makes. */
  requestOptions?: RequestOptions | undefined;
  /**
   * The `estimate` stage, once the files are uploaded and before the job is created: the trained tokens (from the
   * `check` reports) and the price (the provider's, else at `pricePerMillionTokens`). `false` skips it.
   */
  estimate?: false | Pick<EstimateOptions, 'pricePerMillionTokens'> | undefined;
  /**
   * Asked with the estimate before the job is created: `false` stops `train` (an `APIUserAbortError`), deleting the
   * files it uploaded, so nothing is left behind.
   */
  confirm?: ((estimate: CostEstimate<P>) => boolean | Promise<boolean>) | undefined;
}

/** What `train` reports, stage by stage. */
export type TrainProgress<P extends ProviderName> =
  | { stage: 'check'; file: 'training' | 'validation'; report: DatasetReport }
  /** Byte progress; the last report of a file, once the provider has it, carries its `fileId`. */
  | { stage: 'upload'; file: 'training' | 'validation'; loaded: number; total: number | undefined; fileId?: string }
  | { stage: 'processing'; file: 'training' | 'validation'; fileId: string; status: string }
  /** What the job will train on and cost, before it is created (see `TrainOptions.estimate`). */
  | { stage: 'estimate'; estimate: CostEstimate<P> }
  | { stage: 'create'; jobId: string; job: JobOf<P> }
  | { stage: 'wait'; progress: WaitProgress<ProviderTypes[P]['job'], ProviderTypes[P]['event']> }
  | { stage: 'deploy'; model: string; status: string }
  | { stage: 'done'; job: JobOf<P>; model: string | undefined };

/** What `train` ends with. */
export interface TrainResult<P extends ProviderName> {
  job: JobOf<P>;
  /** The name to call: the job's fine-tuned model, or (Nebius with `deploy`) the custom model made from a checkpoint. */
  model: string | undefined;
  checkpoints: NeutralCheckpoint<ProviderTypes[P]['checkpoint']>[];
  /** The ids of the files the job trained on (uploaded by `train` when you gave paths). */
  trainingFile: string;
  validationFile: string | undefined;
}
