import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  createNebiusClient,
  createOpenAIClient,
  createTogetherClient,
  NotFoundError,
  TunekitError,
  ValidationError,
} from '../../src/index.js';
import { startSandbox } from '../../src/testing.js';
import { dataset, failure, HOUR, MINUTE } from '../support/sandbox.js';

const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the clock', () => {
  it("'manual': nothing moves until advance(ms), which moves every key's time exactly", async () => {
    const start = Date.UTC(2030, 0, 1);
    await using sandbox = await startSandbox({ provider: 'nebius', clock: 'manual', listen: false, startTime: start });
    const nebius = createNebiusClient({ apiKey: 'k', baseUrl: sandbox.url, fetch: sandbox.fetch });
    const job = await nebius.jobs.create({ model: MODEL, training_file: (await nebius.files.upload(dataset(8))).id });
    expect(job.created_at).toBe(start / 1000);
    await sleep(30);
    expect(sandbox.now().getTime()).toBe(start);
    expect((await nebius.jobs.retrieve(job.id)).status).toBe('validating_files');
    expect(sandbox.advance(2 * MINUTE).getTime()).toBe(start + 2 * MINUTE);
    expect((await nebius.jobs.retrieve(job.id)).status).toBe('queued');
    expect(() => sandbox.advance(-1)).toThrow(ValidationError);
  });

  it('{ speed }: simulated time runs at that many times real time, so a job finishes on its own', async () => {
    await using sandbox = await startSandbox({ provider: 'nebius', clock: { speed: 600 }, listen: false });
    // Real time read on both sides of each simulated reading (the sandbox's clock is Date.now at a speed): the
    // simulated time moved is the real time between the inner readings at least, the outer ones at most, ×600
    // (±1 ms for Date.now's whole milliseconds). No bound on how long the sleep really took.
    const before = [Date.now(), sandbox.now().getTime(), Date.now()] as const;
    await sleep(50);
    const after = [Date.now(), sandbox.now().getTime(), Date.now()] as const;
    const moved = after[1] - before[1];
    expect(after[0] - before[2]).toBeGreaterThan(0);
    expect(moved).toBeGreaterThanOrEqual((after[0] - before[2] - 1) * 600);
    expect(moved).toBeLessThanOrEqual((after[2] - before[0] + 1) * 600);

    await using fast = await startSandbox({ provider: 'nebius', clock: { speed: 100_000 }, listen: false });
    const nebius = createNebiusClient({ apiKey: 'k', baseUrl: fast.url, fetch: fast.fetch });
    const job = await nebius.jobs.create({ model: MODEL, training_file: (await nebius.files.upload(dataset(8))).id });
    let status = job.status;
    while (status !== 'succeeded') {
      await sleep(5);
      status = (await nebius.jobs.retrieve(job.id)).status;
      expect(['validating_files', 'queued', 'running', 'succeeded']).toContain(status);
    }
  });

  it("'on-poll': each retrieve moves the key's time to the job's next change, so a naive loop sees every status and ends at once", async () => {
    await using sandbox = await startSandbox({ provider: 'together', clock: 'on-poll', listen: false });
    const together = createTogetherClient({ apiKey: 'poller', baseUrl: sandbox.url, fetch: sandbox.fetch });
    const file = await together.files.upload(dataset(64));
    const job = await together.jobs.create({ model: 'm-8B', training_file: file.id, n_checkpoints: 4 });
    const seen: string[] = [];
    let polls = 0;
    for (let status = ''; !['completed', 'error', 'cancelled'].includes(status); polls++) {
      status = (await together.jobs.retrieve(job.id)).status;
      if (seen[seen.length - 1] !== status) seen.push(status);
    }
    expect(seen).toEqual(['pending', 'queued', 'running', 'compressing', 'uploading', 'completed']);
    expect(polls).toBe(10); // 3 before training, 3 intermediate checkpoints, the end of training, 2 finishing phases, done
    expect(sandbox.now('poller').getTime() - sandbox.now().getTime()).toBeGreaterThan(HOUR / 2);
    expect((await together.jobs.checkpoints(job.id)).items).toHaveLength(4);
    const lists = (await together.jobs.list()).items; // lists never move time
    expect(lists[0]?.status).toBe('completed');
  });
});

