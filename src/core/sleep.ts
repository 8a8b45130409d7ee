/** Resolves after `ms` (at most 2³¹ − 1, the longest timer Node arms; a longer sleep ends then instead of at once); rejects with the signal's reason as soon as it aborts (at once if it already has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.min(ms, 2 ** 31 - 1),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The time a client's calls run on: what it reads (`now`), how it waits between attempts (`sleep`), and how it
 * arms a call's deadline (`timer`). The shape of `jobs.wait`'s `clock`, plus `timer`; a clock without `timer`
 * keeps deadlines on real time. Real time by default; a test passes the sandbox's `clock`, so back-offs,
 * `Retry-After` waits and deadlines pass in simulated time.
 */
export interface RequestClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fire` once `ms` have passed, without waiting for it; returns what cancels it. */
  timer?(ms: number, fire: () => void): () => void;
}

/** A deadline's timer: cancels it, or lets it hold no process open (`unref`, real time only). */
export interface Timer {
  cancel(): void;
  unref(): void;
}

/** Real time: `Date.now`, an abortable `setTimeout`, and a `setTimeout` for deadlines. */
export const realTime: RequestClock = { now: () => Date.now(), sleep };

/** A timer on `clock` (a real `setTimeout` when it has no `timer` of its own). */
export function startTimer(clock: RequestClock, ms: number, fire: () => void): Timer {
  if (clock.timer) {
    const cancel = clock.timer(ms, fire);
    return { cancel, unref: () => undefined };
  }
  const handle = setTimeout(fire, ms);
  return {
    cancel: () => clearTimeout(handle),
    unref: () => {
      if (typeof handle === 'object') handle.unref();
    },
  };
}
