/**
 * The one poll loop below the providers: `jobs.wait`, `models.wait`, `train()`'s wait for a file to be processed,
 * and so `train()` itself, pace themselves with it. The policy is plain data and `nextPause` alone decides each pause.
 */
import { APIConnectionError, APIUserAbortError, InternalServerError, RateLimitError } from '../core/errors.js';
import { retryAfterMs } from '../core/retry.js';
import { sleep } from '../core/sleep.js';
import type { WaitClock } from './types.js';

/** How a poll loop paces itself. */
export interface PollPolicy {
  /** The first pause between polls, and the pause after a poll that saw a change (ms). */
  intervalMs: number;
  /** Each poll that saw no change multiplies the pause by this. */
  growth: number;
  /** The longest pause (ms). */
  maxIntervalMs: number;
  /** Each pause moves by up to this share either way (0.2: ±20 %), so many waiters do not poll in step. */
  jitter: number;
  /** Failed polls in a row (no answer, a 5xx, a 429) ridden out before the error is thrown; any success resets it. */
  maxErrors: number;
  /** The longest `Retry-After` of a 429 honoured (ms). */
  maxRetryAfterMs: number;
  /** Bound on the whole loop (ms); `Infinity` for none. */
  timeoutMs: number;
}

/** `jobs.wait`'s policy: 5 s growing ×1.5 to 60 s, ±20 % jitter, 10 failures in a row, a 429's wait up to 5 min. */
export const DEFAULT_POLL_POLICY: Readonly<PollPolicy> = {
  intervalMs: 5_000,
  growth: 1.5,
  maxIntervalMs: 60_000,
  jitter: 0.2,
  maxErrors: 10,
  maxRetryAfterMs: 300_000,
  timeoutMs: Infinity,
};

/** Real time: `Date.now` and an abortable `setTimeout`. */
export const realClock: WaitClock = { now: () => Date.now(), sleep };

/** Where a poll loop has got, as plain JSON. */
export interface PollState {
  /** Polls answered so far. */
  polls: number;
  /** Failed polls in a row. */
  failures: number;
  /** The current interval before jitter (ms). */
  intervalMs: number;
  /** Time since the loop began, by its clock (ms). */
  elapsedMs: number;
}

/** What one poll found: the value to end with, or whether it saw a change (a change starts the pauses again). */
export type PollOutcome<T> = { done: T } | { changed: boolean };

/** One run of the loop: its policy, its time, and the errors it ends with when stopped. */
export interface PollRun {
  policy: PollPolicy;
  clock: WaitClock;
  signal: AbortSignal | undefined;
  /** The error thrown when `signal` aborts (at once, also during a pause or a request). */
  aborted(state: PollState): Error;
  /** The error thrown when the loop outlasts `policy.timeoutMs`. */
  timedOut(state: PollState): Error;
}

/** A failed poll worth riding out: no answer, a 5xx, or a 429. */
function transient(error: unknown): boolean {
  return error instanceof APIConnectionError || error instanceof InternalServerError || error instanceof RateLimitError;
}

/**
 * The pause before the next poll, and the interval after it. After an answer: the interval starts again on a change,
 * else grows (to the cap), then moves by the jitter. After a failure: the current interval, or the 429's Retry-After
 * (up to its cap), then the interval grows. Never past the time left.
 */
export function nextPause(
  policy: PollPolicy,
  state: Pick<PollState, 'intervalMs' | 'polls' | 'elapsedMs'>,
  last: { changed: boolean } | { failed: unknown },
  random: () => number = Math.random,
): { pauseMs: number; intervalMs: number } {
  const grown = Math.min(state.intervalMs * policy.growth, Math.max(policy.intervalMs, policy.maxIntervalMs));
  const left = Math.max(0, policy.timeoutMs - state.elapsedMs);
  if ('failed' in last) {
    const asked = last.failed instanceof RateLimitError ? retryAfterMs(last.failed.headers, Date.now()) : undefined;
    const pause = asked === undefined ? state.intervalMs : Math.min(asked, policy.maxRetryAfterMs);
    return { pauseMs: Math.min(pause, left), intervalMs: grown };
  }
  const intervalMs = last.changed || state.polls <= 1 ? policy.intervalMs : grown;
  const jittered = intervalMs * (1 - policy.jitter + random() * 2 * policy.jitter);
  return { pauseMs: Math.min(jittered, left), intervalMs };
}

/**
 * Poll until `step` says done: the loop behind every wait. `step` throws to end the loop with its error (a failed
 * job); a transient failure is ridden out within the policy's budget; the caller's signal and the deadline end it with
 * the run's own errors.
 */
export async function poll<T>(step: (state: PollState) => Promise<PollOutcome<T>>, run: PollRun): Promise<T> {
  const { policy, clock, signal } = run;
  const started = clock.now();
  const state: PollState = { polls: 0, failures: 0, intervalMs: policy.intervalMs, elapsedMs: 0 };
  const snapshot = (): PollState => ({ ...state, elapsedMs: clock.now() - started });
  for (;;) {
    if (signal?.aborted) throw run.aborted(snapshot());
    let last: { changed: boolean } | { failed: unknown };
    try {
      const outcome = await step(snapshot());
      if ('done' in outcome) return outcome.done;
      state.polls += 1;
      state.failures = 0;
      last = outcome;
    } catch (error) {
      if (error instanceof APIUserAbortError || signal?.aborted) throw run.aborted(snapshot());
      if (!transient(error) || ++state.failures > policy.maxErrors) throw error;
      last = { failed: error };
    }
    state.elapsedMs = clock.now() - started;
    // A failure sleeps first and checks the deadline after; an answer that is not done ends a loop past its deadline.
    if (!('failed' in last) && state.elapsedMs >= policy.timeoutMs) throw run.timedOut(snapshot());
    const { pauseMs, intervalMs } = nextPause(policy, state, last);
    if ('changed' in last) state.intervalMs = intervalMs;
    await clock.sleep(pauseMs, signal).catch(() => {
      throw run.aborted(snapshot());
    });
    if ('failed' in last) {
      state.intervalMs = intervalMs;
      if (clock.now() - started >= policy.timeoutMs) throw run.timedOut(snapshot());
    }
  }
}
