/**
 * How a wait ends other than in success: the job failed or was cancelled, a model could not be made, or the caller's
 * signal or deadline stopped the wait (the job keeps running; `state` resumes it).
 */
import { APIUserAbortError, TunekitError } from '../core/errors.js';
import type { WaitState } from './types.js';

/** The caller's `signal` stopped a `wait` (or `train`): the job keeps running; `state` resumes the wait. */
export class WaitAbortedError extends APIUserAbortError {
  override name = 'WaitAbortedError';
  constructor(
    message: string,
    readonly provider: string,
    readonly jobId: string,
    /** Where the wait had got (a job's: pass it as `resume`); `undefined` for a model's wait. */
    readonly state: WaitState | undefined,
  ) {
    super(message);
  }
}

/**
 * The job ended in failure. `code` and `providerMessage` are the provider's own words (`invalid_training_file`, …);
 * `job` is the job as the provider last returned it.
 */
export class JobFailedError extends TunekitError {
  override name = 'JobFailedError';
  constructor(
    message: string,
    readonly provider: string,
    readonly jobId: string,
    /** The provider's error code, when it gives one. */
    readonly code: string | undefined,
    /** The provider's error message. */
    readonly providerMessage: string,
    readonly job: unknown,
  ) {
    super(message);
  }
}

/** The job was cancelled (by you, or by the provider). `job` is the job as the provider last returned it. */
export class JobCancelledError extends TunekitError {
  override name = 'JobCancelledError';
  constructor(
    message: string,
    readonly provider: string,
    readonly jobId: string,
    readonly job: unknown,
  ) {
    super(message);
  }
}

/**
 * `wait`'s `timeoutMs` passed and the job has not finished: it is still running (nothing was cancelled).
 * `state` resumes the wait later without repeating an event.
 */
export class WaitTimeoutError extends TunekitError {
  override name = 'WaitTimeoutError';
  constructor(
    message: string,
    readonly provider: string,
    readonly jobId: string,
    /** The job's last neutral status (`running`, `queued`, …). */
    readonly status: string,
    /** Where the wait had got (a job's: pass it as `resume`); `undefined` for a model's wait. */
    readonly state: WaitState | undefined,
  ) {
    super(message);
  }
}

/** A model being made from a job's checkpoint ended in `error` (or was deleted) instead of becoming active. */
export class ModelDeploymentError extends TunekitError {
  override name = 'ModelDeploymentError';
  constructor(
    message: string,
    readonly provider: string,
    readonly model: string,
    /** The model's last status (`error`, `deleted`). */
    readonly status: string,
    /** The provider's reason, when it gives one. */
    readonly reason: string | undefined,
  ) {
    super(message);
  }
}
