import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, createOpenAIClient, NotFoundError, UnprocessableEntityError } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { collect, dataset, failure, falling, HOUR, jsonl, MINUTE } from '../support/sandbox.js';

const inProcess = () => startSandbox({ provider: 'openai', clock: 'manual', listen: false });
const clientOf = (sandbox: Sandbox<'openai'>) =>
  createOpenAIClient({
    apiKey: 'openai-test-key',
    baseUrl: sandbox.url,
    fetch: sandbox.fetch,
    maxRetries: 2,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
const sdkOf = (sandbox: Sandbox<'openai'>) =>
  new OpenAI({ apiKey: 'openai-test-key', baseURL: sandbox.url, fetch: sandbox.fetch, maxRetries: 0 });

describe('openai sandbox', () => {
  it('walks a job to succeeded through the official SDK: auto hyperparameters resolved, falling loss, last three epochs checkpointed, a result file', async () => {
    await using sandbox = await inProcess();
    const sdk = sdkOf(sandbox);
    const tunekit = clientOf(sandbox);
    const file = await sdk.files.create({ file: dataset(30), purpose: 'fine-tune' });
    expect(file).toMatchObject({ object: 'file', purpose: 'fine-tune', status: 'uploaded' });
    const validation = await sdk.files.create({ file: dataset(6, 'valid.jsonl'), purpose: 'fine-tune' });
    const created = await sdk.fineTuning.jobs.create({
      model: 'gpt-4o-mini-2024-07-18',
      training_file: file.id,
      validation_file: validation.id,
      suffix: 'support',
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 4 } } },
      metadata: { team: 'search' },
    });
    expect(created).toMatchObject({
      status: 'validating_files',
      fine_tuned_model: null,
      hyperparameters: { n_epochs: 4, batch_size: 'auto', learning_rate_multiplier: 'auto' },
      metadata: { team: 'search' },
    });
    sandbox.advance(2 * MINUTE);
    expect((await sdk.fineTuning.jobs.retrieve(created.id)).hyperparameters).toEqual({
      n_epochs: 4,
      batch_size: 1,
      learning_rate_multiplier: 1.8,
    });
    sandbox.advance(2 * HOUR);
    const done = await sdk.fineTuning.jobs.retrieve(created.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      fine_tuned_model: expect.stringMatching(/^ft:gpt-4o-mini-2024-07-18:sandbox:support:\w{8}$/),
      error: null,
      estimated_finish: null,
    });
    expect(done.trained_tokens).toBeGreaterThan(0);
    expect(done).toEqual(await tunekit.jobs.retrieve(created.id));

    const events = [];
    for await (const event of sdk.fineTuning.jobs.listEvents(created.id, { limit: 25 })) events.push(event);
    const metrics = events.filter((event) => event.type === 'metrics').reverse();
    expect(metrics).toHaveLength(60); // 120 steps: at most 100 metrics events, so every second step
    const losses = metrics.map((event) => (event.data as { train_loss: number; valid_loss: number }).train_loss);
    expect(falling(losses)).toBe(true);
    expect(metrics.at(-1)?.data).toMatchObject({ step: 120, total_steps: 120, valid_loss: expect.any(Number) });

    const checkpoints = (await sdk.fineTuning.jobs.checkpoints.list(created.id)).data;
    expect(checkpoints.map((c) => c.step_number)).toEqual([120, 90, 60]);
    expect(checkpoints[0]?.fine_tuned_model_checkpoint).toBe(`${done.fine_tuned_model}:ckpt-step-120`);
    expect(checkpoints[0]?.metrics).toMatchObject({ step: 120, train_loss: losses.at(-1), valid_loss: expect.any(Number) });

    const [resultId = ''] = done.result_files;
    expect(await sdk.files.retrieve(resultId)).toMatchObject({ purpose: 'fine-tune-results', filename: 'step_metrics.csv' });
    const csv = await (await sdk.files.content(resultId)).text();
    expect(csv.split('\n')[0]).toBe('step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy');
    expect((await collect(tunekit.jobs.list({ metadata: { team: 'search' } }))).map((job) => job.id)).toEqual([created.id]);
    expect((await tunekit.jobs.list({ metadata: { team: 'other' } })).items).toEqual([]);
  });

  it('pauses a running job and resumes it where it stopped', async () => {
    await using sandbox = await inProcess();
    const openai = clientOf(sandbox);
    const job = await openai.jobs.create({ model: 'gpt-4o-mini', training_file: (await openai.files.upload(dataset(100))).id });
    await expect(openai.jobs.pause(job.id)).rejects.toBeInstanceOf(BadRequestError);
    sandbox.advance(30 * MINUTE);
    const paused = await openai.jobs.pause(job.id);
    expect(paused).toMatchObject({ status: 'paused', estimated_finish: null });
    const before = (await openai.jobs.events(job.id, { limit: 2 })).items;
    expect(before[0]?.message).toBe('Fine-tuning job paused');
    sandbox.advance(10 * HOUR);
    expect((await openai.jobs.retrieve(job.id)).status).toBe('paused');
    expect((await openai.jobs.events(job.id, { limit: 2 })).items).toEqual(before); // nothing happens while paused
    await expect(openai.jobs.pause(job.id)).rejects.toBeInstanceOf(BadRequestError);
    const resumed = await openai.jobs.resume(job.id);
    expect(resumed.status).toBe('running');
    sandbox.advance(2 * HOUR);
    const done = await openai.jobs.retrieve(job.id);
    expect(done.status).toBe('succeeded');
    const messages = (await collect(openai.jobs.events(job.id, { limit: 100 }))).map((event) => event.message);
    expect(messages.filter((m) => /paused|resumed/.test(m))).toEqual(['Fine-tuning job resumed', 'Fine-tuning job paused']);
    const stepsSeen = messages
      .filter((m) => m.startsWith('Step '))
      .map((m) => Number(/^Step (\d+)/.exec(m)?.[1]))
      .reverse();
    expect(stepsSeen).toEqual([...stepsSeen].sort((a, b) => a - b)); // no step repeated or skipped around the pause
    expect(new Set(stepsSeen).size).toBe(stepsSeen.length);
  });

  it('assembles a file from /uploads parts, in the order given, checking size and md5; cancels an upload', async () => {
    await using sandbox = await inProcess();
    const sdk = sdkOf(sandbox);
    const text = jsonl(50);
    const [a, b] = [text.slice(0, 1000), text.slice(1000)];
    const upload = await sdk.uploads.create({
      filename: 'big.jsonl',
      purpose: 'fine-tune',
      bytes: text.length,
      mime_type: 'application/jsonl',
    });
    expect(upload).toMatchObject({ object: 'upload', status: 'pending', bytes: text.length });
    const second = await sdk.uploads.parts.create(upload.id, { data: new File([b], 'part-2') });
    const first = await sdk.uploads.parts.create(upload.id, { data: new File([a], 'part-1') });
    expect(first).toMatchObject({ object: 'upload.part', upload_id: upload.id });
    await expect(sdk.uploads.complete(upload.id, { part_ids: [first.id] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(sdk.uploads.complete(upload.id, { part_ids: [first.id, second.id], md5: '0'.repeat(32) })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    const md5 = createHash('md5').update(text).digest('hex');
    const done = await sdk.uploads.complete(upload.id, { part_ids: [first.id, second.id], md5 });
    expect(done).toMatchObject({ status: 'completed', file: { filename: 'big.jsonl', bytes: text.length, purpose: 'fine-tune' } });
    expect(await (await sdk.files.content(done.file?.id ?? '')).text()).toBe(text);
    await expect(sdk.uploads.parts.create(upload.id, { data: new File(['x'], 'late') })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const other = await sdk.uploads.create({ filename: 'x.jsonl', purpose: 'fine-tune', bytes: 10, mime_type: 'application/jsonl' });
    expect((await sdk.uploads.cancel(other.id)).status).toBe('cancelled');
    const late = await sdk.uploads.create({ filename: 'y.jsonl', purpose: 'fine-tune', bytes: 10, mime_type: 'application/jsonl' });
    sandbox.advance(HOUR);
    await expect(sdk.uploads.parts.create(late.id, { data: new File(['x'], 'p') })).rejects.toThrow(/is expired/);
  });

  it('pages files (newest first, or asc), jobs, events and checkpoints with after/limit', async () => {
    await using sandbox = await inProcess();
    const openai = clientOf(sandbox);
    const files = [];
    for (let i = 0; i < 3; i++) {
      files.push(await openai.files.upload(dataset(4, `f${i}.jsonl`)));
      sandbox.advance(1_000);
    }
    const newest = files.map((f) => f.id).reverse();
    expect((await openai.files.list({ limit: 2 })).items.map((f) => f.id)).toEqual(newest.slice(0, 2));
    expect((await collect(openai.files.list({ limit: 2 }))).map((f) => f.id)).toEqual(newest);
    expect((await collect(openai.files.list({ limit: 1, order: 'asc' }))).map((f) => f.id)).toEqual([...newest].reverse());
    const { data: first } = await openai.raw.GET('/files', { params: { query: { limit: 2 } } });
    expect([first?.first_id, first?.last_id, first?.has_more]).toEqual([newest[0], newest[1], true]);
    const job = await openai.jobs.create({ model: 'gpt-4o-mini', training_file: files[0]?.id ?? '' });
    sandbox.advance(HOUR);
    const pages = [];
    for await (const page of openai.jobs.checkpoints(job.id, { limit: 2 }).pages()) pages.push(page.items.map((c) => c.step_number));
    expect(pages).toEqual([[12, 8], [4]]);
    const events = await collect(openai.jobs.events(job.id, { limit: 5 }));
    expect(events[0]?.message).toBe('The job has successfully completed');
    expect(events.at(-1)?.message).toBe(`Created fine-tuning job: ${job.id}`);
  });

  it('answers 404, 401 and Prism-style 422s in the shapes the SDK reads', async () => {
    await using sandbox = await startSandbox({ provider: 'openai', listen: false, apiKeys: ['sk-right'] });
    const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: sandbox.url, fetch: sandbox.fetch, maxRetries: 0 });
    const missing = await failure(sdk('sk-right').fineTuning.jobs.retrieve('ftjob-nope'));
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).error).toEqual({
      message: 'Could not find fine-tuning job ftjob-nope',
      type: 'invalid_request_error',
      param: null,
      code: 'fine_tuning_job_not_found',
    });
    const wrong = await failure(sdk('sk-wrong-key').files.list());
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((wrong as InstanceType<typeof OpenAI.AuthenticationError>).message).not.toContain('sk-wrong-key');
    const invalid = await failure(sdk('sk-right').fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: 'f', seed: -1 }));
    expect(invalid).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    const tunekit = createOpenAIClient({ apiKey: 'sk-right', baseUrl: sandbox.url, fetch: sandbox.fetch, validate: false, maxRetries: 0 });
    const caught = await failure(tunekit.jobs.create({ model: 'gpt-4o-mini', training_file: 'f', seed: -1 }));
    expect(caught).toBeInstanceOf(UnprocessableEntityError);
    expect((caught as UnprocessableEntityError).body).toMatchObject({
      status: 422,
      validation: [{ location: ['body', 'seed'], code: 'minimum', severity: 'Error', message: 'body.seed = -1 breaks minimum 0' }],
    });
    await expect(tunekit.files.retrieve('file-nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      createOpenAIClient({ apiKey: 'sk-nope-nope', baseUrl: sandbox.url, fetch: sandbox.fetch }).jobs.list(),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });

  it("lets the SDK's own retries ride out a scripted 429 with Retry-After", async () => {
    await using sandbox = await inProcess();
    const sdk = new OpenAI({ apiKey: 'k', baseURL: sandbox.url, fetch: sandbox.fetch, maxRetries: 2 });
    sandbox.script({ fault: { status: 429, retryAfter: 0.01 }, match: 'GET /files' });
    expect((await sdk.files.list()).data).toEqual([]);
    expect(sandbox.requests.map((r) => r.status)).toEqual([429, 200]);
  });
});
