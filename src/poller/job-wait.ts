import {
  APIConnectionError,
  APIUserAbortError,
  InternalServerError,
  JobCancelledError,
  JobFailedError,
  RateLimitError,
  TunekitError,
  WaitAbortedError,
  WaitTimeoutError,
} from '../core/errors.js';
import type { RequestOptions } from '../core/exchange.js';
import { retryAfterMs } from '../core/retry.js';
import { sleep } from '../core/sleep.js';
import { type JobEvent, type WaitAdapter, type WaitClock, type WaitOptions, type WaitProgress, type WaitState } from './types.js';
import { FINAL_STATUSES, type JobStatus } from '../core/provider.js';

/** Real time: `Date.now` and an abortable `setTimeout`. */
export const realClock: WaitClock = { now: () => Date.now(), sleep };

/** The polling policy's defaults (see `WaitOptions`). */
export const WAIT_DEFAULTS = { pollIntervalMs: 5_000, maxPollIntervalMs: 60_000, growth: 1.5, jitter: 0.2, maxPollErrors: 10, maxRateLimitWaitMs: 300_000 } as const;

/** `1 h 2 min`, `3 min 5 s`, `12 s`, `250 ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${Math.floor(m / 60)} h`;
}

/** A failed poll worth riding out: no answer, a 5xx, or a 429. */
function transient(error: unknown): boolean {
  return error instanceof APIConnectionError || error instanceof InternalServerError || error instanceof RateLimitError;
}

/** How long a 429 asked to wait (its `retry-after-ms` / `retry-after`), if it said. */
function askedWait(error: unknown): number | undefined {
  return error instanceof RateLimitError ? retryAfterMs(error.headers, Date.now()) : undefined;
}

/** The state to hand back to a later `wait`: validated, so a state of another job or provider is refused. */
function resumeState(resume: WaitState | undefined, provider: WaitState['provider'], jobId: string): WaitState {
  if (resume === undefined) return { v: 1, provider, jobId, eventsUpTo: undefined };
  if (resume.v !== 1 || resume.provider !== provider || resume.jobId !== jobId) {
    throw new TunekitError(`${provider} job ${jobId}: the resume state is of ${resume.provider} job ${resume.jobId}; pass the state of this job's own wait`);
  }
  return { ...resume, eventsUpTo: resume.eventsUpTo && { at: resume.eventsUpTo.at, ids: [...resume.eventsUpTo.ids] } };
}

/** The events after `upTo`, oldest first, each once, and the cursor after them. */
async function eventsAfter<Raw>(
  adapter: WaitAdapter<unknown, Raw>,
  jobId: string,
  upTo: WaitState['eventsUpTo'],
  options: RequestOptions,
): Promise<{ events: JobEvent<Raw>[]; upTo: WaitState['eventsUpTo'] }> {
  const fresh: JobEvent<Raw>[] = [];
  const seen = new Set<string>();
  // OpenAI-style lists come newest first: once one is seen going back in time, an event older than the cursor
  // means the rest is older still, and reading stops (one page per poll). An oldest-first list is read whole.
  let newestFirst = false;
  let previous: number | undefined;
  for await (const event of adapter.events(jobId, options)) {
    const at = event.at.getTime();
    if (previous !== undefined && at < previous) newestFirst = true;
    previous = at;
    if (upTo && at < upTo.at) {
      if (newestFirst) break;
      continue;
    }
    if (seen.has(event.id) || (upTo && at === upTo.at && upTo.ids.includes(event.id))) continue;
    seen.add(event.id);
    fresh.push(event);
  }
  if (newestFirst) fresh.reverse();
  fresh.sort((a, b) => a.at.getTime() - b.at.getTime()); // stable: events of one instant keep the provider's order
  const last = fresh.at(-1);
  if (!last) return { events: fresh, upTo };
  const at = last.at.getTime();
  const ids = fresh.filter((event) => event.at.getTime() === at).map((event) => event.id);
  return { events: fresh, upTo: { at, ids: upTo && upTo.at === at ? [...upTo.ids, ...ids] : ids } };
}

/**
 * Poll a job until it reaches a final status (the provider-neutral engine behind every client's `jobs.wait`).
 * Resolves with the job on success; throws `JobFailedError` / `JobCancelledError` when it fails or is cancelled,
 * `WaitTimeoutError` after `timeoutMs` (the job keeps running), `WaitAbortedError` when `signal` aborts (likewise).
 */
