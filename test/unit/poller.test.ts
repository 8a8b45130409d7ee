import { describe, expect, it } from 'vitest';
import { APIConnectionError, NotFoundError, RateLimitError } from '../../src/core/errors.js';
import { DEFAULT_POLL_POLICY, nextPause, poll, type PollOutcome, type PollRun, type PollState } from '../../src/poller/poll.js';
import type { WaitClock } from '../../src/poller/types.js';

/** Simulated time: a sleep moves the clock and returns at once, unless the signal aborts first. */
function manualClock(): WaitClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      slept.push(ms);
      now += ms;
    },
  };
}

const at = (intervalMs: number, polls = 2, elapsedMs = 0): Pick<PollState, 'intervalMs' | 'polls' | 'elapsedMs'> => ({
  intervalMs,
  polls,
  elapsedMs,
});
const noJitter = { ...DEFAULT_POLL_POLICY, jitter: 0 };
const rateLimited = (retryAfter: string): RateLimitError =>
  new RateLimitError({ provider: 'x', method: 'GET', path: '/' }, 429, undefined, new Headers({ 'retry-after': retryAfter }));

describe('nextPause: the one function that decides each pause', () => {
  it('starts again at the first interval after a change, and grows ×growth to the cap otherwise', () => {
    expect(nextPause(noJitter, at(40_000), { changed: true })).toEqual({ pauseMs: 5_000, intervalMs: 5_000 });
    expect(nextPause(noJitter, at(5_000), { changed: false })).toEqual({ pauseMs: 7_500, intervalMs: 7_500 });
    expect(nextPause(noJitter, at(50_000), { changed: false })).toEqual({ pauseMs: 60_000, intervalMs: 60_000 });
    // The first answer of a loop counts as a change.
    expect(nextPause(noJitter, at(30_000, 1), { changed: false })).toEqual({ pauseMs: 5_000, intervalMs: 5_000 });
  });

  it('moves a pause by at most the jitter either way', () => {
    const policy = { ...DEFAULT_POLL_POLICY, jitter: 0.2 };
    expect(nextPause(policy, at(5_000), { changed: true }, () => 0).pauseMs).toBeCloseTo(4_000);
    expect(nextPause(policy, at(5_000), { changed: true }, () => 1).pauseMs).toBeCloseTo(6_000);
  });

  it("after a failure waits the current interval, or a 429's Retry-After up to its cap, and grows the interval after", () => {
    const failed = new APIConnectionError('reset');
    expect(nextPause(noJitter, at(10_000), { failed })).toEqual({ pauseMs: 10_000, intervalMs: 15_000 });
    expect(nextPause(noJitter, at(10_000), { failed: rateLimited('120') })).toEqual({ pauseMs: 120_000, intervalMs: 15_000 });
    expect(nextPause(noJitter, at(10_000), { failed: rateLimited('3600') }).pauseMs).toBe(DEFAULT_POLL_POLICY.maxRetryAfterMs);
  });

  it('never pauses past the time left', () => {
    const policy = { ...noJitter, timeoutMs: 12_000 };
    expect(nextPause(policy, at(5_000, 2, 10_000), { changed: false }).pauseMs).toBe(2_000);
    expect(nextPause(policy, at(5_000, 2, 13_000), { failed: new APIConnectionError('x') }).pauseMs).toBe(0);
  });
});

describe('poll: the loop behind every wait', () => {
  const run = (clock: WaitClock, policy = noJitter, signal?: AbortSignal): PollRun => ({
    policy,
    clock,
    signal,
    aborted: (state) => new Error(`aborted after ${state.polls} polls`),
    timedOut: (state) => new Error(`timed out after ${state.elapsedMs} ms`),
  });

  it('ends with the value a poll is done with, pausing as the policy says in simulated time', async () => {
    const clock = manualClock();
    const outcomes: PollOutcome<string>[] = [{ changed: true }, { changed: false }, { changed: false }, { changed: true }, { done: 'ok' }];
    await expect(poll(async () => outcomes.shift() ?? { done: 'late' }, run(clock))).resolves.toBe('ok');
    expect(clock.slept).toEqual([5_000, 7_500, 11_250, 5_000]);
  });

  it('rides out transient failures within the budget, and throws the one past it', async () => {
    const clock = manualClock();
    let calls = 0;
    const failing = async (): Promise<PollOutcome<string>> => {
      calls++;
      throw new APIConnectionError(`reset ${calls}`);
    };
    await expect(poll(failing, run(clock, { ...noJitter, maxErrors: 3 }))).rejects.toThrow('reset 4');
    expect(calls).toBe(4);
    expect(clock.slept).toEqual([5_000, 7_500, 11_250]);
  });

  it('throws a failure that is not transient at once', async () => {
    const clock = manualClock();
    const gone = new NotFoundError({ provider: 'x', method: 'GET', path: '/' }, 404, undefined, new Headers());
    await expect(poll(async () => Promise.reject(gone), run(clock))).rejects.toBe(gone);
    expect(clock.slept).toEqual([]);
  });

  it('stops at the deadline with the run’s own error, and on an abort during a pause', async () => {
    const clock = manualClock();
    await expect(poll(async () => ({ changed: false }), run(clock, { ...noJitter, timeoutMs: 20_000 }))).rejects.toThrow(
      'timed out after 20000 ms',
    );

    const controller = new AbortController();
    const aborting: WaitClock = {
      now: () => 0,
      sleep: async (_ms, signal) => {
        controller.abort();
        throw signal?.reason;
      },
    };
    await expect(poll(async () => ({ changed: false }), run(aborting, noJitter, controller.signal))).rejects.toThrow(
      'aborted after 1 polls',
    );
  });
});
