/**
 * `jobs.wait` on every provider, against the sandbox: to success, failure, cancellation, OpenAI's pause and resume,
 * abort during a sleep, a whole-wait timeout, a burst of 503s and a 429 mid-wait, and a resume from saved state with no
 * event missed or repeated. The wait runs on the sandbox's clock (its sleeps pass in simulated time), so the real
 * polling policy runs whole lifecycles in milliseconds.
 */
import { describe, expect, it } from 'vitest';
import {
  createNebiusClient,
  createOpenAIClient,
  createTogetherClient,
  JobCancelledError,
  JobFailedError,
  WaitAbortedError,
  WaitTimeoutError,
  type JobEvent,
  type WaitProgress,
  type WaitState,
} from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { collect, dataset, HOUR, MINUTE } from '../support/sandbox.js';

type Provider = 'nebius' | 'together' | 'openai';
const apiKey = 'wait-test-key';
const MODELS: Record<Provider, string> = {
  nebius: 'meta-llama/Llama-3.1-8B-Instruct',
  together: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
  openai: 'gpt-4o-mini-2024-07-18',
};

/** Each provider's client on an in-process sandbox, with the few calls these tests make written once. */
async function setUp<P extends Provider>(provider: P) {
  const sandbox: Sandbox = await startSandbox({ provider, clock: 'manual', listen: false });
  const options = { apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch, retry: { baseDelayMs: 1, maxDelayMs: 5 } };
  const clients = { nebius: createNebiusClient(options), together: createTogetherClient(options), openai: createOpenAIClient(options) };
  const client = clients[provider];
  const start = async (examples = 40): Promise<string> => {
    const file = await client.files.upload(dataset(examples));
    if (provider === 'together')
      return (
        await clients.together.jobs.create({
          model: MODELS.together,
          training_file: file.id,
          n_epochs: 2,
          n_evals: 2,
          validation_file: file.id,
        })
      ).id;
    if (provider === 'openai')
      return (await clients.openai.jobs.create({ model: MODELS.openai, training_file: file.id, validation_file: file.id })).id;
    return (
      await clients.nebius.jobs.create({
        model: MODELS.nebius,
        training_file: file.id,
        validation_file: file.id,
        hyperparameters: { n_epochs: 2 },
      })
    ).id;
  };
  const wait = (jobId: string, options: Parameters<typeof clients.nebius.jobs.wait>[1] = {}) =>
    provider === 'together'
      ? clients.together.jobs.wait(jobId, { clock: sandbox.clock, ...options } as never)
      : provider === 'openai'
        ? clients.openai.jobs.wait(jobId, { clock: sandbox.clock, ...options } as never)
        : clients.nebius.jobs.wait(jobId, { clock: sandbox.clock, ...options });
  /** How many events the job has, by the provider's own list. */
  const eventCount = async (jobId: string): Promise<number> =>
    provider === 'together'
      ? (await collect(clients.together.jobs.events(jobId))).length
      : provider === 'openai'
        ? (await collect(clients.openai.jobs.events(jobId))).length
        : (await collect(clients.nebius.jobs.events(jobId))).length;
  return { sandbox, clients, client, start, wait, eventCount };
}

const providers: Provider[] = ['nebius', 'together', 'openai'];

