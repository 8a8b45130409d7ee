/**
 * Every sandbox fault over a real socket (so the error is undici's own, not the in-process stand-in): what one
 * request without retries ends with, then a `jobs.wait` that rides the fault out mid-wait, on every provider. The
 * clients and the wait run on the sandbox's clock, so deadlines and back-offs pass in simulated time.
 */
import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APITimeoutError,
  createNebiusClient,
  createAzureOpenAIClient,
  createOpenAIClient,
  createTogetherClient,
  InternalServerError,
  RateLimitError,
  type ProviderName,
} from '../../src/index.js';
import { startSandbox, type Fault, type Sandbox } from '../../src/testing.js';
import { ROUTES } from '../reliability/clients.js';
import { dataset, MINUTE } from '../support/sandbox.js';

const apiKey = 'faults-workflow-key';
type Expected = 'ok' | typeof APIConnectionError | typeof APITimeoutError | typeof InternalServerError | typeof RateLimitError;

/** A fault, and what a single request (no retries) ends with. */
const faults: [string, Fault, Expected][] = [
  ['reset', 'reset', APIConnectionError],
  ['lost-answer', 'lost-answer', APIConnectionError],
  ['reset-mid-body', 'reset-mid-body', APIConnectionError],
  ['malformed-json', 'malformed-json', APIConnectionError],
  ['html-502', { status: 502, html: true }, InternalServerError],
  ['503', 503, InternalServerError],
  ['429 retry-after 2 s', { status: 429, retryAfter: 2 }, RateLimitError],
  ['slow-headers 2 min', { slowHeadersMs: 2 * MINUTE }, APITimeoutError],
  ['trickle-body 1 s a byte', { trickleMs: 1_000 }, APITimeoutError],
  ['never-answer', 'never-answer', APITimeoutError],
  ['huge-body 2 MB', { hugeBodyBytes: 2 << 20 }, 'ok'],
];

/** Socket-level codes: the ones undici and Node's `net` give a dropped connection. */
const SOCKET_CODES = ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'];

/** The cause chain's errors that came from a real socket: a socket code, with the socket (undici) or the syscall (net) that failed. */
function socketErrors(error: unknown): Error[] {
  const found: Error[] = [];
  for (let e = error; e instanceof Error; e = e.cause) {
    if ('code' in e && SOCKET_CODES.includes(String(e.code)) && ('socket' in e || 'syscall' in e)) found.push(e);
  }
  return found;
}

/** A client of `provider` over the sandbox's socket, on its clock, and the few calls these tests make. */
function clientOf(provider: ProviderName, sandbox: Sandbox, maxRetries?: number) {
  const options = {
    apiKey,
    baseUrl: sandbox.url,
    clock: sandbox.clock,
    timeoutMs: 30_000,
    retry: { baseDelayMs: 100 },
    ...(maxRetries === undefined ? {} : { maxRetries }),
  };
  const clock = sandbox.clock;
  switch (provider) {
    case 'nebius': {
      const client = createNebiusClient(options);
      return {
        start: async () =>
          (
            await client.jobs.create({
              model: 'meta-llama/Llama-3.1-8B-Instruct',
              training_file: (await client.files.upload(dataset(20))).id,
            })
          ).id,
        retrieve: async (id: string) => (await client.jobs.retrieve(id)).id,
        wait: async (id: string) => (await client.jobs.wait(id, { clock })).status,
      };
    }
    case 'together': {
      const client = createTogetherClient(options);
      return {
        start: async () =>
          (
            await client.jobs.create({
              model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
              training_file: (await client.files.upload(dataset(20))).id,
            })
          ).id,
        retrieve: async (id: string) => (await client.jobs.retrieve(id)).id,
        wait: async (id: string) => (await client.jobs.wait(id, { clock })).status,
      };
    }
    case 'openai': {
      const client = createOpenAIClient(options);
      return {
        start: async () =>
          (await client.jobs.create({ model: 'gpt-4o-mini-2024-07-18', training_file: (await client.files.upload(dataset(20))).id })).id,
        retrieve: async (id: string) => (await client.jobs.retrieve(id)).id,
        wait: async (id: string) => (await client.jobs.wait(id, { clock })).status,
      };
    }
    case 'azure': {
      const client = createAzureOpenAIClient(options);
      return {
        start: async () =>
          (await client.jobs.create({ model: 'gpt-4.1-mini-2025-04-14', training_file: (await client.files.upload(dataset(20))).id })).id,
        retrieve: async (id: string) => (await client.jobs.retrieve(id)).id,
        wait: async (id: string) => (await client.jobs.wait(id, { clock })).status,
      };
    }
  }
}

describe.each(['nebius', 'together', 'openai', 'azure'] as const)('%s: every fault over a real socket', (provider) => {
  it.each(faults)('%s: one request ends as it should; jobs.wait rides it out mid-wait', async (_name, fault, expected) => {
    await using sandbox = await startSandbox({ provider });
    const jobId = await clientOf(provider, sandbox).start();
    const route = ROUTES[provider].retrieve;

    sandbox.use({ route, fault, times: 1 });
    const single = await clientOf(provider, sandbox, 0)
      .retrieve(jobId)
      .then(
        (id) => ({ id }),
        (error: unknown) => ({ error }),
      );
    if (expected === 'ok') {
      expect(single).toEqual({ id: jobId });
    } else {
      const error = 'error' in single ? single.error : undefined;
      expect(error).toBeInstanceOf(expected);
      if (fault === 'malformed-json') {
        // The answer arrived whole: the body is what broke, not the connection.
        expect(error instanceof Error && error.cause).toBeInstanceOf(SyntaxError);
      } else if (expected === APIConnectionError) {
        // Over the socket the failure is undici's (or Node's) own, naming the socket or syscall that failed.
        expect(socketErrors(error).length, `socket errors in the cause chain of ${String(error)}`).toBeGreaterThan(0);
      }
    }

    // Mid-wait: three polls in a row spoiled (past the request's own retries, within the wait's error budget).
    sandbox.advance(40 * MINUTE); // well into training: the wait's first polls meet the fault, and few follow
    sandbox.use({ route, fault, times: 3 });
    const before = sandbox.requests.length;
    const status = await clientOf(provider, sandbox).wait(jobId);
    expect(status).toBe(provider === 'together' ? 'completed' : 'succeeded');
    const spoiled = sandbox.requests.slice(before).filter((request) => request.fault !== undefined);
    expect(spoiled).toHaveLength(3);
    expect(await eventually(() => sandbox.connections().inFlight === 0)).toBe(true);
  });
});

/** Polls `check` in real time until it holds, within a wide margin (it returns as soon as it holds). */
async function eventually(check: () => boolean, withinMs = 10_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
