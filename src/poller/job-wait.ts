import { TunekitError } from '../core/errors.js';
import type { RequestOptions } from '../core/exchange.js';
import { FINAL_STATUSES, type JobStatus } from '../core/provider.js';
import { formatDuration } from '../core/format.js';
import { JobCancelledError, JobFailedError, WaitAbortedError, WaitTimeoutError } from './errors.js';
import { DEFAULT_POLL_POLICY, poll, realClock, type PollPolicy } from './poll.js';
import type { JobEvent, WaitAdapter, WaitOptions, WaitProgress, WaitState } from './types.js';

/** `jobs.wait`'s options as a poll policy (the defaults where an option is not given). */
function waitPolicy(options: Pick<WaitOptions, 'pollIntervalMs' | 'maxPollIntervalMs' | 'maxPollErrors' | 'timeoutMs'>): PollPolicy {
  const intervalMs = options.pollIntervalMs ?? DEFAULT_POLL_POLICY.intervalMs;
  return {
    ...DEFAULT_POLL_POLICY,
    intervalMs,
    maxIntervalMs: Math.max(intervalMs, options.maxPollIntervalMs ?? DEFAULT_POLL_POLICY.maxIntervalMs),
    maxErrors: options.maxPollErrors ?? DEFAULT_POLL_POLICY.maxErrors,
    timeoutMs: options.timeoutMs ?? Infinity,
  };
}

/** The state to hand back to a later `wait`: validated, so a state of another job or provider is refused. */
function resumeState(resume: WaitState | undefined, provider: WaitState['provider'], jobId: string): WaitState {
  if (resume === undefined) return { v: 1, provider, jobId, eventsUpTo: undefined };
  if (resume.v !== 1 || resume.provider !== provider || resume.jobId !== jobId) {
    throw new TunekitError(
      `${provider} job ${jobId}: the resume state is of ${resume.provider} job ${resume.jobId}; pass the state of this job's own wait`,
    );
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
  const policy = waitPolicy(options);
  const started = clock.now();
  const state = resumeState(options.resume, provider, jobId);
  const request: RequestOptions = { ...requestOptions, signal };
  const snapshot = (): WaitState => ({
    ...state,
    eventsUpTo: state.eventsUpTo && { at: state.eventsUpTo.at, ids: [...state.eventsUpTo.ids] },
  });

  let lastKey = '';
  let lastStatus: JobStatus | undefined;
  let trainingLoss: number | undefined;
  let validationLoss: number | undefined;
  let step: number | undefined;
  let totalSteps: number | undefined;
  let lastFailureEvent: string | undefined;

  return poll<Job>(
    async () => {
      const job = await adapter.retrieve(jobId, request);
      const status = adapter.status(job) ?? lastStatus ?? 'queued'; // an unknown status is not final: keep the last one known
      let events: JobEvent<Raw>[] = [];
      // Events (and metrics) are read while the job trains, when its status changes, and at the end: a job waiting in a
      // queue costs one request per poll.
      const reading =
        status === 'failed' ||
        (options.onProgress !== undefined && (status === 'running' || status !== lastStatus || FINAL_STATUSES.includes(status)));
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
        if (
          adapter.metrics &&
          options.onProgress &&
          (events.length > 0 || status !== lastStatus) &&
          status !== 'queued' &&
          status !== 'validating'
        ) {
          const points = await adapter.metrics(jobId, request);
          for (const point of points) {
            if (point.step !== undefined) step = Math.max(step ?? 0, point.step);
            if (point.trainingLoss !== undefined) trainingLoss = point.trainingLoss;
            if (point.validationLoss !== undefined) validationLoss = point.validationLoss;
          }
        }
      }

      const fields = adapter.progress(job);
      if (fields.step !== undefined) step = fields.step;
      if (fields.totalSteps !== undefined) totalSteps = fields.totalSteps;
      const progress: WaitProgress<Job, Raw> = {
        provider,
        jobId,
        status,
        providerStatus: adapter.providerStatus(job),
        ...fields,
        step,
        totalSteps,
        trainingLoss,
        validationLoss,
        events,
        elapsedMs: clock.now() - started,
        job,
        state: snapshot(),
      };
      const key = JSON.stringify([
        status,
        progress.providerStatus,
        step,
        totalSteps,
        fields.epoch,
        fields.totalEpochs,
        fields.estimatedFinish?.getTime(),
        trainingLoss,
        validationLoss,
      ]);
      if (options.onProgress && (key !== lastKey || events.length > 0)) options.onProgress(progress);
      lastKey = key;
      const changed = status !== lastStatus;
      lastStatus = status;

      if (status === 'succeeded') return { done: job };
      if (status === 'cancelled') throw new JobCancelledError(`${provider} job ${jobId} was cancelled`, provider, jobId, job);
      if (status === 'failed') {
        const failure = adapter.failure(job) ?? {
          code: undefined,
          message: lastFailureEvent ?? `the job ended with status ${progress.providerStatus}`,
        };
        throw new JobFailedError(
          `${provider} job ${jobId} failed: ${failure.message}${failure.code ? ` (${failure.code})` : ''}`,
          provider,
          jobId,
          failure.code,
          failure.message,
          job,
        );
      }
      return { changed };
    },
    {
      policy,
      clock,
      signal,
      aborted: () =>
        new WaitAbortedError(
          `${provider} job ${jobId}: waiting stopped by the caller; the job keeps running (status ${lastStatus ?? 'unknown'}). ` +
            `Resume with jobs.wait('${jobId}', { resume: error.state })`,
          provider,
          jobId,
          snapshot(),
        ),
      timedOut: () => {
        const at = step !== undefined ? `, step ${step}${totalSteps ? `/${totalSteps}` : ''}` : '';
        return new WaitTimeoutError(
          `${provider} job ${jobId} is still ${lastStatus ?? 'unknown'}${at} after ${formatDuration(policy.timeoutMs)} of waiting; it keeps running ` +
            `(wait again, or resume with jobs.wait('${jobId}', { resume: error.state }))`,
          provider,
          jobId,
          lastStatus ?? 'unknown',
          snapshot(),
        );
      },
    },
  );
}
