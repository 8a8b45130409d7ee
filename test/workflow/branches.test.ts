/**
 * The failure branches of `jobs.wait`, `models.wait` and `train()`: errors thrown at once mid-wait, a transient
 * budget running out, a Retry-After above the cap, a status a provider adds later; Nebius's custom models called
 * directly (short and full names), a model that ends in error, a model wait that times out or is aborted; `train()`
 * aborted at each stage, a file that fails processing or never finishes it, a Blob and a stream as the training file.
 * The sandbox (manual clock) where it can play the part; a real node:http server where it cannot (a status it never
 * answers), with an injected clock.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  APIError,
  AuthenticationError,
  createNebiusClient,
  createTuner,
  ModelDeploymentError,
  NotFoundError,
  TunekitError,
  WaitAbortedError,
  WaitTimeoutError,
  type TrainProgress,
  type WaitClock,
} from '../../src/index.js';
import { startSandbox } from '../../src/testing.js';
import { json, startLocalServer } from '../support/local-server.js';
import { collect, dataset, failure, HOUR, jsonl, MINUTE } from '../support/sandbox.js';

const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const apiKey = 'branches-key';

/** A clock whose sleeps pass at once, in simulated time. */
function simulatedClock(): WaitClock & { slept: number[] } {
  let now = Date.UTC(2026, 0, 1);
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      slept.push(ms);
      now += ms;
    },
  };
}

async function nebiusOnSandbox() {
  const sandbox = await startSandbox({ provider: 'nebius', clock: 'manual', listen: false });
  const nebius = createNebiusClient({ apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch, maxRetries: 0 });
  const start = async (): Promise<string> =>
    (await nebius.jobs.create({ model: MODEL, training_file: (await nebius.files.upload(dataset(40))).id })).id;
  return { sandbox, nebius, start };
}

describe('jobs.wait: the branches that end or bend a wait', () => {
  it.each([
    [401, AuthenticationError],
    [404, NotFoundError],
  ] as const)('a %i mid-wait is thrown at once: no retry, no further poll', async (status, type) => {
    const { sandbox, nebius, start } = await nebiusOnSandbox();
    await using _ = sandbox;
    const jobId = await start();
    let from = 0;
    const error = await failure(
      nebius.jobs.wait(jobId, {
        clock: sandbox.clock,
        onProgress: () => {
          if (from) return;
          from = sandbox.requests.length;
          sandbox.script({ fault: status, match: 'GET' });
        },
      }),
    );
    expect(error).toBeInstanceOf(type);
    expect((error as APIError).status).toBe(status);
    expect(sandbox.requests.slice(from).map((r) => [r.method, r.status])).toEqual([['GET', status]]);
  });

  it('running out of its transient-error budget throws the last error after maxPollErrors + 1 polls', async () => {
    const { sandbox, nebius, start } = await nebiusOnSandbox();
    await using _ = sandbox;
    const jobId = await start();
    const from = sandbox.requests.length;
    sandbox.script({ fault: 503, times: 50, match: 'GET' });
    const error = await failure(nebius.jobs.wait(jobId, { clock: sandbox.clock, maxPollErrors: 2 }));
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(503);
    expect(sandbox.requests.slice(from).map((r) => r.status)).toEqual([503, 503, 503]);
  });

  it('a Retry-After above the 5-minute cap is waited for 5 minutes, not longer', async () => {
    const { sandbox, nebius, start } = await nebiusOnSandbox();
    await using _ = sandbox;
    const jobId = await start();
    let armed = false;
    await nebius.jobs.wait(jobId, {
      clock: sandbox.clock,
      onProgress: () => {
        if (!armed) sandbox.script({ fault: { status: 429, retryAfter: 3_600 }, match: 'GET' });
        armed = true;
      },
    });
    const gets = sandbox.requests.filter((r) => r.method === 'GET');
    const limited = gets.findIndex((r) => r.status === 429);
    expect(limited).toBeGreaterThan(0);
    const gap = new Date(gets[limited + 1]?.at ?? 0).getTime() - new Date(gets[limited]?.at ?? 0).getTime();
    expect(gap).toBe(5 * MINUTE);
  });

  it('a status the provider adds later is not final: the wait keeps the last known status and goes on to success', async () => {
    const statuses = ['queued', 'warming_up', 'warming_up', 'succeeded'];
    let polls = 0;
    const server = await startLocalServer((request, res) => {
      if (request.url.includes('/events')) return json(res, 200, { object: 'list', data: [], has_more: false });
      const status = statuses[Math.min(polls++, statuses.length - 1)];
      json(res, 200, { id: 'ftjob-1', object: 'fine_tuning.job', status, model: MODEL, training_file: 'file-1', created_at: 1 });
    });
    try {
      const nebius = createNebiusClient({ apiKey, baseUrl: server.url, maxRetries: 0 });
      const seen: [string, string][] = [];
      const job = await nebius.jobs.wait('ftjob-1', {
        clock: simulatedClock(),
        onProgress: (p) => seen.push([p.status, p.providerStatus]),
      });
      expect(job.status).toBe('succeeded');
      expect(polls).toBe(4);
      expect(seen[0]).toEqual(['queued', 'queued']);
      expect(seen).toContainEqual(['queued', 'warming_up']);
      expect(seen.at(-1)).toEqual(['succeeded', 'succeeded']);
    } finally {
      await server.close();
    }
  });
});

