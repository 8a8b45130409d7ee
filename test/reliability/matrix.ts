import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APITimeoutError,
  InternalServerError,
  RateLimitError,
  TunekitError,
} from '../../src/index.js';
import { startFaultServer, type Fault, type FaultServer, type Op, type ProviderName } from '../support/fault-server.js';
import { FILE_TEXT, JOB_ID, opsFor } from './clients.js';

type ErrorClass = typeof APIConnectionError | typeof APITimeoutError | typeof InternalServerError | typeof RateLimitError;

/** One row of the matrix: a fault, how many times it strikes, and what the call must end with. */
interface Row {
  fault: Fault;
  times: number;
  /** The outcome by op; `keyed`: the provider can mark a create (Nebius, OpenAI). */
  outcome(op: Op, keyed: boolean): 'ok' | ErrorClass;
  /** How many times the spoiled request is sent, when the policy fixes it. */
  attempts?(op: Op, keyed: boolean): number | undefined;
  /** Shortest gap between the spoiled attempt and the next one (ms). */
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
  { fault: 'reset-before-headers', times: 1, outcome: ambiguous(APIConnectionError) },
  { fault: 'reset-before-headers', times: Infinity, outcome: () => APIConnectionError, attempts: retriedUnlessUnsafe },
  { fault: 'lost-answer', times: 1, outcome: ambiguous(APIConnectionError) },
  { fault: 'reset-mid-body', times: 1, outcome: ambiguous(APIConnectionError) },
  // A keyed create finds the job its first attempt made; reads give up after every attempt.
  { fault: 'reset-mid-body', times: Infinity, outcome: ambiguousForever(APIConnectionError), attempts: (op) => (idempotent(op) ? ALL_ATTEMPTS : 1) },
  { fault: 'malformed-json', times: Infinity, outcome: ambiguousForever(APIConnectionError), attempts: (op) => (idempotent(op) ? ALL_ATTEMPTS : 1) },
  { fault: 'html-502', times: 1, outcome: ambiguous(InternalServerError) },
  { fault: 'html-502', times: Infinity, outcome: () => InternalServerError, attempts: retriedUnlessUnsafe },
  // 503 and 429 mean "not done": every request, create and upload included, is simply sent again.
  { fault: '503', times: 2, outcome: () => 'ok', attempts: () => 2 },
  { fault: '503', times: Infinity, outcome: () => InternalServerError, attempts: () => ALL_ATTEMPTS },
  { fault: 'retry-after-seconds', times: 1, outcome: () => 'ok', gap: 950 },
  { fault: 'retry-after-date', times: 1, outcome: () => 'ok' },
  { fault: 'retry-after-ms', times: 1, outcome: () => 'ok', gap: 45 },
  { fault: 'retry-after-huge', times: Infinity, outcome: () => RateLimitError, attempts: () => 1 },
  { fault: 'slow-headers', times: Infinity, outcome: () => APITimeoutError, timeoutMs: 1_000 },
  { fault: 'trickle-body', times: Infinity, outcome: () => APITimeoutError, timeoutMs: 1_000 },
  { fault: 'never-answer', times: Infinity, outcome: () => APITimeoutError, timeoutMs: 1_000 },
  { fault: 'huge-body', times: Infinity, outcome: () => 'ok' },
];

export const providers: ProviderName[] = ['nebius', 'together', 'openai'];
export const ops: Op[] = ['retrieve', 'list', 'create', 'upload'];
const perProvider = rows.length * ops.length;
const total = perProvider * providers.length;
const DEFAULT_TIMEOUT_MS = 3_000;

async function eventually(check: () => boolean, withinMs = 3_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** The expected right answer of `op` on a clean server. */
function expectRight(server: FaultServer, op: Op, result: unknown): void {
  const ids = server.jobs.map((job) => job.id);
  if (op === 'retrieve') expect(result).toMatchObject({ id: JOB_ID[server.provider] });
  if (op === 'list') expect(Array.isArray(result) && result.map((job: { id: string }) => job.id)).toEqual(ids);
  if (op === 'create') expect(result).toMatchObject({ id: server.created[0]?.id, model: expect.any(String) });
  if (op === 'upload') expect(result).toMatchObject({ id: server.files[0]?.id, filename: 'train.jsonl', bytes: Buffer.byteLength(FILE_TEXT) });
}

const label = (row: Row) => `${row.fault} ×${row.times === Infinity ? '∞' : row.times}`;

/** Defines the matrix for one provider: every row × every op, numbered across all providers. */
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
          const server = await startFaultServer(provider);
          try {
            const timeoutMs = row.timeoutMs ?? DEFAULT_TIMEOUT_MS;
            const client = opsFor(provider, { apiKey: 'sk-matrix-key-0000', baseUrl: server.baseUrl, timeoutMs, retry: { baseDelayMs: 10 } });
            // List pages: spoil the second page where there is one (Together lists come whole).
            server.script([{ op, fault: row.fault, times: row.times, skip: op === 'list' && provider !== 'together' ? 1 : 0 }]);
            const started = Date.now();
            let guard: ReturnType<typeof setTimeout> | undefined;
            const outcome = await Promise.race([
              client[op]().then(
                (value) => ({ value }),
                (error: unknown) => ({ error }),
              ),
              new Promise<{ hung: true }>((resolve) => (guard = setTimeout(() => resolve({ hung: true }), timeoutMs + 5_000))),
            ]);
            clearTimeout(guard);
            expect(outcome, `the call never ended; server saw ${server.seen.map((s) => s.op).join(', ')}`).not.toHaveProperty('hung');
            const elapsed = Date.now() - started;

            expect(elapsed, 'the call ended within its timeout + 1 s').toBeLessThan(timeoutMs + 1_000);
            if (expected === 'ok') {
              expect('error' in outcome ? outcome.error : undefined).toBeUndefined();
              if ('value' in outcome) expectRight(server, op, outcome.value);
            } else {
              expect('error' in outcome && outcome.error).toBeInstanceOf(expected);
              expect('error' in outcome && outcome.error).toBeInstanceOf(TunekitError);
              expect(String('error' in outcome && outcome.error)).toContain(provider);
            }
            if (attempts !== undefined) expect(server.applied(), 'times the spoiled request was sent').toBe(attempts);
            if (row.gap !== undefined) {
              const same = server.seen.filter((request) => request.op === op);
              const spoiled = op === 'list' && provider !== 'together' ? 1 : 0;
              const gap = (same[spoiled + 1]?.at ?? 0) - (same[spoiled]?.at ?? 0);
              expect(gap, 'waited as the server asked').toBeGreaterThanOrEqual(row.gap);
            }
            // Never twice: at most one job or file, and the one returned is the one the server holds.
            expect(server.created.length).toBeLessThanOrEqual(1);
            expect(server.files.length).toBeLessThanOrEqual(1);
            if (expected === 'ok' && op === 'create') expect(server.created).toHaveLength(1);
            if (expected === 'ok' && op === 'upload') expect(server.files).toHaveLength(1);
            // Nothing left behind: no request the client still holds open.
            expect(await eventually(() => server.inFlight() === 0), 'no request left in flight').toBe(true);
            expect(await eventually(() => server.busySockets() === 0), 'no socket left busy').toBe(true);
          } finally {
            await server.close();
          }
        });
      }
    }
  });
}
