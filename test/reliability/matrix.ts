import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APITimeoutError,
  InternalServerError,
  RateLimitError,
  TunekitError,
  type ProviderName,
} from '../../src/index.js';
import { startSandbox, type Fault, type Sandbox } from '../../src/testing.js';
import { FILE_TEXT, held, opsFor, pages, ROUTES, seed, type Held, type Op } from './clients.js';

type ErrorClass = typeof APIConnectionError | typeof APITimeoutError | typeof InternalServerError | typeof RateLimitError;

/** One row of the matrix: a fault, how many times it strikes, and what the call must end with. */
interface Row {
  /** Its name in the test titles (the fault server's name for it). */
  name: string;
  fault: Fault;
  times: number;
  /** The outcome by op; `keyed`: the provider can mark a create (Nebius, OpenAI). */
  outcome(op: Op, keyed: boolean): 'ok' | ErrorClass;
  /** How many times the spoiled request is sent, when the policy fixes it. */
  attempts?(op: Op, keyed: boolean): number | undefined;
  /** Shortest gap between the spoiled attempt and the next one (simulated ms). */
  gap?: number;
  timeoutMs?: number;
}

const idempotent = (op: Op) => op === 'retrieve' || op === 'list';
/** A create or upload whose request may have landed: only a keyed create recovers (by looking the job up). */
const ambiguous = (error: ErrorClass) => (op: Op, keyed: boolean) => (idempotent(op) || (op === 'create' && keyed) ? 'ok' : error);
const ambiguousForever = (error: ErrorClass) => (op: Op, keyed: boolean) => (op === 'create' && keyed ? 'ok' : error);
const ALL_ATTEMPTS = 3; // maxRetries 2
const retriedUnlessUnsafe = (op: Op, keyed: boolean) => (idempotent(op) || (op === 'create' && keyed) ? ALL_ATTEMPTS : 1);

const rows: Row[] = [
  { name: 'reset-before-headers', fault: 'reset', times: 1, outcome: ambiguous(APIConnectionError) },
  { name: 'reset-before-headers', fault: 'reset', times: Infinity, outcome: () => APIConnectionError, attempts: retriedUnlessUnsafe },
  { name: 'lost-answer', fault: 'lost-answer', times: 1, outcome: ambiguous(APIConnectionError) },
  { name: 'reset-mid-body', fault: 'reset-mid-body', times: 1, outcome: ambiguous(APIConnectionError) },
  // A keyed create finds the job its first attempt made; reads give up after every attempt.
  {
    name: 'reset-mid-body',
    fault: 'reset-mid-body',
    times: Infinity,
    outcome: ambiguousForever(APIConnectionError),
    attempts: (op) => (idempotent(op) ? ALL_ATTEMPTS : 1),
  },
  {
    name: 'malformed-json',
    fault: 'malformed-json',
    times: Infinity,
    outcome: ambiguousForever(APIConnectionError),
    attempts: (op) => (idempotent(op) ? ALL_ATTEMPTS : 1),
  },
  { name: 'html-502', fault: { status: 502, html: true }, times: 1, outcome: ambiguous(InternalServerError) },
  {
    name: 'html-502',
    fault: { status: 502, html: true },
    times: Infinity,
    outcome: () => InternalServerError,
    attempts: retriedUnlessUnsafe,
  },
  // 503 and 429 mean "not done": every request, create and upload included, is simply sent again.
  { name: '503', fault: 503, times: 2, outcome: () => 'ok', attempts: () => 2 },
  { name: '503', fault: 503, times: Infinity, outcome: () => InternalServerError, attempts: () => ALL_ATTEMPTS },
  {
    name: 'retry-after-seconds',
    fault: { status: 429, retryAfter: 1, retryAfterAs: 'seconds' },
    times: 1,
    outcome: () => 'ok',
    gap: 1_000,
  },
  // An HTTP date has whole seconds: the wait is what is left of the second after the answer's.
  { name: 'retry-after-date', fault: { status: 429, retryAfter: 1, retryAfterAs: 'date' }, times: 1, outcome: () => 'ok' },
  { name: 'retry-after-ms', fault: { status: 429, retryAfter: 0.05, retryAfterAs: 'ms' }, times: 1, outcome: () => 'ok', gap: 50 },
  {
    name: 'retry-after-huge',
    fault: { status: 429, retryAfter: 600, retryAfterAs: 'seconds' },
    times: Infinity,
    outcome: () => RateLimitError,
    attempts: () => 1,
  },
  { name: 'slow-headers', fault: { slowHeadersMs: 3_000 }, times: Infinity, outcome: () => APITimeoutError, timeoutMs: 1_000 },
  { name: 'trickle-body', fault: { trickleMs: 100 }, times: Infinity, outcome: () => APITimeoutError, timeoutMs: 1_000 },
  { name: 'never-answer', fault: 'never-answer', times: Infinity, outcome: () => APITimeoutError, timeoutMs: 1_000 },
  { name: 'huge-body', fault: { hugeBodyBytes: 8 << 20 }, times: Infinity, outcome: () => 'ok' },
];

export const providers: ProviderName[] = ['nebius', 'together', 'openai'];
export const ops: Op[] = ['retrieve', 'list', 'create', 'upload'];
const perProvider = rows.length * ops.length;
const total = perProvider * providers.length;
const DEFAULT_TIMEOUT_MS = 3_000;
/** Real time a call may take before it counts as hung: it runs in simulated time, so any real wait is a bug. */
const HUNG_MS = 15_000;

