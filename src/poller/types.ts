import type { RequestOptions } from '../core/exchange.js';
import type { JobStatus } from '../core/provider.js';
import type { ProviderName } from '../providers/registry/providers.js';

/** One event of a job, the same shape for every provider. */
export interface JobEvent<Raw = unknown> {
  /** The provider's id, or for a provider without event ids a fingerprint of the event. */
  id: string;
  at: Date;
  level: 'info' | 'warn' | 'error';
  message: string;
  /** The provider's event type (`metrics`, `checkpoint_save`, …), when it gives one. */
  type: string | undefined;
  /** Training step (and the steps in all), and losses, for events that carry them. */
  step: number | undefined;
  totalSteps: number | undefined;
  trainingLoss: number | undefined;
  validationLoss: number | undefined;
  raw: Raw;
}

/** Why a job failed, in the provider's own words. */
export interface JobFailure {
  code: string | undefined;
  message: string;
}

/** How far a job has got, from whatever the provider exposes; a field it does not expose is `undefined`. */
export interface JobProgressFields {
  step: number | undefined;
  totalSteps: number | undefined;
  epoch: number | undefined;
  totalEpochs: number | undefined;
  /** When the provider expects the job to finish. */
  estimatedFinish: Date | undefined;
  /** Tokens trained on so far (Nebius, OpenAI). */
  trainedTokens: number | undefined;
}

/**
 * Where a `wait` has got, as plain JSON: pass it back as `resume` to a later `wait` (another process, after a
 * restart) and it delivers the events after these, none missed and none repeated.
 */
export interface WaitState {
  v: 1;
  provider: ProviderName;
  jobId: string;
  /** The newest event delivered: its time (ms since the epoch) and the ids delivered at that time. */
  eventsUpTo: { at: number; ids: string[] } | undefined;
}

/** What `wait` reports through `onProgress`, only when something changed. */
export interface WaitProgress<Job = unknown, Raw = unknown> extends JobProgressFields {
  provider: ProviderName;
  jobId: string;
  status: JobStatus;
  /** The provider's own status (`validating_files`, `compressing`, …). */
  providerStatus: string;
  /** The latest training and validation loss seen (events or metrics). */
  trainingLoss: number | undefined;
  validationLoss: number | undefined;
  /** Events that appeared since the last call, oldest first, each delivered once. */
  events: JobEvent<Raw>[];
  /** Milliseconds since this `wait` began. */
  elapsedMs: number;
  /** The job as the provider last returned it. */
  job: Job;
  /** Serializable: pass as `resume` to continue in another `wait`. */
  state: WaitState;
}

/** Time for `wait`: real by default; a sandbox's clock makes a whole wait run in simulated time. */
export interface WaitClock {
  /** The current time, in milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Options of `jobs.wait`. */
export interface WaitOptions<Job = unknown, Raw = unknown> {
  /** Called when the status, step, epoch, ETA, a loss, or the events changed. */
  onProgress?: ((progress: WaitProgress<Job, Raw>) => void) | undefined;
  /** Stops the wait at once (also during a sleep), never the job. */
  signal?: AbortSignal | undefined;
  /** Bound on the whole wait; past it a `WaitTimeoutError` says the job is still running. */
  timeoutMs?: number | undefined;
  /** First interval between polls (default 5 000 ms); it grows ×1.5 per poll up to `maxPollIntervalMs`, and starts again when the status changes. */
  pollIntervalMs?: number | undefined;
  /** Longest interval between polls (default 60 000 ms). */
  maxPollIntervalMs?: number | undefined;
  /** Consecutive failed polls (connection errors, 5xx, 429) to ride out before giving up (default 10); any success resets it. */
  maxPollErrors?: number | undefined;
  /** Continue from an earlier wait's `progress.state`: its events are not delivered again. */
  resume?: WaitState | undefined;
  /** Time source (default: real time). */
  clock?: WaitClock | undefined;
}

/** The provider-specific part of waiting, one small module per provider (`src/workflow/providers/`). */
export interface WaitAdapter<Job, Raw> {
  provider: ProviderName;
  retrieve(jobId: string, options: RequestOptions): Promise<Job>;
  /** The provider's status string. */
  providerStatus(job: Job): string;
  /** Its neutral status; `undefined` for a status this table does not know (treated as not final). */
  status(job: Job): JobStatus | undefined;
  progress(job: Job): JobProgressFields;
  /** The provider's own error code and message for a failed job, when the job carries them. */
  failure(job: Job): JobFailure | undefined;
  /** Every event of the job the provider has, in pages, in whichever order the provider lists them. */
  events(jobId: string, options: RequestOptions): AsyncIterable<JobEvent<Raw>>;
  /** Loss points from a separate metrics endpoint (Together), oldest first. */
  metrics?(
    jobId: string,
    options: RequestOptions,
  ): Promise<{ step: number | undefined; trainingLoss: number | undefined; validationLoss: number | undefined }[]>;
}
