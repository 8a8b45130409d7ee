import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNebiusClient, createOpenAIClient, createTogetherClient, InternalServerError, NotFoundError } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { startPrismProxy, type PrismProxy } from '../support/prism-proxy.js';
import { requireDocuments } from '../support/requirements.js';
import { repoRoot } from '../support/prism.js';
import { broken, collect, dataset, HOUR, MINUTE } from '../support/sandbox.js';

// Prism is the oracle: each provider's lifecycle runs through `prism proxy <trimmed document> <sandbox> --errors`,
// which checks every request and every answer against the document and turns a non-conforming answer into its 500.
const clients = { apiKey: 'conformance-key', maxRetries: 0 };
let sandboxes: { nebius: Sandbox<'nebius'>; together: Sandbox<'together'>; openai: Sandbox<'openai'> };
let proxies: Record<'nebius' | 'together' | 'openai', PrismProxy>;

beforeAll(async () => {
  requireDocuments();
  const [nebius, together, openai] = await Promise.all([
    startSandbox({ provider: 'nebius' }),
    startSandbox({ provider: 'together' }),
    startSandbox({ provider: 'openai' }),
  ]);
  sandboxes = { nebius, together, openai };
  const started = await Promise.allSettled(
    (['nebius', 'together', 'openai'] as const).map((name) => startPrismProxy(`openapi/${name}.json`, sandboxes[name].url)),
  );
  const [p1, p2, p3] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
  if (!p1 || !p2 || !p3) {
    await Promise.all([p1, p2, p3].map((proxy) => proxy?.stop()));
    throw started.find((result) => result.status === 'rejected')?.reason;
  }
  proxies = { nebius: p1, together: p2, openai: p3 };
});

afterAll(async () => {
  await Promise.all(Object.values(proxies ?? {}).map((proxy) => proxy.stop()));
  await Promise.all(Object.values(sandboxes ?? {}).map((sandbox) => sandbox.close()));
});