describe('nebius custom models, called directly', () => {
  /** A job trained to the end, and the source of its last checkpoint. */
  async function trained() {
    const setup = await nebiusOnSandbox();
    const jobId = await setup.start();
    setup.sandbox.advance(10 * HOUR);
    const checkpoints = await collect(setup.nebius.jobs.checkpoints(jobId));
    expect(checkpoints.length).toBeGreaterThan(0);
    return { ...setup, source: `${jobId}:${checkpoints[0]?.id ?? ''}` };
  }

  it('create, wait to active, retrieve and delete by short and by full name, list', async () => {
    const { sandbox, nebius, source } = await trained();
    await using _ = sandbox;
    const created = await nebius.models.create({ name: 'support-bot', base_model: MODEL, source });
    expect(created).toMatchObject({ status: 'validating', base_model: MODEL, source });
    expect(created.name).toMatch(/^meta-llama\/Llama-3\.1-8B-Instruct-LoRa:support-bot-[a-z]{4}$/);
    const short = created.name.slice(created.name.indexOf(':') + 1);
    const t0 = sandbox.now().getTime();
    const statuses: string[] = [];
    const active = await nebius.models.wait(created.name, { clock: sandbox.clock, onProgress: (_model, status) => statuses.push(status) });
    expect(active).toMatchObject({ name: created.name, status: 'active' });
    expect(statuses).toEqual(['validating', 'active']);
    expect(sandbox.now().getTime() - t0).toBeGreaterThanOrEqual(5 * MINUTE);

    const from = sandbox.requests.length;
    expect(await nebius.models.retrieve(short)).toMatchObject({ name: created.name, status: 'active' });
    expect(await nebius.models.retrieve(created.name)).toMatchObject({ name: created.name, status: 'active' });
    expect(sandbox.requests.slice(from).map((r) => r.operation)).toEqual(['GET /v0/models/{name}', 'GET /v0/models/{vendor}/{full_name}']);

    const other = await nebius.models.create({ name: 'other-bot', base_model: MODEL, source });
    expect((await collect(nebius.models.list())).map((m) => m.name)).toEqual([other.name, created.name]);
    expect(await nebius.models.delete(short)).toMatchObject({ name: created.name });
    expect(await failure(nebius.models.retrieve(short))).toBeInstanceOf(NotFoundError);
    expect(await nebius.models.delete(other.name)).toMatchObject({ name: other.name });
    expect(sandbox.requests.filter((r) => r.method === 'DELETE').map((r) => r.operation)).toEqual([
      'DELETE /v0/models/{name}',
      'DELETE /v0/models/{vendor}/{full_name}',
    ]);
    expect(await collect(nebius.models.list())).toEqual([]);
  });

  it('models.wait times out with a WaitTimeoutError, and the model keeps being made', async () => {
    const { sandbox, nebius, source } = await trained();
    await using _ = sandbox;
    const created = await nebius.models.create({ name: 'slow-bot', base_model: MODEL, source });
    const t0 = sandbox.now().getTime();
    const error = await failure(nebius.models.wait(created.name, { clock: sandbox.clock, timeoutMs: MINUTE }));
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe(`nebius model ${created.name} is still validating after 1 min of waiting; it keeps being made`);
    expect(sandbox.now().getTime() - t0).toBe(MINUTE);
    sandbox.advance(10 * MINUTE);
    expect(await nebius.models.retrieve(created.name)).toMatchObject({ status: 'active' });
  });

  it('models.wait aborted during a real sleep ends at once with a WaitAbortedError', async () => {
    const { sandbox, nebius, source } = await trained();
    await using _ = sandbox;
    const created = await nebius.models.create({ name: 'aborted-bot', base_model: MODEL, source });
    const controller = new AbortController();
    const started = performance.now();
    const error = await failure(
      nebius.models.wait(created.name, {
        signal: controller.signal,
        pollIntervalMs: 60_000,
        onProgress: () => setTimeout(() => controller.abort(), 20),
      }),
    );
    expect(error).toBeInstanceOf(WaitAbortedError);
    expect((error as Error).message).toBe(
      `nebius model ${created.name}: waiting stopped by the caller; it keeps being made (status validating)`,
    );
    expect(performance.now() - started).toBeLessThan(20_000); // far below the minute of sleep it cut short
  });

  it("a model that ends in error throws ModelDeploymentError with the provider's reason", async () => {
    let polls = 0;
    const server = await startLocalServer((_request, res) => {
      const status = polls++ < 2 ? 'validating' : 'error';
      json(res, 200, {
        type: 'text2text',
        name: 'bad-bot',
        created_at: '2026-01-01',
        description: null,
        deprecated: false,
        status,
        status_reason: status === 'error' ? 'the checkpoint is corrupt' : null,
      });
    });
    try {
      const nebius = createNebiusClient({ apiKey, baseUrl: server.url, maxRetries: 0 });
      const error = await failure(nebius.models.wait('bad-bot', { clock: simulatedClock() }));
      expect(error).toBeInstanceOf(ModelDeploymentError);
      expect(error).toMatchObject({ provider: 'nebius', model: 'bad-bot', status: 'error', reason: 'the checkpoint is corrupt' });
      expect((error as Error).message).toBe('nebius model bad-bot ended error: the checkpoint is corrupt');
      expect(polls).toBe(3);
      expect(server.requests.map((r) => r.url)).toEqual(['/v0/models/bad-bot', '/v0/models/bad-bot', '/v0/models/bad-bot']);
    } finally {
      await server.close();
    }
  });
});

