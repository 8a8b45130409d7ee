import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  APIConnectionError,
  APIUserAbortError,
  AuthenticationError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  createNebiusClient,
  type NebiusClientOptions,
} from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { json, startLocalServer, type Handler, type LocalServer } from '../support/local-server.js';

const job = { id: 'ftjob-1', object: 'fine_tuning.job', created_at: 1, model: 'm', status: 'running', training_file: 'file-1' };
let server: LocalServer | undefined;

let sandbox: Sandbox | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  await sandbox?.close();
  sandbox = undefined;
});

/** Simulated time for a client (`clock`): a sandbox's clock, with no socket; `elapsed()` since it was made. */
async function simulated() {
  sandbox = await startSandbox({ provider: 'nebius', listen: false });
  const { clock } = sandbox;
  const start = clock.now();
  return { clock, advance: (ms: number) => sandbox?.advance(ms), elapsed: () => clock.now() - start };
}

async function clientFor(handler: Handler, options: NebiusClientOptions = {}) {
  server = await startLocalServer(handler);
  return createNebiusClient({ apiKey: 'test-key', baseUrl: server.url, retry: { baseDelayMs: 10 }, ...options });
}

describe('requests', () => {
  it('send bearer auth, User-Agent tunekit/<version> and custom headers', async () => {
    const nebius = await clientFor((_req, res) => json(res, 200, job), { headers: { 'X-Team': 'ml' } });
    await nebius.jobs.retrieve('ftjob-1', { headers: { 'X-Call': 'one' } });
    const headers = server?.requests[0]?.headers;
    expect(headers?.authorization).toBe('Bearer test-key');
    expect(headers?.['user-agent']).toMatch(/^tunekit\/\d+\.\d+\.\d+/);
    expect(headers?.['x-team']).toBe('ml');
    expect(headers?.['x-call']).toBe('one');
  });

  it('read the key and base URL from NEBIUS_API_KEY / NEBIUS_BASE_URL', async () => {
    server = await startLocalServer((_req, res) => json(res, 200, job));
    vi.stubEnv('NEBIUS_API_KEY', 'env-key');
    vi.stubEnv('NEBIUS_BASE_URL', server.url);
    await createNebiusClient().jobs.retrieve('ftjob-1');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer env-key');
  });

  it('refuse to build a client with no key, naming the option and the env var', () => {
    expect(() => createNebiusClient({ baseUrl: 'http://127.0.0.1:1' })).toThrow(/apiKey.*NEBIUS_API_KEY/);
  });
});

