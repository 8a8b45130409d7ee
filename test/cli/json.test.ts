import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { cliFixture, json, KEY_ENV, lines, MODEL, PROVIDERS, tunekit, type Provider } from './support.js';

/** Every command on every provider, in `--json` mode, against the sandbox (on-poll clock: a job ends in a few polls). */

const cli = cliFixture();

const FAST = ['--poll-interval', '5ms'];

/** What each provider's rules find in `broken.jsonl`: [line, code]. */
const BROKEN: Record<Provider, [number, string][]> = {
  nebius: [
    [3, 'assistant.missing'],
    [3, 'role.last'],
    [4, 'line.json'],
  ],
  together: [
    [3, 'assistant.missing'],
    [4, 'line.json'],
  ],
  openai: [
    [0, 'examples.too-few'],
    [3, 'assistant.missing'],
    [4, 'line.json'],
  ],
};

describe.concurrent.each(PROVIDERS)('%s --json', (provider: Provider) => {
  let sandbox: Sandbox;
  let keys = 0;
  beforeAll(async () => {
    sandbox = await startSandbox({ provider, clock: 'on-poll' });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  /** A runner bound to this provider and a key of its own (the sandbox keeps state per key). */
  function session() {
    const key = `key-${provider}-${++keys}-0123456789`;
    const run = (...args: string[]) =>
      tunekit(cli.bin, ['--provider', provider, '--json', ...args], {
        [KEY_ENV[provider]]: key,
        [`${provider.toUpperCase()}_BASE_URL`]: sandbox.url,
      });
    return { key, run };
  }

  it('check: a good file is one JSON report (exit 0); a broken one lists each error with its line (exit 1)', async ({ expect }) => {
    const { run } = session();
    const good = await run('check', cli.data.train);
    expect(good).toMatchObject({ code: 0, stderr: '' });
    expect(json(good)).toMatchObject({ ok: true, provider, format: 'chat', examples: 40, errors: [], counts: { errors: 0 } });
    const bad = await run('check', cli.data.broken);
    expect(bad.code).toBe(1);
    expect(lines(bad.stderr)).toEqual([
      {
        error: {
          type: 'DatasetCheckError',
          message: `${cli.data.broken} failed the ${provider} dataset check with ${BROKEN[provider].length} errors`,
          exitCode: 1,
          errors: BROKEN[provider].length,
        },
      },
    ]);
    const report = json(bad) as { ok: boolean; errors: { line: number; code: string }[] };
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => [e.line, e.code])).toEqual(BROKEN[provider]);
  });

  it('files upload | list | get | content | delete', async ({ expect }) => {
    const { run } = session();
    const uploaded = await run('files', 'upload', cli.data.train);
    expect(uploaded).toMatchObject({ code: 0, stderr: '' });
    const file = json(uploaded) as { id: string };
    const bytes = (await readFile(cli.data.train)).byteLength;
    expect(file).toMatchObject({ provider, id: expect.any(String), filename: 'train.jsonl', bytes, purpose: 'fine-tune' });

    const listed = json(await run('files', 'list')) as { id: string }[];
    expect(listed.map((f) => f.id)).toEqual([file.id]);
    expect(json(await run('files', 'get', file.id))).toMatchObject({
      provider,
      id: file.id,
      filename: 'train.jsonl',
      bytes,
      purpose: 'fine-tune',
    });

    const target = join(cli.data.dir, `${provider}-content.jsonl`);
    const saved = await run('files', 'content', file.id, '-o', target);
    expect(json(saved)).toEqual({ id: file.id, path: target, bytes });
    expect(await readFile(target, 'utf8')).toBe(await readFile(cli.data.train, 'utf8'));

    const refused = await run('files', 'content', file.id);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(lines(refused.stderr)[0]).toMatchObject({ error: { type: 'UsageError', exitCode: 2 } });

    expect(json(await run('files', 'delete', file.id))).toEqual({ id: file.id, deleted: true });
    const gone = await run('files', 'get', file.id);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toBe('');
    expect(lines(gone.stderr)).toEqual([{ error: expect.objectContaining({ type: 'NotFoundError', status: 404, exitCode: 1 }) }]);
  });

  it('jobs create | list | get | wait | events | checkpoints | metrics on one job', async ({ expect }) => {
    const { run } = session();
    const file = json(await run('files', 'upload', cli.data.train)) as { id: string };
    const created = await run('jobs', 'create', '--model', MODEL[provider], '--training-file', file.id, '--epochs', '2', '--suffix', 'cli');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const job = json(created) as { id: string; status: string };
    expect(job).toMatchObject({
      provider,
      id: expect.any(String),
      model: MODEL[provider],
      trainingFile: file.id,
      status: expect.stringMatching(/^(validating|queued)$/),
    });

    expect((json(await run('jobs', 'list')) as { id: string }[]).map((j) => j.id)).toEqual([job.id]);
    expect(json(await run('jobs', 'list', '--limit', '1'))).toHaveLength(1);
    expect(json(await run('jobs', 'get', job.id))).toMatchObject({ id: job.id, provider });

    const waited = await run('jobs', 'wait', job.id, ...FAST);
    expect(waited).toMatchObject({ code: 0, stderr: '' });
    const stream = lines(waited.stdout);
    const result = stream.at(-1);
    expect(result).toMatchObject({ type: 'result', job: { id: job.id, status: 'succeeded' } });
    const statuses = stream.filter((l) => l['type'] === 'progress').map((l) => l['status']);
    expect(statuses.at(-1)).toBe('succeeded');
    expect(statuses).toContain('running');
    expect(new Set(stream.map((l) => l['type']))).toEqual(new Set(['progress', 'event', 'result']));
    const streamed = stream.filter((l) => l['type'] === 'event').map((l) => (l['event'] as { id: string }).id);
    expect(new Set(streamed).size).toBe(streamed.length);

    const events = lines((await run('jobs', 'events', job.id)).stdout);
    expect(events.map((e) => e['id'])).toEqual(streamed);
    const times = events.map((e) => Date.parse(String(e['at'])));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(lines((await run('jobs', 'events', job.id, '--limit', '2')).stdout)).toEqual(events.slice(-2));
    const followed = await run('jobs', 'events', job.id, '--follow', ...FAST);
    expect(followed).toMatchObject({ code: 0, stderr: '' });
    expect(lines(followed.stdout)).toEqual(events);

    const checkpoints = json(await run('jobs', 'checkpoints', job.id)) as { step: number }[];
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(checkpoints.map((c) => c.step)).toEqual([...checkpoints.map((c) => c.step)].sort((a, b) => a - b));

    const metrics = json(await run('jobs', 'metrics', job.id)) as {
      job: { id: string };
      points: { step: number; trainingLoss?: number }[];
      checkpoints: unknown[];
    };
    expect(metrics.job.id).toBe(job.id);
    expect(metrics.checkpoints).toEqual(checkpoints);
    const losses = metrics.points.filter((p) => p.trainingLoss !== undefined);
    expect(losses.length).toBeGreaterThan(1);
    expect(metrics.points.map((p) => p.step)).toEqual([...metrics.points.map((p) => p.step)].sort((a, b) => a - b));
    expect(losses.at(-1)?.trainingLoss).toBeLessThan(losses[0]?.trainingLoss ?? 0);
  });

  it('jobs cancel', async ({ expect }) => {
    const { run } = session();
    const file = json(await run('files', 'upload', cli.data.train)) as { id: string };
    const job = json(await run('jobs', 'create', '--model', MODEL[provider], '--training-file', file.id)) as { id: string };
    const cancelled = await run('jobs', 'cancel', job.id);
    expect(cancelled).toMatchObject({ code: 0, stderr: '' });
    // Together answers cancel_requested (still running in the neutral vocabulary) until the job stops.
    expect(json(cancelled)).toMatchObject({ id: job.id, providerStatus: provider === 'together' ? 'cancel_requested' : 'cancelled' });
    const waited = await run('jobs', 'wait', job.id, ...FAST);
    expect(waited.code).toBe(1);
    expect(lines(waited.stderr)).toEqual([{ error: expect.objectContaining({ type: 'JobCancelledError', jobId: job.id, exitCode: 1 }) }]);
  });

  it('train: check → upload → create → wait as one NDJSON stream ending in the result', async ({ expect }) => {
    const { run } = session();
    const trained = await run(
      'train',
      cli.data.train,
      '--model',
      MODEL[provider],
      '--validation',
      cli.data.validation,
      '--epochs',
      '2',
      ...FAST,
    );
    expect(trained).toMatchObject({ code: 0, stderr: '' });
    const stream = lines(trained.stdout);
    expect(stream.slice(0, 2)).toEqual([
      { type: 'check', file: 'training', ok: true, format: 'chat', examples: 40, errors: 0, warnings: 0, tokens: expect.any(Number) },
      expect.objectContaining({ type: 'upload', file: 'training', loaded: expect.any(Number) }),
    ]);
    const types = stream.map((l) => l['type']);
    expect(types.indexOf('created')).toBeGreaterThan(types.lastIndexOf('upload'));
    expect(types.filter((t) => t === 'check')).toHaveLength(2);
    const result = stream.at(-1) as {
      type: string;
      job: { id: string; status: string; trainingFile: string; validationFile: string; fineTunedModel?: string };
      model?: string;
      checkpoints: { step: number }[];
      trainingFile: string;
      validationFile: string;
    };
    expect(result).toMatchObject({ type: 'result', job: { status: 'succeeded' } });
    // The checkpoints of a 2-epoch job, oldest first, the last at its final step.
    expect(result.checkpoints.length).toBeGreaterThan(0);
    expect(result.checkpoints.map((c) => c.step)).toEqual([...result.checkpoints.map((c) => c.step)].sort((a, b) => a - b));
    // The files the job names are the ones this run uploaded (training and validation are two files).
    expect(result.job.trainingFile).toBe(result.trainingFile);
    expect(result.job.validationFile).toBe(result.validationFile);
    expect(result.validationFile).not.toBe(result.trainingFile);
    expect(result.validationFile).toMatch(/^file-/);
    if (provider === 'nebius') expect(result.model).toBeUndefined();
    else {
      // The job's own output model, made from the base model asked for.
      expect(result.model).toBe(result.job.fineTunedModel);
      expect(result.model).toMatch(
        provider === 'openai' ? /^ft:gpt-4o-mini-2024-07-18:[^:]+::\w{8}$/ : /\/Meta-Llama-3\.1-8B-Instruct-Reference-[0-9a-f]{8}$/,
      );
    }
  });

  it('train --no-wait creates the job and returns at once', async ({ expect }) => {
    const { run } = session();
    const trained = await run('train', cli.data.train, '--model', MODEL[provider], '--no-wait', ...FAST);
    expect(trained).toMatchObject({ code: 0, stderr: '' });
    const result = lines(trained.stdout).at(-1) as { type: string; job: { id: string; status: string } };
    expect(result).toMatchObject({ type: 'result', job: { id: expect.any(String) } });
    expect(['validating', 'queued']).toContain(result.job.status);
    expect(json(await run('jobs', 'get', result.job.id))).toMatchObject({ id: result.job.id });
  });
});
