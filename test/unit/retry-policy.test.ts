import { describe, expect, it } from 'vitest';
import { defaultRetryPolicy, retryDelay, type RetryPolicy } from '../../src/index.js';

const noJitter: RetryPolicy = { ...defaultRetryPolicy, jitter: 0 };
const answer = (status: number, headers: Record<string, string> = {}) => ({ response: new Response(null, { status, headers }) });

describe('retryDelay: the one function that decides', () => {
  it.each([408, 409, 429, 500, 502, 503, 504, 599])('retries %i', (status) => {
    expect(retryDelay(noJitter, 0, answer(status))).toBe(500);
  });

  it.each([400, 401, 403, 404, 422])('does not retry %i', (status) => {
    expect(retryDelay(noJitter, 0, answer(status))).toBeUndefined();
  });

  it('retries connection errors', () => {
    expect(retryDelay(noJitter, 0, { error: new TypeError('fetch failed') })).toBe(500);
  });

  it('backs off 0.5 s · 2ⁿ capped at 8 s', () => {
    const policy = { ...noJitter, maxRetries: 10 };
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => retryDelay(policy, n, answer(503)))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('jitter takes at most 25 % off', () => {
    for (let i = 0; i < 200; i++) {
      const delay = retryDelay(defaultRetryPolicy, 1, answer(503)) ?? -1;
      expect(delay).toBeGreaterThanOrEqual(750);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it('stops after maxRetries', () => {
    expect(retryDelay(noJitter, 2, answer(503))).toBeUndefined();
    expect(retryDelay({ ...noJitter, maxRetries: 0 }, 0, answer(503))).toBeUndefined();
  });

  it('x-should-retry overrides the status', () => {
    expect(retryDelay(noJitter, 0, answer(503, { 'x-should-retry': 'false' }))).toBeUndefined();
    expect(retryDelay(noJitter, 0, answer(400, { 'x-should-retry': 'true' }))).toBe(500);
  });

  it('honours retry-after-ms first, then retry-after seconds, then an HTTP date', () => {
    expect(retryDelay(noJitter, 0, answer(429, { 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryDelay(noJitter, 0, answer(429, { 'retry-after': '3' }))).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelay(noJitter, 0, answer(429, { 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now)).toBe(7000);
  });

  it('does not retry when the server asks for longer than maxRetryAfterMs (60 s by default)', () => {
    expect(retryDelay(noJitter, 0, answer(429, { 'retry-after': '600' }))).toBeUndefined();
    expect(retryDelay({ ...noJitter, maxRetryAfterMs: 700_000 }, 0, answer(429, { 'retry-after': '600' }))).toBe(600_000);
  });

  it('falls back to back-off when retry-after is unreadable', () => {
    expect(retryDelay(noJitter, 0, answer(503, { 'retry-after': 'soon' }))).toBe(500);
  });
});
