import { afterEach, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  createNebiusClient,
  createOpenAIClient,
  createTogetherClient,
  InternalServerError,
  type ProviderName,
} from '../../src/index.js';
import { isRecord } from '../../src/core/records.js';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { held, ROUTES } from './clients.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const apiKey = 'sk-test-0000';
async function sandboxOf<P extends ProviderName>(provider: P): Promise<Sandbox<P>> {
  const started = await startSandbox({ provider });
  sandbox = started;
  return started;
}
const fast = (s: Sandbox) => ({ apiKey, baseUrl: s.url, retry: { baseDelayMs: 10 }, timeoutMs: 3_000, clock: s.clock });
const creates = (s: Sandbox) => s.requests.filter((r) => r.operation === ROUTES[s.provider].create);
/** Jobs the key holds (all made by the test: it starts with none). */
const jobsOf = async (s: Sandbox) => (await held(s, apiKey)).jobs;
const lines: string[] = [];
const logger = {
  error: (l: string) => lines.push(l),
  warn: (l: string) => lines.push(l),
  info: (l: string) => lines.push(l),
  debug: () => undefined,
};

/** A job list or job as a Nebius that does not show `tags` would answer it. */
function withoutTags(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTags);
  if (!isRecord(value)) return value;
  if (Array.isArray(value.data)) return { ...value, data: value.data.map(withoutTags) };
  const { tags: _tags, ...rest } = value;
  return rest;
}

describe('a create whose answer is lost never makes a second job', () => {
  it('nebius: the job is recorded, the connection reset before the answer → one job, and the caller gets it', async () => {
    const s = await sandboxOf('nebius');
    s.use({ route: 'POST /v1/fine_tuning/jobs', fault: 'lost-answer', times: 1 });
    lines.length = 0;
    const nebius = createNebiusClient({ ...fast(s), logLevel: 'info', logger });
    const job = await nebius.jobs.create({ model: 'm', training_file: 'file-1' });
    expect(await jobsOf(s)).toEqual([job.id]);
    expect(job).toEqual(await nebius.jobs.retrieve(job.id));
    expect(creates(s)).toHaveLength(1); // looked up, not sent again
    expect(job.tags).toEqual([expect.stringMatching(/^tunekit-[0-9a-f-]{36}$/)]);
    expect(lines.some((l) => l.includes('found the job it created'))).toBe(true);
  });

  it("openai: same, with the key in metadata (the user's own metadata kept)", async () => {
    const s = await sandboxOf('openai');
    s.use({ route: 'POST /fine_tuning/jobs', fault: 'lost-answer', times: 1 });
    const openai = createOpenAIClient(fast(s));
    const job = await openai.jobs.create({ model: 'gpt-4o-mini-2024-07-18', training_file: 'file-1', metadata: { team: 'ml' } });
    expect(await jobsOf(s)).toEqual([job.id]);
    expect(job).toEqual(await openai.jobs.retrieve(job.id));
    expect(job.metadata).toEqual({ team: 'ml', tunekit_create_key: expect.stringMatching(/^tunekit-/) });
    expect(creates(s)).toHaveLength(1);
  });

  it('a reset before the server acted: the lookup finds nothing, so the create is sent again with the same key', async () => {
    const s = await sandboxOf('nebius');
    s.use({ route: 'POST /v1/fine_tuning/jobs', fault: 'reset', times: 1 });
    const nebius = createNebiusClient(fast(s));
    const job = await nebius.jobs.create({ model: 'm', training_file: 'file-1' });
    const sent = creates(s);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.body).toEqual(sent[0]?.body);
    expect(sent[0]?.body).toMatchObject({ tags: [expect.stringMatching(/^tunekit-/)] });
    expect(await jobsOf(s)).toEqual([job.id]);
  });

  it('nebius jobs that do not show their tags: the lookup cannot tell, so no second create; a typed error says so', async () => {
    const s = await sandboxOf('nebius');
    const hideTags = async (_request: Request, own: () => Promise<Response>) => {
      const answer = await own();
      const body: unknown = await answer.json();
      return Response.json(withoutTags(body), { status: answer.status });
    };
    s.use(
      { route: 'POST /v1/fine_tuning/jobs', fault: 'lost-answer', times: 1 },
      { route: ['GET /v1/fine_tuning/jobs', 'GET /v1/fine_tuning/jobs/{job_id}'], respond: hideTags },
    );
    const nebius = createNebiusClient(fast(s));
    const error = await nebius.jobs.create({ model: 'm', training_file: 'file-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(String(error)).toMatch(/nebius POST \/v1\/fine_tuning\/jobs: connection failed .*may have acted on it/);
    expect(creates(s)).toHaveLength(1);
    expect(s.requests.filter((r) => r.fault === 'respond').map((r) => r.operation)).toEqual(['GET /v1/fine_tuning/jobs']);
    expect(await jobsOf(s)).toHaveLength(1);
  });

  it('together (no field to carry a key): a lost answer is never resent', async () => {
    const s = await sandboxOf('together');
    s.use({ route: 'POST /fine-tunes', fault: 'lost-answer' });
    const together = createTogetherClient(fast(s));
    const error = await together.jobs.create({ model: 'm', training_file: 'file-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(String(error)).toContain('may have acted on it');
    expect(creates(s)).toHaveLength(1);
    expect(await jobsOf(s)).toHaveLength(1);
  });

  it('together: a 500 on create is not retried (the server may have created the job)', async () => {
    const s = await sandboxOf('together');
    s.use({ route: 'POST /fine-tunes', fault: { status: 502, html: true } });
    const together = createTogetherClient(fast(s));
    await expect(together.jobs.create({ model: 'm', training_file: 'file-1' })).rejects.toThrow(InternalServerError);
    expect(creates(s)).toHaveLength(1);
  });

  it.each(['nebius', 'together', 'openai'] as const)(
    '%s: 503 and 429 mean "not created": the same create is simply sent again',
    async (provider) => {
      const s = await sandboxOf(provider);
      s.use(
        { route: ROUTES[provider].create, fault: 503, times: 1 },
        { route: ROUTES[provider].create, fault: { status: 429, retryAfter: 0.05, retryAfterAs: 'ms' }, times: 1 },
      );
      const options = fast(s);
      const body = { model: provider === 'openai' ? 'gpt-4o-mini-2024-07-18' : 'm', training_file: 'file-1' };
      const job =
        provider === 'nebius'
          ? await createNebiusClient(options).jobs.create(body)
          : provider === 'openai'
            ? await createOpenAIClient(options).jobs.create(body)
            : await createTogetherClient(options).jobs.create(body);
      const sent = creates(s);
      expect(sent.map((r) => r.fault)).toEqual(['503', '429 retry-after 0.05 (ms)', undefined]);
      expect(new Set(sent.map((r) => JSON.stringify(r.body))).size).toBe(1);
      expect(await jobsOf(s)).toEqual([job.id]);
    },
  );

  it('a refused connection proves nothing was sent: the create is retried', async () => {
    lines.length = 0;
    const closed = await startSandbox({ provider: 'nebius' });
    await closed.close(); // a port that nothing listens on
    const nebius = createNebiusClient({
      apiKey,
      baseUrl: closed.url,
      logLevel: 'warn',
      logger,
      retry: { baseDelayMs: 10 },
      clock: closed.clock,
    });
    const error = await nebius.jobs.create({ model: 'm', training_file: 'file-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(String(error)).not.toContain('may have acted');
    expect(lines.filter((l) => /ECONNREFUSED[^;]*; retry \d of 2/.test(l))).toHaveLength(2);
  });
});