describe.concurrent('every answer conforms to the trimmed document (prism proxy --errors)', () => {
  it('nebius: files, a job to success and its events and checkpoints, a failed and a cancelled job, custom models, 404s', async () => {
    const sandbox = sandboxes.nebius;
    const nebius = createNebiusClient({ ...clients, baseUrl: proxies.nebius.url });
    const file = await nebius.files.upload(dataset(24));
    const validation = await nebius.files.upload(dataset(6, 'valid.jsonl'));
    const job = await nebius.jobs.create({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      training_file: file.id,
      validation_file: validation.id,
      hyperparameters: { n_epochs: 2, lora: true, lora_r: 16 },
      integrations: [{ type: 'wandb', wandb: { project: 'p', api_key: 'wandb-secret' } }],
      seed: 7,
    });
    for (let i = 0; i < 8; i++) {
      sandbox.advance(10 * MINUTE);
      await nebius.jobs.retrieve(job.id);
      await nebius.jobs.list({ limit: 1 });
    }
    expect((await nebius.jobs.retrieve(job.id)).status).toBe('succeeded');
    expect((await collect(nebius.jobs.events(job.id, { limit: 10 }))).length).toBeGreaterThan(10);
    const checkpoints = await collect(nebius.jobs.checkpoints(job.id, { limit: 1 }));
    await nebius.jobs.checkpoint(job.id, checkpoints[0]?.id ?? '');
    await nebius.files.list({ purpose: 'fine-tune' });
    await nebius.files.retrieve(file.id);
    await (await nebius.files.content(file.id)).text();

    sandbox.script({ fail: { at: { step: 2 } } });
    const failing = await nebius.jobs.create({ model: 'm', training_file: file.id });
    const invalid = await nebius.jobs.create({ model: 'm', training_file: (await nebius.files.upload(broken())).id });
    const cancelled = await nebius.jobs.create({ model: 'm', training_file: file.id });
    await nebius.jobs.cancel(cancelled.id);
    sandbox.advance(HOUR);
    for (const id of [failing.id, invalid.id, cancelled.id]) {
      expect(['failed', 'cancelled']).toContain((await nebius.jobs.retrieve(id)).status);
      await nebius.jobs.events(id);
    }

    const model = await nebius.raw.POST('/v0/models', {
      body: { name: 'bot', base_model: 'meta-llama/Llama-3.1-8B-Instruct', source: checkpoints[0]?.fine_tuned_model_checkpoint ?? '' },
    });
    expect(model.response.status).toBe(200);
    const [vendor = '', fullName = ''] = (model.data?.name ?? '').split('/');
    await nebius.raw.GET('/v0/models');
    expect(
      (await nebius.raw.GET('/v0/models/{vendor}/{full_name}', { params: { path: { vendor, full_name: fullName } } })).response.status,
    ).toBe(200);
    expect((await nebius.raw.GET('/v0/models/{name}', { params: { path: { name: fullName.split(':')[1] ?? '' } } })).response.status).toBe(
      200,
    );
    expect(
      (await nebius.raw.DELETE('/v0/models/{vendor}/{full_name}', { params: { path: { vendor, full_name: fullName } } })).response.status,
    ).toBe(200);
    await nebius.files.delete(validation.id);
    await expect(nebius.jobs.retrieve('ftjob-nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(proxies.nebius.violations()).toEqual([]);
  });

  it('together: a LoRA job to completed with events, checkpoints, metrics and a download; price, cancel, failure, delete, 404s', async () => {
    const sandbox = sandboxes.together;
    const together = createTogetherClient({ ...clients, baseUrl: proxies.together.url });
    const file = await together.files.upload(dataset(48));
    const job = await together.jobs.create({
      model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
      training_file: file.id,
      n_checkpoints: 3,
      n_evals: 2,
      validation_file: file.id,
      training_type: { type: 'Lora', lora_r: 16, lora_alpha: 32 },
      lr_scheduler: { lr_scheduler_type: 'cosine', lr_scheduler_args: { min_lr_ratio: 0.1, num_cycles: 0.5 } },
      suffix: 'conf',
    });
    for (let i = 0; i < 8; i++) {
      sandbox.advance(10 * MINUTE);
      await together.jobs.retrieve(job.id);
    }
    expect((await together.jobs.retrieve(job.id)).status).toBe('completed');
    await together.jobs.events(job.id);
    await together.jobs.checkpoints(job.id);
    await together.jobs.list();
    expect((await together.raw.GET('/fine-tunes/{id}/metrics', { params: { path: { id: job.id } } })).response.status).toBe(200);
    await (await together.jobs.download(job.id, { checkpoint: 'adapter' })).text();
    await together.jobs.estimatePrice({ training_file: file.id, n_epochs: 2 });
    await together.files.list();
    await together.files.retrieve(file.id);
    await (await together.files.content(file.id)).text();

    sandbox.script({ fail: { at: 'queued' } });
    const failing = await together.jobs.create({ model: 'm', training_file: file.id });
    const cancelled = await together.jobs.create({ model: 'm', training_file: file.id });
    expect((await together.jobs.cancel(cancelled.id)).status).toBe('cancel_requested');
    sandbox.advance(HOUR);
    expect((await together.jobs.retrieve(failing.id)).status).toBe('error');
    expect((await together.jobs.retrieve(cancelled.id)).status).toBe('cancelled');
    await together.jobs.delete(cancelled.id);
    await expect(together.jobs.delete(cancelled.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(together.jobs.retrieve('nope')).rejects.toBeInstanceOf(NotFoundError);
    await together.files.delete(file.id);
    expect(proxies.together.violations()).toEqual([]);
  });

  it('openai: a job to succeeded with events, checkpoints and a result file; cancel, failure, multipart uploads, pages, 404s', async () => {
    const sandbox = sandboxes.openai;
    const openai = createOpenAIClient({ ...clients, baseUrl: proxies.openai.url });
    const file = await openai.files.upload(dataset(20));
    const job = await openai.jobs.create({
      model: 'gpt-4o-mini-2024-07-18',
      training_file: file.id,
      validation_file: file.id,
      suffix: 'conf',
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 3, batch_size: 4 } } },
      integrations: [{ type: 'wandb', wandb: { project: 'p', tags: ['t'] } }],
    });
    for (let i = 0; i < 8; i++) {
      sandbox.advance(10 * MINUTE);
      await openai.jobs.retrieve(job.id);
    }
    const done = await openai.jobs.retrieve(job.id);
    expect(done.status).toBe('succeeded');
    await collect(openai.jobs.events(job.id, { limit: 7 }));
    await collect(openai.jobs.checkpoints(job.id, { limit: 2 }));
    await collect(openai.jobs.list({ limit: 1 }));
    await openai.files.retrieve(done.result_files[0] ?? '');
    await collect(openai.files.list({ limit: 1, purpose: 'fine-tune' }));

    sandbox.script({ fail: { at: 'running', code: 'oom' } });
    const failing = await openai.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    const cancelled = await openai.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    await openai.jobs.cancel(cancelled.id);
    sandbox.advance(HOUR);
    expect((await openai.jobs.retrieve(failing.id)).error?.code).toBe('oom');

    const upload = await openai.raw.POST('/uploads', {
      body: { filename: 'u.jsonl', purpose: 'fine-tune', bytes: 4, mime_type: 'application/jsonl' },
    });
    const uploadId = upload.data?.id ?? '';
    const data = new Blob(['{}\n\n']);
    const part = await openai.raw.POST('/uploads/{upload_id}/parts', {
      params: { path: { upload_id: uploadId } },
      body: { data },
      bodySerializer: ({ data: bytes }) => {
        const form = new FormData();
        form.append('data', bytes, 'part');
        return form;
      },
    });
    expect(part.response.status).toBe(200);
    const completed = await openai.raw.POST('/uploads/{upload_id}/complete', {
      params: { path: { upload_id: uploadId } },
      body: { part_ids: [part.data?.id ?? ''] },
    });
    expect(completed.data?.status).toBe('completed');
    const other = await openai.raw.POST('/uploads', {
      body: { filename: 'v.jsonl', purpose: 'fine-tune', bytes: 9, mime_type: 'application/jsonl' },
    });
    expect(
      (await openai.raw.POST('/uploads/{upload_id}/cancel', { params: { path: { upload_id: other.data?.id ?? '' } } })).data?.status,
    ).toBe('cancelled');
    await openai.files.delete(file.id);
    await expect(openai.jobs.retrieve('ftjob-nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(proxies.openai.violations()).toEqual([]);
  });
});

describe('the oracle bites', () => {
  it('reports an answer the document does not allow: the same sandbox behind a copy of the OpenAI document whose status enum has no "paused"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tunekit-oracle-'));
    const doc = JSON.parse(await readFile(join(repoRoot, 'openapi', 'openai.json'), 'utf8')) as {
      components: { schemas: { FineTuningJob: { properties: { status: { enum: string[] } } } } };
    };
    const status = doc.components.schemas.FineTuningJob.properties.status;
    status.enum = status.enum.filter((value) => value !== 'paused');
    const narrowed = join(dir, 'openai-without-paused.json');
    await writeFile(narrowed, JSON.stringify(doc));
    const proxy = await startPrismProxy(narrowed, sandboxes.openai.url);
    try {
      const openai = createOpenAIClient({ ...clients, baseUrl: proxy.url });
      const job = await openai.jobs.create({ model: 'gpt-4o-mini', training_file: (await openai.files.upload(dataset(20))).id });
      sandboxes.openai.advance(20 * MINUTE);
      const from = proxy.mark();
      const error = await openai.jobs.pause(job.id).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InternalServerError);
      expect((error as InternalServerError).message).toMatch(
        /status must be equal to one of the allowed values: validating_files, queued, running, succeeded, failed, cancelled/,
      );
      // Prism logs after it answers: a wide wait for its log line on a loaded machine (the default is 1 s).
      await vi.waitFor(() => expect(proxy.violations(from)).toHaveLength(1), { timeout: 20_000, interval: 50 });
    } finally {
      await proxy.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