describe("errors by status, with the server's own words", () => {
  it.each([
    [401, AuthenticationError],
    [404, NotFoundError],
    [429, RateLimitError],
    [500, InternalServerError],
  ] as const)('%i → %s', async (status, ErrorClass) => {
    const nebius = await clientFor((_req, res) => json(res, status, { detail: `nope ${status}` }, { 'x-request-id': 'req-7' }), {
      maxRetries: 0,
    });
    const error = await nebius.jobs.retrieve('ftjob-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ status, provider: 'nebius', requestId: 'req-7', body: { detail: `nope ${status}` } });
    expect(String(error)).toContain(`nebius GET /v1/fine_tuning/jobs/ftjob-1 failed with ${status}: nope ${status}`);
  });

  it('an HTML error page is summarised by its title', async () => {
    const nebius = await clientFor(
      (_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
      },
      { maxRetries: 0 },
    );
    await expect(nebius.jobs.retrieve('ftjob-1')).rejects.toThrow(/failed with 502: 502 Bad Gateway$/);
  });

  it('a refused connection is an APIConnectionError', async () => {
    const nebius = createNebiusClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
    await expect(nebius.jobs.retrieve('ftjob-1')).rejects.toThrow(APIConnectionError);
  });
});

describe('retries', () => {
  it('retry 503 then succeed, resending the same body', async () => {
    const nebius = await clientFor((_req, res, i) => (i < 2 ? json(res, 503, { detail: 'busy' }) : json(res, 200, job)));
    await expect(nebius.jobs.create({ model: 'm', training_file: 'file-1' })).resolves.toMatchObject({ id: 'ftjob-1' });
    const bodies = server?.requests.map((r) => r.body) ?? [];
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1); // the same body, create key (tag) included
    expect(JSON.parse(bodies[0] ?? '')).toEqual({ model: 'm', training_file: 'file-1', tags: [expect.stringMatching(/^tunekit-/)] });
  });

  it('give up after maxRetries (default 2) with the last status', async () => {
    const nebius = await clientFor((_req, res) => json(res, 500, { detail: 'down' }));
    await expect(nebius.jobs.retrieve('ftjob-1')).rejects.toThrow(InternalServerError);
    expect(server?.requests).toHaveLength(3);
  });

  it('respect per-call maxRetries', async () => {
    const nebius = await clientFor((_req, res) => json(res, 500, {}));
    await expect(nebius.jobs.retrieve('ftjob-1', { maxRetries: 0 })).rejects.toThrow(InternalServerError);
    expect(server?.requests).toHaveLength(1);
  });

  it('never retry 400/404', async () => {
    const nebius = await clientFor((_req, res) => json(res, 404, {}));
    await expect(nebius.jobs.retrieve('ftjob-1')).rejects.toThrow(NotFoundError);
    expect(server?.requests).toHaveLength(1);
  });

  it('wait as long as Retry-After says', async () => {
    const time = await simulated();
    const nebius = await clientFor((_req, res, i) => (i === 0 ? json(res, 429, {}, { 'retry-after': '1' }) : json(res, 200, job)), {
      clock: time.clock,
    });
    await nebius.jobs.retrieve('ftjob-1');
    expect(time.elapsed()).toBe(1_000);
    expect(server?.requests).toHaveLength(2);
  });

  it('wait as long as retry-after-ms says, ahead of retry-after', async () => {
    const time = await simulated();
    const nebius = await clientFor(
      (_req, res, i) => (i === 0 ? json(res, 429, {}, { 'retry-after-ms': '300', 'retry-after': '30' }) : json(res, 200, job)),
      { clock: time.clock },
    );
    await nebius.jobs.retrieve('ftjob-1');
    expect(time.elapsed()).toBe(300);
  });

  it('fail at once with RateLimitError when Retry-After is beyond the 60 s cap', async () => {
    const time = await simulated();
    const nebius = await clientFor((_req, res) => json(res, 429, { detail: 'slow down' }, { 'retry-after': '600' }), { clock: time.clock });
    const error = await nebius.jobs.retrieve('ftjob-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(time.elapsed()).toBe(0);
    expect(server?.requests).toHaveLength(1);
  });

  it('do not start a wait that would overrun the deadline', async () => {
    const time = await simulated();
    const nebius = await clientFor((_req, res) => json(res, 429, {}, { 'retry-after': '5' }), { timeoutMs: 1_000, clock: time.clock });
    await expect(nebius.jobs.retrieve('ftjob-1')).rejects.toThrow(RateLimitError);
    expect(time.elapsed()).toBe(0);
    expect(server?.requests).toHaveLength(1);
  });
});

describe('timeouts and aborts', () => {
  it('the timeout covers the body read, not just the headers', async () => {
    const time = await simulated();
    const logged: string[] = [];
    // The headers have arrived when the client logs the status: only then does (simulated) time pass.
    const logger = {
      error: () => undefined,
      warn: () => undefined,
      info: () => undefined,
      debug: (line: string) => void (logged.push(line), time.advance(500)),
    };
    const nebius = await clientFor(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"id":'); // …and never finishes
      },
      { timeoutMs: 500, maxRetries: 0, clock: time.clock, logLevel: 'debug', logger },
    );
    await expect(nebius.jobs.retrieve('ftjob-1')).rejects.toThrow('nebius GET /v1/fine_tuning/jobs/ftjob-1 timed out after 500 ms');
    expect(logged).toEqual([expect.stringContaining('→ 200 in')]);
    expect(time.elapsed()).toBe(500);
  });

  it('the timeout covers every attempt and the waits between them', async () => {
    const time = await simulated();
    const nebius = await clientFor((_req, res) => json(res, 503, {}), {
      timeoutMs: 700,
      retry: { baseDelayMs: 400, maxRetries: 5 },
      clock: time.clock,
    });
    await expect(nebius.jobs.retrieve('ftjob-1')).rejects.toThrow(InternalServerError);
    // The first wait (300–400 ms) fits; the second (600–800 ms) would end past 700 ms, so it is not started.
    expect(server?.requests).toHaveLength(2);
    expect(time.elapsed()).toBeGreaterThanOrEqual(300);
    expect(time.elapsed()).toBeLessThanOrEqual(400);
  });

  it('a server that never answers ends in APITimeoutError with the call named', async () => {
    const time = await simulated();
    // Time passes only once the request is in: the deadline, not a failed connection, ends the call.
    const nebius = await clientFor(() => void time.advance(300), { timeoutMs: 300, maxRetries: 0, clock: time.clock });
    await expect(nebius.jobs.retrieve('ftjob-1')).rejects.toThrow('nebius GET /v1/fine_tuning/jobs/ftjob-1 timed out after 300 ms');
    expect(server?.requests).toHaveLength(1);
  });

  it("the caller's signal aborts the request", async () => {
    const nebius = await clientFor(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(nebius.jobs.retrieve('ftjob-1', { signal: controller.signal })).rejects.toThrow(APIUserAbortError);
  });

  it("the caller's signal also interrupts the wait between attempts", async () => {
    const controller = new AbortController();
    const waits: number[] = [];
    // A wait that only an abort ends: the caller aborts as soon as the client starts waiting.
    const clock = {
      now: () => Date.now(),
      sleep: (ms: number, signal?: AbortSignal) =>
        new Promise<void>((_resolve, reject) => {
          waits.push(ms);
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
          controller.abort();
        }),
    };
    const nebius = await clientFor((_req, res) => json(res, 429, {}, { 'retry-after': '30' }), {
      retry: { maxRetryAfterMs: 60_000 },
      clock,
    });
    await expect(nebius.jobs.retrieve('ftjob-1', { signal: controller.signal })).rejects.toThrow(APIUserAbortError);
    expect(waits).toEqual([30_000]);
    expect(server?.requests).toHaveLength(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const nebius = await clientFor((_req, res) => json(res, 200, job));
    await expect(nebius.jobs.retrieve('ftjob-1', { signal: AbortSignal.abort() })).rejects.toThrow(APIUserAbortError);
    expect(server?.requests).toHaveLength(0);
  });
});
