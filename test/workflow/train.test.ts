/**
 * `createTuner(...).train()` end to end on each provider, against the sandbox: a local path is checked, uploaded with
 * byte progress, processed, a job created once and followed to success, and the result names the model to call
 * (on Nebius, a custom model deployed from a checkpoint). Also the neutral jobs/files API, a failed check that uploads
 * nothing, a refused option that sends nothing, and an abort that leaves the job running.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createTuner, ValidationError, WaitAbortedError, type Job, type TrainProgress } from '../../src/index.js';
import { DatasetCheckError } from '../../src/dataset/index.js';
import { startSandbox } from '../../src/testing.js';
import { jsonl } from '../support/sandbox.js';

type Provider = 'nebius' | 'together' | 'openai';
const MODELS: Record<Provider, string> = {
  nebius: 'meta-llama/Llama-3.1-8B-Instruct',
  together: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
  openai: 'gpt-4o-mini-2024-07-18',
};
let dir = '';
let train = '';
let valid = '';
let bad = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunekit-train-'));
  [train, valid, bad] = [join(dir, 'train.jsonl'), join(dir, 'valid.jsonl'), join(dir, 'bad.jsonl')];
  await writeFile(train, `${jsonl(60)}\n`);
  await writeFile(valid, `${jsonl(12, 'v')}\n`);
  await writeFile(bad, `${jsonl(20)}\n{"messages": [{"role": "user", "content": "no answer"}]}\n{"mesages": []}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function tunerOn<P extends Provider>(provider: P) {
  const sandbox = await startSandbox({ provider, clock: 'manual', listen: false });
  const tuner = createTuner<Provider>({ provider, apiKey: `train-key-${provider}`, baseUrl: sandbox.url, fetch: sandbox.fetch });
  return { sandbox, tuner };
}

describe.each(['nebius', 'together', 'openai'] as const)('%s: train() from a local file to a model to call', (provider) => {
  it('checks, uploads with progress, waits for processing, creates once, follows to success, and names the model', async () => {
    const { sandbox, tuner } = await tunerOn(provider);
    await using _ = sandbox;
    const stages: TrainProgress<Provider>['stage'][] = [];
    const uploads: number[] = [];
    let waits = 0;
    const result = await tuner.train(
      { model: MODELS[provider], trainingFile: train, validationFile: valid, epochs: 2, suffix: 'demo' },
      {
        check: true,
        deploy: true,
        wait: { clock: sandbox.clock },
        onProgress: (p) => {
          if (stages.at(-1) !== p.stage) stages.push(p.stage);
          if (p.stage === 'upload' && p.file === 'training') uploads.push(p.loaded);
          if (p.stage === 'wait') waits += 1;
        },
      },
    );
    // Every provider here tracks a file's processing (Nebius and OpenAI `status`, Together `Processed`).
    const processing = ['processing'];
    const deploy = provider === 'nebius' ? ['deploy'] : [];
    // check → upload → (processing) happen per file, then the job.
    expect(stages).toEqual([
      'check',
      'upload',
      ...processing,
      'check',
      'upload',
      ...processing,
      'estimate',
      'create',
      'wait',
      ...deploy,
      'done',
    ]);
    expect(uploads[0]).toBe(0);
    expect(uploads.at(-1)).toBe(Buffer.byteLength(`${jsonl(60)}\n`));
    expect(waits).toBeGreaterThan(3);
    expect(result.job).toMatchObject({
      provider,
      status: 'succeeded',
      trainingFile: result.trainingFile,
      validationFile: result.validationFile,
    });
    expect(result.job.finishedAt).toBeInstanceOf(Date);
    expect(result.checkpoints.length).toBeGreaterThan(0);
    expect(result.checkpoints.map((c) => c.step)).toEqual([...result.checkpoints.map((c) => c.step)].sort((a, b) => a - b));
    expect(result.model).toEqual(expect.any(String));
    if (provider === 'nebius') {
      // A Nebius job has no model of its own: train deployed the final checkpoint as a custom model, now active.
      expect(result.job.fineTunedModel).toBeUndefined();
      const nebius = createTuner({ provider: 'nebius', apiKey: 'train-key-nebius', baseUrl: sandbox.url, fetch: sandbox.fetch }).client;
      expect(await nebius.models.retrieve(result.model ?? '')).toMatchObject({
        name: result.model,
        status: 'active',
        checkpoint_id: result.checkpoints.at(-1)?.id,
      });
    } else {
      expect(result.model).toBe(result.job.fineTunedModel);
    }
    // One create, whatever the retries.
    const creates = sandbox.requests.filter((r) => r.method === 'POST' && /fine[-_]tun(es|ing\/jobs)$/.test(r.path));
    expect(creates).toHaveLength(1);
  });

  it('a dataset that fails the check is never uploaded', async () => {
    const { sandbox, tuner } = await tunerOn(provider);
    await using _ = sandbox;
    const error = await tuner.train({ model: MODELS[provider], trainingFile: bad }, { check: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetCheckError);
    expect((error as Error).message).toMatch(
      new RegExp(`^${provider} train \\(training file\\): bad.jsonl failed the ${provider} dataset check with \\d+ errors?: line 2[12]`),
    );
    expect(sandbox.requests).toHaveLength(0);
  });

  it('the neutral jobs and files API reads every object in one vocabulary, raw narrowed by provider', async () => {
    const { sandbox, tuner } = await tunerOn(provider);
    await using _ = sandbox;
    const file = await tuner.files.upload(train);
    expect(file).toMatchObject({ provider, filename: 'train.jsonl', bytes: Buffer.byteLength(`${jsonl(60)}\n`), purpose: 'fine-tune' });
    expect(file.createdAt).toBeInstanceOf(Date);
    const created = await tuner.jobs.create({ model: MODELS[provider], trainingFile: file.id, epochs: 1 });
    expect(created).toMatchObject({ provider, status: expect.stringMatching(/validating|queued/), model: MODELS[provider] });
    const job: Job = await tuner.jobs.wait(created.id, { clock: sandbox.clock });
    expect(job.status).toBe('succeeded');
    if (job.provider === 'openai')
      expectTypeOf(job.raw.status).toEqualTypeOf<
        'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'paused'
      >();
    expect((await tuner.jobs.retrieve(created.id)).id).toBe(created.id);
    const listed = [];
    for await (const j of tuner.jobs.list()) listed.push(j.id);
    expect(listed).toContain(created.id);
    const events = [];
    for await (const e of tuner.jobs.events(created.id)) events.push(e);
    expect(events.length).toBeGreaterThan(3);
    expect(events.every((e) => e.at instanceof Date && typeof e.message === 'string')).toBe(true);
    const checkpoints = [];
    for await (const c of tuner.jobs.checkpoints(created.id)) checkpoints.push(c);
    expect(checkpoints.length).toBeGreaterThan(0);
    expect((await tuner.files.retrieve(file.id)).id).toBe(file.id);
    await tuner.files.delete(file.id);
  });

  it('an abort while waiting leaves the job running and says how to resume', async () => {
    const { sandbox, tuner } = await tunerOn(provider);
    await using _ = sandbox;
    const controller = new AbortController();
    const error = await tuner
      .train(
        { model: MODELS[provider], trainingFile: train },
        {
          signal: controller.signal,
          wait: { clock: sandbox.clock },
          onProgress: (p) => p.stage === 'wait' && p.progress.status === 'running' && controller.abort(),
        },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitAbortedError);
    const { jobId } = error as WaitAbortedError;
    expect((error as Error).message).toContain(`Resume with jobs.wait('${jobId}'`);
    expect((await tuner.jobs.retrieve(jobId)).status).toBe('running');
  });
});

describe('train() refuses what it cannot do before anything is sent', () => {
  it('a neutral option the provider cannot honour (OpenAI takes a learning-rate multiplier)', async () => {
    const { sandbox, tuner } = await tunerOn('openai');
    await using _ = sandbox;
    const error = await tuner.train({ model: MODELS.openai, trainingFile: train, learningRate: 1e-4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(
      /^openai jobs\.create: learningRate = 0\.0001 cannot be sent to openai: OpenAI takes learning_rate_multiplier/,
    );
    expect(sandbox.requests).toHaveLength(0);
  });

  it('nebius deploy { checkpoint: "best" } makes the checkpoint with the lowest validation loss callable, not the last', async () => {
    const { sandbox, tuner } = await tunerOn('nebius');
    await using _ = sandbox;
    const result = await tuner.train(
      { model: MODELS.nebius, trainingFile: train, validationFile: valid, epochs: 3 },
      {
        deploy: { checkpoint: 'best', name: 'best-bot' },
        wait: { clock: sandbox.clock },
        // The job overfits: its validation loss falls until halfway, then rises, so its best checkpoint is the second of three.
        onProgress: (p) => {
          if (p.stage === 'create') sandbox.script({ job: p.jobId, metrics: { validationRisesAfter: 0.5 } });
        },
      },
    );
    expect(result.checkpoints).toHaveLength(3);
    const [first, second, last] = result.checkpoints;
    expect(second?.validationLoss).toBeLessThan(first?.validationLoss ?? 0);
    expect(second?.validationLoss).toBeLessThan(last?.validationLoss ?? 0);
    const model = await createTuner({
      provider: 'nebius',
      apiKey: 'train-key-nebius',
      baseUrl: sandbox.url,
      fetch: sandbox.fetch,
    }).client.models.retrieve(result.model ?? '');
    expect(model).toMatchObject({ checkpoint_id: second?.id, status: 'active' });
    expect(second?.id).not.toBe(last?.id);
    expect(result.model).toMatch(/best-bot/);
  });
});