describe('train(): aborted at each stage, files that never become usable, a Blob and a stream', () => {
  const trainingText = `${jsonl(40)}\n`;
  type Stage = 'check' | 'upload' | 'processing' | 'create' | 'deploy';
  /** Where each abort lands: the report of the stage, or (create) the end of file processing, just before the create. */
  const during = (stage: Stage, p: TrainProgress<'nebius'>): boolean =>
    stage === 'upload'
      ? p.stage === 'upload' && p.loaded === 0
      : stage === 'processing'
        ? p.stage === 'processing' && p.status === 'uploaded'
        : stage === 'create'
          ? p.stage === 'processing' && p.status !== 'uploaded'
          : p.stage === stage;

  it.each(['check', 'upload', 'processing', 'create', 'deploy'] as const)(
    'aborted during %s: stops there, and no job is created before it',
    async (stage) => {
      const provider = 'nebius';
      const sandbox = await startSandbox({ provider, clock: 'manual', listen: false });
      await using _ = sandbox;
      const tuner = createTuner({ provider, apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch, maxRetries: 0 });
      const controller = new AbortController();
      const error = await failure(
        tuner.train(
          { model: MODEL, trainingFile: new Blob([trainingText]) },
          {
            check: true,
            deploy: stage === 'deploy',
            signal: controller.signal,
            wait: { clock: sandbox.clock },
            onProgress: (p) => {
              if (during(stage, p)) controller.abort();
            },
          },
        ),
      );
      const created = sandbox.requests.filter((r) => r.method === 'POST' && /fine_tuning\/jobs$/.test(r.path));
      if (stage === 'deploy') {
        expect(error).toBeInstanceOf(WaitAbortedError);
        expect(created).toHaveLength(1);
        return;
      }
      expect(error).toBeInstanceOf(TunekitError);
      expect(created).toEqual([]);
      const uploads = sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/files'));
      expect(uploads).toHaveLength(stage === 'check' ? 0 : 1);
      const words = { check: 'check', upload: 'upload', processing: 'file processing', create: 'create' }[stage];
      const uploaded = stage === 'processing' || stage === 'create' ? ' \\(uploaded before it stopped: file-\\S+\\)' : '';
      if (stage !== 'upload')
        expect((error as Error).message).toMatch(
          new RegExp(`^nebius train: stopped by the caller during ${words}; no job was created${uploaded}$`),
        );
    },
  );

  /** An OpenAI-shaped server whose uploaded file stays `uploaded`, or ends `error` on its third look. */
  async function filesThat(end: 'error' | 'never') {
    let looks = 0;
    return startLocalServer((request, res) => {
      const status = end === 'error' && ++looks >= 3 ? 'error' : 'uploaded';
      if (request.method === 'POST' && request.url === '/files') looks = 0;
      json(res, 200, {
        id: 'file-x',
        object: 'file',
        bytes: trainingText.length,
        created_at: 1,
        filename: 'train.jsonl',
        purpose: 'fine-tune',
        status,
      });
    });
  }

  it.each([
    ['fails processing', 'error', 'openai could not process the training file file-x; train stopped before creating a job'],
    ['never finishes processing', 'never', 'openai file file-x is still being processed after 30 min; train stopped before creating a job'],
  ] as const)('a file that %s stops train before a job is created', async (_name, end, message) => {
    const server = await filesThat(end);
    try {
      const tuner = createTuner({ provider: 'openai', apiKey, baseUrl: server.url, maxRetries: 0 });
      const clock = simulatedClock();
      const error = await failure(
        tuner.train({ model: 'gpt-4o-mini-2024-07-18', trainingFile: new Blob([trainingText]) }, { wait: { clock } }),
      );
      expect(error).toBeInstanceOf(TunekitError);
      expect((error as Error).message).toBe(message);
      expect(server.requests.filter((r) => r.url.startsWith('/fine_tuning'))).toEqual([]);
      if (end === 'never') expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(30 * MINUTE); // the whole 30 min, and not a pause past it (the poller never sleeps past its deadline)
    } finally {
      await server.close();
    }
  });

  it.each([
    ['a Blob', () => new Blob([trainingText])],
    ['a Node stream', () => Readable.from([Buffer.from(trainingText)])],
  ] as const)('%s as trainingFile is uploaded byte for byte and trained on', async (_name, make) => {
    const sandbox = await startSandbox({ provider: 'together', clock: 'manual', listen: false });
    await using _ = sandbox;
    const tuner = createTuner({ provider: 'together', apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch });
    const result = await tuner.train(
      { model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', trainingFile: make() },
      { wait: { clock: sandbox.clock } },
    );
    expect(result.job.status).toBe('succeeded');
    expect(result.job.trainingFile).toBe(result.trainingFile);
    expect(await (await tuner.client.files.content(result.trainingFile)).text()).toBe(trainingText);
  });
});
