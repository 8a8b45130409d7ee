/** How tunekit retries, as plain data. Every field has a default; override any of them per client. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Statuses worth another attempt, besides server errors. */
  statuses: readonly number[];
  /** Retry every status ≥ 500. */
  retryServerErrors: boolean;
  /** First back-off; doubles each attempt. */
  baseDelayMs: number;
  /** Longest computed back-off. */
  maxDelayMs: number;
  /** Longest wait a server may ask for with `retry-after-ms` / `retry-after`; a longer ask is not retried. */
  maxRetryAfterMs: number;
  /** Fraction of the back-off removed at random (0.25: wait 75–100 %). */
  jitter: number;
}

/** The retry policy a client uses unless told otherwise: 2 retries, 0.5 s · 2ⁿ capped at 8 s, up to 25 % jitter, a server's Retry-After honoured up to 60 s. */
export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 2,
  statuses: [408, 409, 429],
  retryServerErrors: true,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  jitter: 0.25,
};

/** What happened on one attempt: a response, or a thrown connection error. */
export type AttemptOutcome = { response: Response } | { error: unknown };

/**
 * The one function that decides: milliseconds to wait before the next attempt, or `undefined` to stop.
 * `attempt` counts from 0 for the first try.
 * @example
 * const wait = retryDelay(defaultRetryPolicy, 0, { response: new Response(null, { status: 429, headers: { 'retry-after': '2' } }) });
 * // 2000
 */
export function retryDelay(policy: RetryPolicy, attempt: number, outcome: AttemptOutcome, now = Date.now()): number | undefined {
  if (attempt >= policy.maxRetries) return undefined;
  if ('response' in outcome) {
    const { headers, status } = outcome.response;
    const shouldRetry = headers.get('x-should-retry');
    if (shouldRetry === 'false') return undefined;
    if (shouldRetry !== 'true' && !policy.statuses.includes(status) && !(policy.retryServerErrors && status >= 500)) {
      return undefined;
    }
    const asked = retryAfterMs(headers, now);
    if (asked !== undefined) return asked <= policy.maxRetryAfterMs ? asked : undefined;
  }
  const backoff = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
  return backoff * (1 - Math.random() * policy.jitter);
}

/** `retry-after-ms`, then `retry-after` in seconds or as an HTTP date: how long the server asked to wait, if it did. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
