import Together from 'together-ai';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  createTogetherClient,
  InternalServerError,
  NotFoundError,
  UnprocessableEntityError,
} from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { broken, dataset, failure, HOUR, MINUTE } from '../support/sandbox.js';

const MODEL = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';

const inProcess = () => startSandbox({ provider: 'together', clock: 'manual', listen: false });
const clientOf = (sandbox: Sandbox<'together'>) =>
  createTogetherClient({
    apiKey: 'together-test-key',
    baseUrl: sandbox.url,
    fetch: sandbox.fetch,
    maxRetries: 2,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
/** The official SDK on the same sandbox (uploads go through tunekit: the SDK's upload uses a redirect flow the document does not describe). */
const sdkOf = (sandbox: Sandbox<'together'>) =>
  new Together({ apiKey: 'together-test-key', baseURL: sandbox.url, fetch: sandbox.fetch, maxRetries: 0 });

describe('together sandbox', () => {
  it('walks a job through pending, queued, running, compressing and uploading to completed (tunekit upload, together-ai SDK after)', async () => {
    await using sandbox = await inProcess();
    const together = clientOf(sandbox);
    const sdk = sdkOf(sandbox);
    const file = await together.files.upload(dataset(64));
    expect(file).toMatchObject({ object: 'file', filename: 'train.jsonl', purpose: 'fine-tune', FileType: 'jsonl', Processed: false });
    sandbox.advance(10_000);
    expect((await sdk.files.retrieve(file.id)).Processed).toBe(true);
    const created = await sdk.fineTuning.create({
      model: MODEL,
      training_file: file.id,
      n_epochs: 2,
      batch_size: 16,
      n_checkpoints: 2,
      suffix: 'bot',
      training_type: { type: 'Lora', lora_r: 8, lora_alpha: 16 },
    });
    expect(created).toMatchObject({
      status: 'pending',
      model: MODEL,
      n_epochs: 2,
      batch_size: 16,
      suffix: 'bot',
      training_type: { type: 'Lora', lora_r: 8 },
    });
    expect(created.id).toMatch(/^ft-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const seen: string[] = [];
    for (let minute = 0; minute < 70; minute++) {
      const job = await sdk.fineTuning.retrieve(created.id);
      if (seen[seen.length - 1] !== job.status) seen.push(job.status);
      sandbox.advance(MINUTE);
    }
    expect(seen).toEqual(['pending', 'queued', 'running', 'compressing', 'uploading', 'completed']);
    const done = await together.jobs.retrieve(created.id);
    expect(done).toMatchObject({
      status: 'completed',
      epochs_completed: 2,
      trainingfile_numlines: 64,
      model_output_path: expect.stringContaining(created.id),
    });
    expect(done.model_output_name).toMatch(/^sandbox-user\/Meta-Llama-3\.1-8B-Instruct-Reference-bot-[0-9a-f]{8}$/);
    expect(done.events?.map((event) => event.type)).toEqual([
      'job_pending',
      'job_pending',
      'job_start',
      'model_downloading',
      'model_download_complete',
      'training_start',
      'epoch_complete',
      'checkpoint_save',
      'epoch_complete',
      'training_complete',
      'model_compressing',
      'model_compression_complete',
      'model_uploading',
      'model_upload_complete',
      'job_complete',
    ]);
    expect((await sdk.fineTuning.listEvents(created.id)).data).toEqual(done.events);
    const checkpoints = (await sdk.fineTuning.listCheckpoints(created.id)).data;
    expect(checkpoints.map((c) => [c.step, c.checkpoint_type])).toEqual([
      [8, 'Final Merged'],
      [8, 'Final Adapter'],
      [4, 'Intermediate'],
    ]);
    const { metrics = [] } = await sdk.fineTuning.listMetrics(created.id);
    expect(metrics.map((m) => m['train/global_step'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(metrics.every((m, i) => i === 0 || (m['train/loss'] ?? 0) < (metrics[i - 1]?.['train/loss'] ?? 0))).toBe(true);
    expect(
      (await sdk.fineTuning.listMetrics(created.id, { global_step_from: 3, global_step_to: 4 })).metrics?.map(
        (m) => m['train/global_step'],
      ),
    ).toEqual([3, 4]);
    const weights = await sdk.fineTuning.content({ ft_id: created.id, checkpoint: 'adapter' });
    expect(weights.headers.get('content-disposition')).toBe(`attachment; filename="${created.id}-adapter.tar.zst"`);
    expect(await weights.text()).toMatch(/placeholder weights/);
    expect((await together.jobs.download(created.id, { checkpoint_step: 4 })).status).toBe(200);
    expect((await sdk.fineTuning.delete(created.id)).message).toBe(`Fine-tune job ${created.id} deleted`);
    await expect(sdk.fineTuning.retrieve(created.id)).rejects.toBeInstanceOf(Together.NotFoundError);
  });

  it("estimates a price, lists files and jobs whole, and serves a file's bytes", async () => {
    await using sandbox = await inProcess();
    const together = clientOf(sandbox);
    const sdk = sdkOf(sandbox);
    const file = await together.files.upload(dataset(100), { file_type: 'jsonl' });
    const estimate = await sdk.fineTuning.estimatePrice({ training_file: file.id, n_epochs: 3 });
    expect(estimate).toEqual(await together.jobs.estimatePrice({ training_file: file.id, n_epochs: 3 }));
    expect(estimate).toMatchObject({
      allowed_to_proceed: true,
      estimated_eval_token_count: 0,
      estimated_train_token_count: expect.any(Number),
    });
    await expect(sdk.fineTuning.estimatePrice({ training_file: 'file-nope' })).rejects.toBeInstanceOf(Together.NotFoundError);
    const jobs = [
      await sdk.fineTuning.create({ model: MODEL, training_file: file.id }),
      await sdk.fineTuning.create({ model: MODEL, training_file: file.id }),
    ];
    expect((await sdk.fineTuning.list()).data.map((job) => job.id)).toEqual(jobs.map((job) => job.id).reverse());
    expect((await together.files.list()).items.map((f) => f.id)).toEqual([file.id]);
    expect(await (await sdk.files.content(file.id)).text()).toBe(await dataset(100).text());
    expect((await sdk.files.delete(file.id)).deleted).toBe(true);
    await expect(together.files.retrieve(file.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('cancels through cancel_requested; fails with an error status and a job_error event; refuses to delete a running job', async () => {
    await using sandbox = await inProcess();
    const together = clientOf(sandbox);
    const file = await together.files.upload(dataset(64));
    const cancelled = await together.jobs.create({ model: MODEL, training_file: file.id });
    sandbox.script({ fail: { at: 'compressing', message: 'Compression failed: disk full' } });
    const failing = await together.jobs.create({ model: MODEL, training_file: file.id });
    const invalid = await together.jobs.create({ model: MODEL, training_file: (await together.files.upload(broken())).id });
    sandbox.advance(10 * MINUTE);
    expect(await failure(together.jobs.delete(failing.id))).toBeInstanceOf(BadRequestError);
    expect((await together.jobs.cancel(cancelled.id)).status).toBe('cancel_requested');
    sandbox.advance(30_000);
    expect((await together.jobs.retrieve(cancelled.id)).status).toBe('cancelled');
    expect(await failure(together.jobs.cancel(cancelled.id))).toBeInstanceOf(BadRequestError);
    sandbox.advance(2 * HOUR);
    const failed = await together.jobs.retrieve(failing.id);
    expect(failed.status).toBe('error');
    expect(failed.events?.at(-1)).toMatchObject({ type: 'job_error', level: 'error', message: 'Compression failed: disk full' });
    expect(failed.events?.map((e) => e.type)).toContain('model_compressing');
    const rejected = await together.jobs.retrieve(invalid.id);
    expect(rejected.status).toBe('error');
    expect(rejected.events?.at(-1)?.message).toMatch(/^The training file file-.* is not valid fine-tuning JSONL: line 3/);
    await expect(together.jobs.download(failing.id)).rejects.toBeInstanceOf(BadRequestError);
  });

  it("answers 404 and 401 in its ErrorData shape, and a broken request with Prism's 422", async () => {
    await using sandbox = await startSandbox({ provider: 'together', listen: false, apiKeys: ['good-key'] });
    const client = (apiKey: string) =>
      createTogetherClient({ apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch, maxRetries: 0, validate: false });
    const missing = await failure(client('good-key').jobs.retrieve('nope'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).body).toEqual({
      error: { message: 'Fine-tune job nope not found', type: 'invalid_request_error', param: null, code: 'not_found' },
    });
    const denied = await failure(client('bad-key').files.list());
    expect(denied).toBeInstanceOf(AuthenticationError);
    expect((denied as AuthenticationError).body).toMatchObject({ error: { code: 'invalid_api_key' } });
    const invalid = await failure(
      client('good-key').jobs.create({ model: MODEL, training_file: 'f', n_epochs: 1.5 }, { extraBody: { batch_size: 'all' } }),
    );
    expect(invalid).toBeInstanceOf(UnprocessableEntityError);
    expect((invalid as UnprocessableEntityError).headers.get('content-type')).toBe('application/problem+json');
    expect((invalid as UnprocessableEntityError).fields).toEqual([
      { field: 'body.n_epochs', message: 'body.n_epochs = 1.5 breaks type integer' },
      { field: 'body.batch_size', message: 'body.batch_size = "all" breaks enum ["max"]' },
    ]);
  });

  it("retries through scripted 500s and resets; an exhausted retry budget surfaces the provider's error", async () => {
    await using sandbox = await inProcess();
    const together = clientOf(sandbox);
    sandbox.script({ fault: 'reset', times: 2, match: 'GET /files' });
    expect((await together.files.list()).items).toEqual([]);
    expect(sandbox.requests.map((r) => [r.path, r.status, r.fault])).toEqual([
      ['/v1/files', 0, 'reset'],
      ['/v1/files', 0, 'reset'],
      ['/v1/files', 200, undefined],
    ]);
    sandbox.script({ fault: { status: 500, message: 'upstream exploded' }, times: 3 });
    const error = await failure(together.jobs.list());
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).message).toMatch(/upstream exploded/);
  });
});