export async function waitForJob<Job, Raw>(
  adapter: WaitAdapter<Job, Raw>,
  jobId: string,
  options: WaitOptions<Job, Raw> = {},
  requestOptions: RequestOptions = {},
): Promise<Job> {
  const { provider } = adapter;
  const clock = options.clock ?? realClock;
  const signal = options.signal ?? requestOptions.signal;
  const started = clock.now();
  const timeoutMs = options.timeoutMs ?? Infinity;
  const firstInterval = options.pollIntervalMs ?? WAIT_DEFAULTS.pollIntervalMs;
  const maxInterval = Math.max(firstInterval, options.maxPollIntervalMs ?? WAIT_DEFAULTS.maxPollIntervalMs);
  const maxErrors = options.maxPollErrors ?? WAIT_DEFAULTS.maxPollErrors;
  const state = resumeState(options.resume, provider, jobId);
  const request: RequestOptions = { ...requestOptions, signal };
  /** What is left of `timeoutMs`: no sleep outlasts the wait. */
  const remaining = (): number => Math.max(0, started + timeoutMs - clock.now());
  const snapshot = (): WaitState => ({ ...state, eventsUpTo: state.eventsUpTo && { at: state.eventsUpTo.at, ids: [...state.eventsUpTo.ids] } });

  let interval = firstInterval;
  let failures = 0;
  let lastKey = '';
  let lastStatus: JobStatus | undefined;
  let trainingLoss: number | undefined;
  let validationLoss: number | undefined;
  let step: number | undefined;
  let totalSteps: number | undefined;
  let lastFailureEvent: string | undefined;

  const aborted = (): WaitAbortedError =>
    new WaitAbortedError(
      `${provider} job ${jobId}: waiting stopped by the caller; the job keeps running (status ${lastStatus ?? 'unknown'}). ` +
        `Resume with jobs.wait('${jobId}', { resume: error.state })`,
      provider, jobId, snapshot(),
    );

  for (;;) {
    if (signal?.aborted) throw aborted();
    let job: Job;
    let events: JobEvent<Raw>[] = [];
    let status: JobStatus;
    try {
      job = await adapter.retrieve(jobId, request);
      status = adapter.status(job) ?? lastStatus ?? 'queued'; // an unknown status is not final: keep the last one known
      // Events (and metrics) are read while the job trains, when its status changes, and at the end: a job waiting in a
      // queue costs one request per poll.
      const reading = status === 'failed' || (options.onProgress !== undefined && (status === 'running' || status !== lastStatus || FINAL_STATUSES.includes(status)));
      if (reading) {
        const read = await eventsAfter(adapter, jobId, state.eventsUpTo, request);
        events = read.events;
        state.eventsUpTo = read.upTo;
        for (const event of events) {
          if (event.step !== undefined) step = event.step;
          if (event.totalSteps !== undefined) totalSteps = event.totalSteps;
          if (event.trainingLoss !== undefined) trainingLoss = event.trainingLoss;
          if (event.validationLoss !== undefined) validationLoss = event.validationLoss;
          if (event.level === 'error') lastFailureEvent = event.message;
        }
        if (adapter.metrics && options.onProgress && (events.length > 0 || status !== lastStatus) && status !== 'queued' && status !== 'validating') {
          const points = await adapter.metrics(jobId, request);
          for (const point of points) {
            if (point.step !== undefined) step = Math.max(step ?? 0, point.step);
            if (point.trainingLoss !== undefined) trainingLoss = point.trainingLoss;
            if (point.validationLoss !== undefined) validationLoss = point.validationLoss;
          }
        }
      }
      failures = 0;
    } catch (error) {
      if (error instanceof APIUserAbortError || signal?.aborted) throw aborted();
      if (!transient(error) || ++failures > maxErrors) throw error;
      const asked = askedWait(error);
      const pause = Math.min(asked === undefined ? interval : Math.min(asked, WAIT_DEFAULTS.maxRateLimitWaitMs), remaining());
      await clock.sleep(pause, signal).catch(() => {
        throw aborted();
      });
      interval = Math.min(interval * WAIT_DEFAULTS.growth, maxInterval);
      if (clock.now() - started >= timeoutMs) throw timedOut();
      continue;
    }

    const fields = adapter.progress(job);
    if (fields.step !== undefined) step = fields.step;
    if (fields.totalSteps !== undefined) totalSteps = fields.totalSteps;
    const progress: WaitProgress<Job, Raw> = {
      provider, jobId, status, providerStatus: adapter.providerStatus(job),
      ...fields, step, totalSteps, trainingLoss, validationLoss, events,
      elapsedMs: clock.now() - started, job, state: snapshot(),
    };
    const key = JSON.stringify([status, progress.providerStatus, step, totalSteps, fields.epoch, fields.totalEpochs, fields.estimatedFinish?.getTime(), trainingLoss, validationLoss]);
    if (options.onProgress && (key !== lastKey || events.length > 0)) options.onProgress(progress);
    lastKey = key;
    const statusChanged = status !== lastStatus;
    lastStatus = status;

    if (status === 'succeeded') return job;
    if (status === 'cancelled') throw new JobCancelledError(`${provider} job ${jobId} was cancelled`, provider, jobId, job);
    if (status === 'failed') {
      const failure = adapter.failure(job) ?? { code: undefined, message: lastFailureEvent ?? `the job ended with status ${progress.providerStatus}` };
      throw new JobFailedError(`${provider} job ${jobId} failed: ${failure.message}${failure.code ? ` (${failure.code})` : ''}`, provider, jobId, failure.code, failure.message, job);
    }
    if (clock.now() - started >= timeoutMs) throw timedOut();
    interval = statusChanged ? firstInterval : Math.min(interval * WAIT_DEFAULTS.growth, maxInterval);
    const jittered = interval * (1 - WAIT_DEFAULTS.jitter + Math.random() * 2 * WAIT_DEFAULTS.jitter);
    await clock.sleep(Math.min(jittered, remaining()), signal).catch(() => {
      throw aborted();
    });
  }

  function timedOut(): WaitTimeoutError {
    const at = step !== undefined ? `, step ${step}${totalSteps ? `/${totalSteps}` : ''}` : '';
    return new WaitTimeoutError(
      `${provider} job ${jobId} is still ${lastStatus ?? 'unknown'}${at} after ${formatDuration(timeoutMs)} of waiting; it keeps running ` +
        `(wait again, or resume with jobs.wait('${jobId}', { resume: error.state }))`,
      provider, jobId, lastStatus ?? 'unknown', snapshot(),
    );
  }
}