describe.each(providers)('%s: jobs.wait', (provider) => {
  it('follows a job to success: progress only on change, steps up, loss down, every event once and in order', async () => {
    const { sandbox, start, wait, eventCount } = await setUp(provider);
    await using _ = sandbox;
    const jobId = await start();
    const seen: WaitProgress[] = [];
    const job = await wait(jobId, { onProgress: (p) => seen.push(structuredClone({ ...p, job: undefined })) });
    expect(job.status).toBe(provider === 'together' ? 'completed' : 'succeeded');
    // Statuses in order, each transition reported.
    const statuses = seen.map((p) => p.status).filter((s, i, all) => s !== all[i - 1]);
    expect(statuses).toEqual(
      provider === 'nebius' || provider === 'openai'
        ? ['validating', 'queued', 'running', 'succeeded']
        : ['queued', 'running', 'succeeded'],
    );
    // Only changes: no two consecutive reports alike with no new event.
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1], seen[i]];
      const same =
        a?.status === b?.status &&
        a?.step === b?.step &&
        a?.trainingLoss === b?.trainingLoss &&
        a?.estimatedFinish === b?.estimatedFinish &&
        a?.epoch === b?.epoch;
      expect(same && b?.events.length === 0).toBe(false);
    }
    const steps = seen.map((p) => p.step).filter((s): s is number => s !== undefined);
    expect(steps.length).toBeGreaterThan(2);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(seen.at(-1)?.step).toBe(seen.at(-1)?.totalSteps);
    const losses = seen.map((p) => p.trainingLoss).filter((l): l is number => l !== undefined);
    expect(losses.length).toBeGreaterThan(1);
    expect(losses.at(-1)).toBeLessThan(losses[0] ?? 0);
    expect(seen.some((p) => p.validationLoss !== undefined)).toBe(true);
    // Events: the job's whole list, each once, oldest first.
    const delivered = seen.flatMap((p) => p.events.map((e: JobEvent) => e.id));
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(delivered).toHaveLength(await eventCount(jobId));
    const times = seen.flatMap((p) => p.events.map((e: JobEvent) => new Date(e.at).getTime()));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("throws JobFailedError with the provider's own code and message when the job fails", async () => {
    const { sandbox, start, wait } = await setUp(provider);
    await using _ = sandbox;
    sandbox.script({ fail: { at: { step: 3 }, code: 'training_oom', message: 'CUDA out of memory at step 3' } });
    const jobId = await start();
    const error = await wait(jobId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error).toMatchObject({ provider, jobId, providerMessage: expect.stringContaining('CUDA out of memory at step 3') });
    // Together's job carries no error object: its code is unknown, its message the job's last error event.
    expect((error as JobFailedError).code).toBe(provider === 'together' ? undefined : 'training_oom');
    expect((error as Error).message).toMatch(new RegExp(`^${provider} job ${jobId} failed: .*CUDA out of memory at step 3`));
    expect((error as JobFailedError).job).toMatchObject({ id: jobId });
  });

  it('throws JobCancelledError when the provider cancels the job', async () => {
    const { sandbox, start, wait } = await setUp(provider);
    await using _ = sandbox;
    sandbox.script({ cancel: { at: 'running' } });
    const jobId = await start();
    const error = await wait(jobId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobCancelledError);
    expect((error as Error).message).toBe(`${provider} job ${jobId} was cancelled`);
  });

  it('times out after timeoutMs with a WaitTimeoutError that says the job is still running, and leaves it running', async () => {
    const { sandbox, client, start, wait } = await setUp(provider);
    await using _ = sandbox;
    const jobId = await start(400);
    const error = await wait(jobId, { timeoutMs: 20 * MINUTE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toMatch(
      new RegExp(`^${provider} job ${jobId} is still (queued|running)(, step \\d+/\\d+)? after 20 min of waiting; it keeps running`),
    );
    expect((await client.jobs.retrieve(jobId)).status).not.toMatch(/cancel/);
  });

  it('rides out a burst of 503s (past the per-request retries) and a 429 whose Retry-After is too long for a request retry', async () => {
    const { sandbox, start, wait } = await setUp(provider);
    await using _ = sandbox;
    const jobId = await start();
    sandbox.advance(10 * MINUTE);
    const from = sandbox.requests.length;
    sandbox.script({ fault: 503, times: 7, match: 'GET' });
    const job = await wait(jobId, { maxPollErrors: 5, onProgress: () => undefined });
    expect(job.status).toMatch(/succeeded|completed/);
    // All seven 503s were served (more than the request's own retries: the wait rode them out), then an answer.
    const burst = sandbox.requests.slice(from);
    expect(burst.slice(0, 7).map((r) => [r.method, r.status, r.fault])).toEqual(Array.from({ length: 7 }, () => ['GET', 503, '503']));
    expect(burst.slice(7).every((r) => r.fault === undefined)).toBe(true);
    expect(burst[7]?.status).toBe(200);

    const before = sandbox.requests.length;
    const second = await start();
    sandbox.script({ fault: { status: 429, retryAfter: 120 }, times: 1, match: 'GET' });
    await wait(second);
    const gets = sandbox.requests.slice(before).filter((r) => r.method === 'GET');
    const limited = gets.findIndex((r) => r.status === 429);
    expect(gets[limited]?.fault).toBe('429 retry-after 120');
    // The next GET waited out the Retry-After (no request retry in between: it asked for more than a request retries).
    const next = gets[limited + 1];
    expect(next?.status).toBe(200);
    expect(new Date(next?.at ?? 0).getTime() - new Date(gets[limited]?.at ?? 0).getTime()).toBeGreaterThanOrEqual(120_000);
  });

  it('resumes from saved state in a new wait: no event missed, none repeated', async () => {
    const { sandbox, start, wait, eventCount } = await setUp(provider);
    await using _ = sandbox;
    const jobId = await start(60);
    const first: string[] = [];
    let saved: WaitState | undefined;
    const controller = new AbortController();
    const stopped = await wait(jobId, {
      signal: controller.signal,
      onProgress: (p) => {
        first.push(...p.events.map((e: JobEvent) => e.id));
        saved = JSON.parse(JSON.stringify(p.state)) as WaitState; // as a process would store it
        if (p.status === 'running' && first.length >= 4) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(WaitAbortedError);
    expect((stopped as WaitAbortedError).message).toMatch(
      new RegExp(`^${provider} job ${jobId}: waiting stopped by the caller; the job keeps running`),
    );
    sandbox.advance(7 * MINUTE); // time passes while nobody watches: events pile up
    const second: string[] = [];
    await wait(jobId, { resume: saved, onProgress: (p) => second.push(...p.events.map((e: JobEvent) => e.id)) });
    const all = await eventCount(jobId);
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    expect(new Set([...first, ...second]).size).toBe(first.length + second.length);
    expect(first.length + second.length).toBe(all);
  });

  it('refuses a resume state of another job', async () => {
    const { sandbox, start, wait } = await setUp(provider);
    await using _ = sandbox;
    const jobId = await start();
    await expect(wait(jobId, { resume: { v: 1, provider, jobId: 'other-job', eventsUpTo: undefined } })).rejects.toThrow(
      `${provider} job ${jobId}: the resume state is of ${provider} job other-job`,
    );
  });
});

describe('abort and pause', () => {
  it.each(providers)(
    '%s: an abort during a real sleep ends the wait at once (not at the end of the sleep), and never cancels the job',
    async (provider) => {
      const { sandbox, client, start } = await setUp(provider);
      await using _ = sandbox;
      const jobId = await start();
      const controller = new AbortController();
      const before = sandbox.requests.length;
      let polled = 0;
      // Real time, no clock option: after the first poll the wait sleeps a whole minute, and the abort lands in it.
      const options = {
        signal: controller.signal,
        pollIntervalMs: 60_000,
        onProgress: () => {
          if (polled++ === 0) setTimeout(() => controller.abort(), 20);
        },
      };
      const started = performance.now();
      const error = await (
        provider === 'together'
          ? (client as ReturnType<typeof createTogetherClient>).jobs.wait(jobId, options)
          : provider === 'openai'
            ? (client as ReturnType<typeof createOpenAIClient>).jobs.wait(jobId, options)
            : (client as ReturnType<typeof createNebiusClient>).jobs.wait(jobId, options)
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WaitAbortedError);
      expect((error as WaitAbortedError).state).toMatchObject({ v: 1, provider, jobId });
      // Far below the minute of sleep it cut short (a wide margin for a loaded machine).
      expect(performance.now() - started).toBeLessThan(20_000);
      expect(polled).toBe(1);
      expect(sandbox.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
      expect((await client.jobs.retrieve(jobId)).status).toBe(provider === 'together' ? 'pending' : 'validating_files');
    },
  );

  it('openai: a paused job is reported paused, not final; the wait goes on after a resume to success', async () => {
    const { sandbox, clients, start, wait } = await setUp('openai');
    await using _ = sandbox;
    const jobId = await start(80);
    const statuses: string[] = [];
    let acted: Promise<unknown> = Promise.resolve();
    const job = await wait(jobId, {
      onProgress: (p) => {
        if (statuses.at(-1) !== p.status) statuses.push(p.status);
        if (p.status === 'running' && !statuses.includes('paused')) acted = clients.openai.jobs.pause(jobId);
        if (p.status === 'paused') acted = acted.then(() => clients.openai.jobs.resume(jobId));
      },
    });
    await acted;
    expect(job.status).toBe('succeeded');
    expect(statuses).toEqual(['validating', 'queued', 'running', 'paused', 'running', 'succeeded']);
  });

  it('polls few times: about 2 requests a minute while training (the job and a page of events), never a burst', async () => {
    const { sandbox, start, wait } = await setUp('nebius');
    await using _ = sandbox;
    const jobId = await start(2_000);
    const before = sandbox.requests.length;
    const t0 = sandbox.now().getTime();
    await wait(jobId, { onProgress: () => undefined });
    const requests = sandbox.requests.slice(before);
    const hours = (sandbox.now().getTime() - t0) / HOUR;
    expect(hours).toBeGreaterThan(0.5);
    expect(requests.length / (hours * 60)).toBeLessThan(2.5);
    // No burst: never two retrieves of the job within 4 simulated seconds.
    const retrieves = requests.filter((r) => r.method === 'GET' && r.path.endsWith(jobId)).map((r) => new Date(r.at).getTime());
    expect(retrieves.length).toBeGreaterThan(20);
    for (let i = 1; i < retrieves.length; i++) expect((retrieves[i] ?? 0) - (retrieves[i - 1] ?? 0)).toBeGreaterThanOrEqual(4_000);
  });
});