describe('state per API key', () => {
  it('keeps keys apart: files, jobs and ids are invisible to other keys, also under concurrent use', async () => {
    await using sandbox = await startSandbox({ provider: 'nebius', listen: false });
    const client = (apiKey: string) => createNebiusClient({ apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch, maxRetries: 0 });
    const [alice, bob] = [client('alice-key'), client('bob-key')];
    const run = async (nebius: typeof alice) => {
      const file = await nebius.files.upload(dataset(8));
      const job = await nebius.jobs.create({ model: MODEL, training_file: file.id });
      return { file, job };
    };
    const [a, b] = await Promise.all([run(alice), run(bob)]);
    expect(a.job.id).not.toBe(b.job.id);
    expect((await alice.jobs.list()).items.map((job) => job.id)).toEqual([a.job.id]);
    expect((await bob.files.list()).items.map((file) => file.id)).toEqual([b.file.id]);
    await expect(bob.jobs.retrieve(a.job.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(alice.files.content(b.file.id)).rejects.toBeInstanceOf(NotFoundError);
    sandbox.script({ apiKey: 'bob-key', fail: { at: 'queued', code: 'bob_only' } });
    const [a2, b2] = [
      await alice.jobs.create({ model: MODEL, training_file: a.file.id }),
      await bob.jobs.create({ model: MODEL, training_file: b.file.id }),
    ];
    sandbox.advance(HOUR);
    expect((await alice.jobs.retrieve(a2.id)).status).toBe('succeeded');
    expect((await bob.jobs.retrieve(b2.id)).error?.code).toBe('bob_only');
  });
});

describe('scripts', () => {
  it('refuses a script it cannot follow, naming the field', async () => {
    await using sandbox = await startSandbox({ provider: 'openai', listen: false });
    // @ts-expect-error: not a status an OpenAI job passes through
    expect(() => sandbox.script({ fail: { at: 'compressing' } })).toThrow(
      /fail\.at: status "compressing" is not a status a job passes through \(validating_files, queued, running\)/,
    );
    expect(() => sandbox.script({ fail: { at: { step: 0 } } })).toThrow(
      /fail\.at = \{"step":0\} must be a status or \{ "step": N \} with N ≥ 1/,
    );
    expect(() => sandbox.script({ job: 'ftjob-nope', cancel: {} })).toThrow(/job = "ftjob-nope": no such job/);
    expect(() => sandbox.script({ fault: 302 })).toThrow(/fault = 302 must be a status 400–599/);
    expect(() => sandbox.script({ fault: 503, times: 0 })).toThrow(/times = 0 must be a whole number ≥ 1/);
    expect(() => sandbox.script({ fault: 503, match: 'get /files' })).toThrow(/match = "get \/files" must be/);
    expect(() => sandbox.script({ fail: {} })).not.toThrow();
    const error = (() => {
      try {
        // @ts-expect-error: not a fault
        sandbox.script({ fault: 'explode' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(TunekitError);
  });

  it('plans a script on a running job from now on, and keeps one for a paused job until it resumes', async () => {
    await using sandbox = await startSandbox({ provider: 'openai', listen: false });
    const openai = createOpenAIClient({ apiKey: 'k', baseUrl: sandbox.url, fetch: sandbox.fetch });
    const file = await openai.files.upload(dataset(20));
    const [running, paused] = [
      await openai.jobs.create({ model: 'm', training_file: file.id }),
      await openai.jobs.create({ model: 'm', training_file: file.id }),
    ];
    sandbox.advance(20 * MINUTE);
    const stepOf = async (id: string) =>
      Number(
        /^Step (\d+)/.exec((await openai.jobs.events(id, { limit: 100 })).items.find((e) => e.type === 'metrics')?.message ?? '')?.[1],
      );
    const now = await stepOf(running.id);
    expect(() => sandbox.script({ job: running.id, fail: { at: 'queued' } })).toThrow(
      `job ${running.id}: the job is already past status "queued"`,
    );
    expect(() => sandbox.script({ job: running.id, fail: { at: { step: 1 } } })).toThrow('is already past step 1');
    sandbox.script({ job: running.id, fail: { at: 'running', code: 'late' } }); // halfway through the training left
    await openai.jobs.pause(paused.id);
    sandbox.script({ job: paused.id, cancel: { at: { step: now + 5 } } });
    sandbox.advance(10 * HOUR);
    expect((await openai.jobs.retrieve(paused.id)).status).toBe('paused');
    await openai.jobs.resume(paused.id);
    sandbox.advance(10 * HOUR);
    expect((await openai.jobs.retrieve(paused.id)).status).toBe('cancelled');
    expect(await stepOf(paused.id)).toBe(now + 5);
    const failed = await openai.jobs.retrieve(running.id);
    expect(failed.error?.code).toBe('late');
    expect(await stepOf(running.id)).toBe(Math.round((now + 60) / 2)); // 60 steps: halfway from `now` to the end
    expect(() => sandbox.script({ job: running.id, fail: {} })).toThrow('has already ended (failed)');
  });

  it('fails a job past its end of steps at its last step, and a scripted fault only where it matches', async () => {
    await using sandbox = await startSandbox({ provider: 'nebius', listen: false });
    const nebius = createNebiusClient({ apiKey: 'k', baseUrl: sandbox.url, fetch: sandbox.fetch, maxRetries: 0 });
    sandbox.script({ fail: { at: { step: 10_000 } } });
    const job = await nebius.jobs.create({ model: MODEL, training_file: (await nebius.files.upload(dataset(8))).id });
    sandbox.script({ fault: 418, match: '/v1/files/*' });
    expect((await nebius.jobs.list()).items.map((j) => j.id)).toEqual([job.id]);
    await expect(nebius.files.retrieve('file-x')).rejects.toMatchObject({ status: 418 });
    // The fault spoiled only the request it matched.
    expect(sandbox.requests.slice(-2).map((r) => [r.method, r.path, r.status, r.fault])).toEqual([
      ['GET', '/v1/fine_tuning/jobs', 200, undefined],
      ['GET', '/v1/files/file-x', 418, '418'],
    ]);
    sandbox.advance(HOUR);
    expect(await nebius.jobs.retrieve(job.id)).toMatchObject({
      status: 'failed',
      trained_steps: 3,
      total_steps: 3,
      error: { code: 'training_error' },
    });
  });
});

describe('the HTTP controls and the request log', () => {
  it('serve health, advance, script, requests and reset under /_sandbox on the same server', async () => {
    await using sandbox = await startSandbox({ provider: 'together', clock: 'manual', startTime: Date.UTC(2031, 5, 1) });
    const control = (path: string, init?: RequestInit) =>
      fetch(`${sandbox.controlUrl}${path}`, init).then(async (r) => [r.status, await r.json()] as const);
    const post = (path: string, body: unknown) =>
      control(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(await control('/health')).toEqual([
      200,
      expect.objectContaining({
        status: 'ok',
        provider: 'together',
        url: sandbox.url,
        clock: { mode: 'manual' },
        now: '2031-06-01T00:00:00.000Z',
      }),
    ]);
    expect(await post('/advance', { ms: HOUR })).toEqual([200, { now: '2031-06-01T01:00:00.000Z' }]);
    expect(await post('/advance', { ms: 'soon' })).toEqual([
      400,
      { error: { message: 'ms = "soon" must be a number of milliseconds ≥ 0 (send {"ms": 60000})' } },
    ]);
    expect(await post('/script', { fail: { at: 'queued' }, cancel: {} })).toEqual([
      400,
      { error: { message: 'a job script needs exactly one of "fail" and "cancel"' } },
    ]);
    expect(await post('/script', { fail: { at: 'queued', message: 'No GPUs left' } })).toEqual([200, { scripted: true }]);
    expect(await post('/script', { fault: { status: 503 }, match: 'POST /fine-tunes' })).toEqual([200, { scripted: true }]);

    const together = createTogetherClient({ apiKey: 'secret-api-key-1234', baseUrl: sandbox.url, retry: { baseDelayMs: 1 } });
    const file = await together.files.upload(dataset(8));
    const job = await together.jobs.create({ model: 'm', training_file: file.id, wandb_api_key: 'wandb-secret-5678' });
    await post('/advance', { ms: HOUR });
    expect((await together.jobs.retrieve(job.id)).events?.at(-1)?.message).toBe('No GPUs left');

    const [status, { data }] = await control('/requests');
    expect(status).toBe(200);
    expect(data.map((r: { method: string; path: string; status: number }) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /v1/files/upload 200',
      'POST /v1/fine-tunes 503',
      'POST /v1/fine-tunes 200',
      `GET /v1/fine-tunes/${job.id} 200`,
    ]);
    expect(data[2].body).toMatchObject({ model: 'm', wandb_api_key: '[redacted]' });
    expect(data[0].body).toEqual({
      file: { filename: 'train.jsonl', bytes: dataset(8).size },
      file_name: 'train.jsonl',
      purpose: 'fine-tune',
    });
    const log = JSON.stringify(sandbox.requests);
    expect(log).not.toContain('secret-api-key-1234');
    expect(log).not.toContain('wandb-secret-5678');
    expect(data[0].key).toMatch(/^key_[0-9a-f]{8}$/);

    expect(await control('/requests', { method: 'DELETE' })).toEqual([200, { cleared: true }]);
    expect(sandbox.requests).toHaveLength(0);
    expect(await post('/reset', {})).toEqual([200, { reset: true }]);
    await expect(together.jobs.retrieve(job.id)).rejects.toBeInstanceOf(NotFoundError);
    const [missing, body] = await control('/nope');
    expect(missing).toBe(404);
    expect(body.error.message).toMatch(/^no control GET \/_sandbox\/nope; the controls are: GET \/_sandbox\/health/);
  });
});

describe('startSandbox', () => {
  it('names every bad option, before starting anything', async () => {
    // @ts-expect-error: not a provider
    const error = await failure(startSandbox({ provider: 'vertex', clock: { speed: 0 }, port: 70_000, apiKeys: [] }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.field)).toEqual(['provider', 'clock', 'apiKeys', 'port']);
    expect((error as ValidationError).message).toMatch(/provider = "vertex" must be one of nebius, together, openai, azure/);
  });

  it('without listening, answers only through sandbox.fetch; closed, it answers nothing and frees its port', async () => {
    await using quiet = await startSandbox({ provider: 'openai', listen: false });
    expect(quiet.url).toBe('http://sandbox.invalid/v1');
    expect((await quiet.fetch(`${quiet.url}/files`, { headers: { authorization: 'Bearer k' } })).status).toBe(200);
    let url = '';
    {
      await using sandbox = await startSandbox({ provider: 'openai' });
      url = sandbox.url;
      expect((await fetch(`${url}/files`, { headers: { authorization: 'Bearer k' } })).status).toBe(200);
    }
    await expect(fetch(`${url}/files`)).rejects.toThrow(TypeError); // refused: the port is closed
    await quiet.close();
    await quiet.close();
    await expect(quiet.fetch(`${quiet.url}/files`)).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('says which port is taken', async () => {
    await using first = await startSandbox({ provider: 'nebius' });
    const port = Number(new URL(first.url).port);
    const error = await failure(startSandbox({ provider: 'nebius', port }));
    expect((error as Error).message).toBe(`startSandbox: cannot listen on 127.0.0.1:${port}: port ${port} is in use`);
  });
});

describe('the request log', () => {
  it('records a secret the document does not name (sent with validate: false) as [redacted], by its name, at any depth', async () => {
    await using sandbox = await startSandbox({ provider: 'together', clock: 'manual', listen: false });
    const together = createTogetherClient({ apiKey: 'k', baseUrl: sandbox.url, fetch: sandbox.fetch, validate: false, maxRetries: 0 });
    const file = await together.files.upload(dataset(8));
    const canary = 'hf_CANARYrecorder0123456789';
    const body = { model: MODEL, training_file: file.id, hf_token: canary, extra: { wandbApiKey: canary, note: 'kept' } };
    await together.jobs.create(body as Parameters<typeof together.jobs.create>[0]).catch(() => undefined);
    const recorded = sandbox.requests.find((r) => r.method === 'POST' && r.path.endsWith('/fine-tunes'));
    expect(recorded?.body).toMatchObject({ hf_token: '[redacted]', extra: { wandbApiKey: '[redacted]', note: 'kept' } });
    expect(JSON.stringify(sandbox.requests)).not.toContain(canary);
  });
});