/** Polls `check` in real time until it holds, or `withinMs` (a wide margin: it returns as soon as it holds). */
async function eventually(check: () => boolean, withinMs = 10_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** What the call made: jobs and files the key holds now and did not before. */
const made = (before: Held, after: Held) => ({
  jobs: after.jobs.filter((id) => !before.jobs.includes(id)),
  files: after.files.filter((id) => !before.files.includes(id)),
});

/** The expected right answer of `op`. */
function expectRight(op: Op, result: unknown, before: Held, after: Held): void {
  const { jobs, files } = made(before, after);
  if (op === 'retrieve') expect(result).toMatchObject({ id: before.jobs[0] });
  if (op === 'list') expect(Array.isArray(result) && result.map((job: { id: string }) => job.id)).toEqual(after.jobs);
  if (op === 'create') expect(result).toMatchObject({ id: jobs[0], model: expect.any(String) });
  if (op === 'upload') expect(result).toMatchObject({ id: files[0], filename: 'train.jsonl', bytes: Buffer.byteLength(FILE_TEXT) });
}

const label = (row: Row) => `${row.name} ×${row.times === Infinity ? '∞' : row.times}`;

/** Defines the matrix for one provider: every row × every op, numbered across all providers, each against a fresh sandbox over its socket. */
export function defineMatrix(provider: ProviderName): void {
  const keyed = provider !== 'together';
  const offset = providers.indexOf(provider) * perProvider;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    rejections.push(reason);
  };
  beforeAll(() => {
    process.on('unhandledRejection', onRejection);
  });
  afterAll(async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.off('unhandledRejection', onRejection);
    expect(rejections).toEqual([]);
  });

  describe(`${provider} fault matrix`, () => {
    let n = offset;
    for (const row of rows) {
      for (const op of ops) {
        const expected = row.outcome(op, keyed);
        const attempts = row.attempts?.(op, keyed);
        const name = `[${++n}/${total}] ${provider} ${op} × ${label(row)} → ${expected === 'ok' ? 'right result' : expected.name}${attempts ? ` (${attempts} sent)` : ''}`;
        it(name, async () => {
          const sandbox: Sandbox = await startSandbox({ provider, clock: 'manual' });
          try {
            const apiKey = `sk-matrix-key-${n}-0000`;
            const before = await seed(sandbox, apiKey);
            const timeoutMs = row.timeoutMs ?? DEFAULT_TIMEOUT_MS;
            const client = opsFor(
              provider,
              { apiKey, baseUrl: sandbox.url, timeoutMs, retry: { baseDelayMs: 10 }, clock: sandbox.clock },
              before.jobs[0],
            );
            // List pages: spoil the second page where there is one (Together lists come whole).
            const skip = op === 'list' && pages(provider) ? 1 : 0;
            const route = ROUTES[provider][op];
            sandbox.use({ route, fault: row.fault, ...(row.times === Infinity ? {} : { times: row.times }), skip });
            const sent = sandbox.requests.length;
            const started = sandbox.clock.now();
            let guard: ReturnType<typeof setTimeout> | undefined;
            const outcome = await Promise.race([
              client[op]().then(
                (value) => ({ value }),
                (error: unknown) => ({ error }),
              ),
              new Promise<{ hung: true }>((resolve) => (guard = setTimeout(() => resolve({ hung: true }), HUNG_MS))),
            ]);
            clearTimeout(guard);
            const elapsed = sandbox.clock.now() - started;
            const seen = sandbox.requests.slice(sent).filter((request) => request.operation === route);
            expect(outcome, `the call never ended; the sandbox saw ${seen.map((s) => s.operation).join(', ')}`).not.toHaveProperty('hung');

            expect(elapsed, 'the call ended within its timeout + 1 s (simulated)').toBeLessThan(timeoutMs + 1_000);
            const after = await held(sandbox, apiKey);
            if (expected === 'ok') {
              expect('error' in outcome ? outcome.error : undefined).toBeUndefined();
              if ('value' in outcome) expectRight(op, outcome.value, before, after);
            } else {
              expect('error' in outcome && outcome.error).toBeInstanceOf(expected);
              expect('error' in outcome && outcome.error).toBeInstanceOf(TunekitError);
              expect(String('error' in outcome && outcome.error)).toContain(provider);
            }
            const spoiled = seen.filter((request) => request.fault !== undefined);
            expect(spoiled.length, 'the fault struck').toBeGreaterThan(0);
            if (attempts !== undefined) expect(spoiled.length, 'times the spoiled request was sent').toBe(attempts);
            if (row.gap !== undefined) {
              const gap = Date.parse(seen[skip + 1]?.at ?? '') - Date.parse(seen[skip]?.at ?? '');
              expect(gap, 'waited as the server asked').toBeGreaterThanOrEqual(row.gap);
            }
            // Never twice: at most one job or file, and the one returned is the one the sandbox holds.
            const { jobs, files } = made(before, after);
            expect(jobs.length).toBeLessThanOrEqual(1);
            expect(files.length).toBeLessThanOrEqual(1);
            if (expected === 'ok' && op === 'create') expect(jobs).toHaveLength(1);
            if (expected === 'ok' && op === 'upload') expect(files).toHaveLength(1);
            // Nothing left behind: no request the client still holds open.
            expect(await eventually(() => sandbox.connections().inFlight === 0), 'no request left in flight').toBe(true);
            expect(await eventually(() => sandbox.connections().busy === 0), 'no socket left busy').toBe(true);
          } finally {
            await sandbox.close();
          }
        });
      }
    }
  });
}
