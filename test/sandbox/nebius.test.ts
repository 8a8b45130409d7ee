import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  APITimeoutError,
  AuthenticationError,
  BadRequestError,
  createNebiusClient,
  NotFoundError,
  UnprocessableEntityError,
} from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { broken, collect, dataset, failure, falling, HOUR, MINUTE } from '../support/sandbox.js';

const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';

const inProcess = () => startSandbox({ provider: 'nebius', clock: 'manual', listen: false });
/** tunekit's client on the sandbox's in-process fetch, retrying fast. */
const clientOf = (sandbox: Sandbox<'nebius'>) =>
  createNebiusClient({
    apiKey: 'nebius-test-key',
    baseUrl: sandbox.url,
    fetch: sandbox.fetch,
    maxRetries: 2,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });

describe('nebius sandbox through tunekit', () => {
  it('walks a job from upload to success: statuses, steps, events with falling loss, a checkpoint per epoch', async () => {
    await using sandbox = await inProcess();
    const nebius = clientOf(sandbox);
    const file = await nebius.files.upload(dataset(40), { filename: 'train.jsonl' });
    expect(file).toMatchObject({ object: 'file', filename: 'train.jsonl', purpose: 'fine-tune', status: 'uploaded' });
    const created = await nebius.jobs.create({
      model: MODEL,
      training_file: file.id,
      hyperparameters: { n_epochs: 2, batch_size: 8 },
      suffix: 'demo',
    });
    expect(created).toMatchObject({
      object: 'fine_tuning.job',
      status: 'validating_files',
      model: MODEL,
      training_file: file.id,
      total_steps: null,
      suffix: 'demo',
    });
    expect(created.tags).toEqual([expect.stringMatching(/^tunekit-/)]); // the create-once key is kept, as Nebius keeps tags

    const seen: string[] = [];
    let steps = -1;
    for (let minute = 0; minute < 60; minute++) {
      sandbox.advance(MINUTE);
      const job = await nebius.jobs.retrieve(created.id);
      if (seen[seen.length - 1] !== job.status) seen.push(job.status);
      if (job.status === 'running') {
        expect(job.total_steps).toBe(10);
        expect(job.trained_steps ?? 0).toBeGreaterThanOrEqual(steps);
        steps = job.trained_steps ?? 0;
        expect(job.estimated_finish).toBeGreaterThanOrEqual(Math.floor(sandbox.now().getTime() / 1000));
      }
    }
    expect(seen).toEqual(['validating_files', 'queued', 'running', 'succeeded']);
    const done = await nebius.jobs.retrieve(created.id);
    expect(done).toMatchObject({ status: 'succeeded', trained_steps: 10, total_steps: 10, error: null, estimated_finish: null });
    expect(done.finished_at).toBeGreaterThan(done.created_at);
    expect(done.result_files).toHaveLength(1);
    expect(await (await nebius.files.content(done.result_files?.[0] ?? '')).text()).toMatch(/^step,train_loss/);

    const events = await collect(nebius.jobs.events(created.id, { limit: 7 }));
    const times = events.map((event) => event.created_at);
    expect(times).toEqual([...times].sort((a, b) => b - a)); // newest first
    expect(events.at(-1)?.message).toBe(`Created fine-tuning job: ${created.id}`);
    expect(events[0]?.message).toBe('The job has successfully completed');
    const losses = events
      .filter((event) => event.type === 'metrics')
      .reverse()
      .map((event) => (event.data as { train_loss: number }).train_loss);
    expect(losses).toHaveLength(10);
    expect(falling(losses)).toBe(true);

    const checkpoints = await collect(nebius.jobs.checkpoints(created.id));
    expect(checkpoints.map((c) => c.step_number)).toEqual([10, 5]);
    const [final] = checkpoints;
    expect(final?.fine_tuned_model_checkpoint).toBe(`${created.id}:${final?.id}`);
    expect(await nebius.jobs.checkpoint(created.id, final?.id ?? '')).toMatchObject({ step_number: 10, metrics: { step: 10 } });
  });

  it('turns the final checkpoint into a custom model: validating, then active; by short and full name; listed; deleted', async () => {
    await using sandbox = await inProcess();
    const nebius = clientOf(sandbox);
    const file = await nebius.files.upload(dataset(16));
    const job = await nebius.jobs.create({ model: MODEL, training_file: file.id });
    sandbox.advance(2 * HOUR);
    const [final] = (await nebius.jobs.checkpoints(job.id)).items;
    const { data: model, error } = await nebius.raw.POST('/v0/models', {
      body: {
        name: 'support-bot',
        base_model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-fast',
        source: final?.fine_tuned_model_checkpoint ?? '',
      },
    });
    expect(error).toBeUndefined();
    expect(model).toMatchObject({ base_model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-fast', status: 'validating', description: null });
    expect(model?.name).toMatch(/^meta-llama\/Meta-Llama-3\.1-8B-Instruct-LoRa:support-bot-[a-z]{4}$/);
    const [vendor = '', fullName = ''] = (model?.name ?? '').split('/');
    const short = fullName.split(':')[1] ?? '';
    const byShort = () => nebius.raw.GET('/v0/models/{name}', { params: { path: { name: short } } });
    expect((await byShort()).data).toMatchObject({ name: model?.name, status: 'validating', job_id: job.id, checkpoint_id: final?.id });
    sandbox.advance(5 * MINUTE);
    expect(
      (await nebius.raw.GET('/v0/models/{vendor}/{full_name}', { params: { path: { vendor, full_name: fullName } } })).data,
    ).toMatchObject({ status: 'active' });
    expect((await nebius.raw.GET('/v0/models')).data?.map((m) => m.name)).toEqual([model?.name]);
    expect((await nebius.raw.DELETE('/v0/models/{name}', { params: { path: { name: short } } })).data).toMatchObject({ status: 'deleted' });
    expect((await byShort()).response.status).toBe(404);

    const unknown = await nebius.raw.POST('/v0/models', { body: { name: 'x', base_model: MODEL, source: `${job.id}:ftckpt_nope` } });
    expect(unknown.response.status).toBe(404);
    const garbage = await nebius.raw.POST('/v0/models', { body: { name: 'x', base_model: MODEL, source: 'somewhere' } });
    expect(garbage.response.status).toBe(400);
    expect(garbage.error).toEqual({ detail: expect.stringContaining('source = "somewhere"') });
  });

  it('fails a job in validation when the training file is not JSONL, or unknown, with the provider error shape', async () => {
    await using sandbox = await inProcess();
    const nebius = clientOf(sandbox);
    const bad = await nebius.files.upload(broken());
    const invalid = await nebius.jobs.create({ model: MODEL, training_file: bad.id });
    const missing = await nebius.jobs.create({ model: MODEL, training_file: 'file-does-not-exist' });
    expect(invalid.status).toBe('validating_files');
    sandbox.advance(MINUTE - 1);
    expect((await nebius.jobs.retrieve(invalid.id)).status).toBe('validating_files');
    sandbox.advance(1);
    const failed = await nebius.jobs.retrieve(invalid.id);
    expect(failed).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_training_file', param: 'training_file' },
      trained_steps: null,
    });
    expect(failed.error?.message).toMatch(/line 3: not valid JSON/);
    expect(failed.finished_at).toBe(failed.created_at + 60);
    expect((await nebius.jobs.retrieve(missing.id)).error).toMatchObject({
      code: 'invalid_training_file',
      message: 'The training file file-does-not-exist does not exist',
    });
    const [last] = (await nebius.jobs.events(invalid.id, { limit: 1 })).items;
    expect(last).toMatchObject({ level: 'error', message: expect.stringMatching(/not valid fine-tuning JSONL/) });
  });

  it('fails or cancels a job where a script says, with its code and message', async () => {
    await using sandbox = await inProcess();
    const nebius = clientOf(sandbox);
    const file = await nebius.files.upload(dataset(40));
    sandbox.script({ fail: { at: { step: 7 }, code: 'out_of_memory', message: 'CUDA out of memory at step 7' } });
    const failing = await nebius.jobs.create({ model: MODEL, training_file: file.id });
    const plain = await nebius.jobs.create({ model: MODEL, training_file: file.id });
    sandbox.script({ job: plain.id, cancel: { at: 'queued' } });
    sandbox.advance(3 * HOUR);
    const failed = await nebius.jobs.retrieve(failing.id);
    expect(failed).toMatchObject({
      status: 'failed',
      trained_steps: 7,
      error: { code: 'out_of_memory', message: 'CUDA out of memory at step 7' },
    });
    expect((await nebius.jobs.checkpoints(failing.id)).items.map((c) => c.step_number)).toEqual([5]);
    const cancelled = await nebius.jobs.retrieve(plain.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', trained_steps: null });
    expect((await nebius.jobs.events(plain.id, { limit: 1 })).items[0]?.message).toBe('The job was cancelled by the provider');
    expect(() => sandbox.script({ job: plain.id, fail: {} })).toThrow(/has already ended \(cancelled\)/);
  });

  it('cancels a running job; a second cancel is a 400 in FastAPI shape', async () => {
    await using sandbox = await inProcess();
    const nebius = clientOf(sandbox);
    const job = await nebius.jobs.create({ model: MODEL, training_file: (await nebius.files.upload(dataset(40))).id });
    sandbox.advance(20 * MINUTE);
    const running = await nebius.jobs.retrieve(job.id);
    expect(running.status).toBe('running');
    const cancelled = await nebius.jobs.cancel(job.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', trained_steps: running.trained_steps, estimated_finish: null });
    const again = await failure(nebius.jobs.cancel(job.id));
    expect(again).toBeInstanceOf(BadRequestError);
    expect((again as BadRequestError).body).toEqual({ detail: `job ${job.id} is cancelled and cannot be cancelled` });
    sandbox.advance(HOUR);
    expect((await nebius.jobs.retrieve(job.id)).status).toBe('cancelled');
  });

  it('pages jobs and events with after/limit and a truthful has_more', async () => {
    await using sandbox = await inProcess();
    const nebius = clientOf(sandbox);
    const file = await nebius.files.upload(dataset(8));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.unshift((await nebius.jobs.create({ model: MODEL, training_file: file.id })).id);
    const first = await nebius.jobs.list({ limit: 2 });
    expect(first.items.map((job) => job.id)).toEqual(ids.slice(0, 2));
    expect(first.hasMore).toBe(true);
    const pages = [];
    for await (const page of nebius.jobs.list({ limit: 2 }).pages()) pages.push(page.items.map((job) => job.id));
    expect(pages).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
    expect((await nebius.jobs.list({ limit: 5 })).hasMore).toBe(false);
    sandbox.advance(HOUR);
    const events = await collect(nebius.jobs.events(ids[0] ?? '', { limit: 3 }));
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    expect(events.length).toBeGreaterThan(6);
  });

  it('answers unknown ids with 404 and a missing or wrong key with 401, in FastAPI shape', async () => {
    await using sandbox = await startSandbox({ provider: 'nebius', listen: false, apiKeys: ['the-right-key'] });
    const client = (apiKey: string) => createNebiusClient({ apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch, maxRetries: 0 });
    const notFound = await failure(client('the-right-key').jobs.retrieve('ftjob-nope'));
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect((notFound as NotFoundError).body).toEqual({ detail: 'Fine-tuning job ftjob-nope not found' });
    await expect(client('the-right-key').files.retrieve('file-nope')).rejects.toBeInstanceOf(NotFoundError);
    const wrong = await failure(client('a-wrong-key').jobs.list());
    expect(wrong).toBeInstanceOf(AuthenticationError);
    expect((wrong as AuthenticationError).body).toEqual({ detail: 'Invalid API key' });
    const missing = await sandbox.fetch(`${sandbox.url}/v1/fine_tuning/jobs`);
    expect([missing.status, await missing.json()]).toEqual([401, { detail: 'Not authenticated' }]);
  });

  it("rejects a request that breaks the document with FastAPI's 422, every problem listed", async () => {
    await using sandbox = await inProcess();
    const unchecked = createNebiusClient({ apiKey: 'k', baseUrl: sandbox.url, fetch: sandbox.fetch, validate: false, maxRetries: 0 });
    const hyperparameters = { n_epochs: 40, epochs: 3 }; // not a literal: TypeScript lets the unknown key through, as JavaScript callers would
    const error = await failure(unchecked.jobs.create({ model: MODEL, training_file: 'file-1', hyperparameters }));
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).body).toEqual({
      detail: [
        {
          loc: ['body', 'hyperparameters', 'n_epochs'],
          msg: 'body.hyperparameters.n_epochs = 40 breaks maximum 20',
          type: 'less_than_equal',
          input: 40,
        },
        {
          loc: ['body', 'hyperparameters', 'epochs'],
          msg: 'body.hyperparameters.epochs = 3 is not a field the document names (did you mean n_epochs?)',
          type: 'extra_forbidden',
          input: 3,
        },
      ],
    });
    expect((error as UnprocessableEntityError).fields.map((f) => f.field)).toEqual([
      'body.hyperparameters.n_epochs',
      'body.hyperparameters.epochs',
    ]);
    const upload = await sandbox.fetch(`${sandbox.url}/v1/files`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: new FormData(),
    });
    expect(upload.status).toBe(422);
  });

  it("drives tunekit's retries with scripted faults: 503s, a 429 with Retry-After, a lost answer, a slow answer", async () => {
    await using sandbox = await inProcess();
    const nebius = clientOf(sandbox);
    const file = await nebius.files.upload(dataset(8));
    const job = await nebius.jobs.create({ model: MODEL, training_file: file.id });
    sandbox.script({ fault: 503, times: 2, match: 'GET /v1/fine_tuning/jobs/{job_id}' });
    expect((await nebius.jobs.retrieve(job.id)).id).toBe(job.id);
    const retrieves = sandbox.requests.filter((r) => r.operation === 'GET /v1/fine_tuning/jobs/{job_id}');
    expect(retrieves.map((r) => [r.status, r.fault])).toEqual([
      [503, '503'],
      [503, '503'],
      [200, undefined],
    ]);

    sandbox.script({ fault: { status: 429, retryAfter: 0.05 }, match: 'GET' });
    const started = Date.now();
    await nebius.jobs.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);

    // The create happens but its answer is lost: tunekit finds the job by its tag instead of creating a second one.
    sandbox.script({ fault: 'lost-answer', match: 'POST /v1/fine_tuning/jobs' });
    const again = await nebius.jobs.create({ model: MODEL, training_file: file.id });
    expect((await nebius.jobs.list({ limit: 10 })).items.map((j) => j.id)).toEqual([again.id, job.id]);

    sandbox.script({ fault: { delayMs: 300 } });
    await expect(nebius.jobs.retrieve(job.id, { timeoutMs: 100, maxRetries: 0 })).rejects.toBeInstanceOf(APITimeoutError);
  });
});

describe('nebius sandbox through the official openai SDK (as Nebius advises)', () => {
  it('uploads, creates, lists, pages, reads events and checkpoints, and cancels', async () => {
    await using sandbox = await startSandbox({ provider: 'nebius', clock: 'manual' });
    const sdk = new OpenAI({ apiKey: 'sdk-key', baseURL: `${sandbox.url}/v1`, maxRetries: 0 });
    const tunekit = createNebiusClient({ apiKey: 'sdk-key', baseUrl: sandbox.url });
    const file = await sdk.files.create({ file: dataset(24), purpose: 'fine-tune' });
    expect(file).toMatchObject({ object: 'file', bytes: dataset(24).size, purpose: 'fine-tune' });
    expect(await (await sdk.files.content(file.id)).text()).toBe(await dataset(24).text());
    const job = await sdk.fineTuning.jobs.create({ model: MODEL, training_file: file.id });
    const other = await sdk.fineTuning.jobs.create({ model: MODEL, training_file: file.id, suffix: 'second' });
    sandbox.advance(HOUR);
    const seen = await sdk.fineTuning.jobs.retrieve(job.id);
    expect(seen.status).toBe('succeeded');
    expect(seen).toEqual(await tunekit.jobs.retrieve(job.id));
    const listed = [];
    for await (const item of sdk.fineTuning.jobs.list({ limit: 1 })) listed.push(item.id);
    expect(listed).toEqual([other.id, job.id]);
    const events = [];
    for await (const event of sdk.fineTuning.jobs.listEvents(job.id, { limit: 4 })) events.push(event);
    expect(events).toEqual(await collect(tunekit.jobs.events(job.id, { limit: 50 })));
    const checkpoints = await sdk.fineTuning.jobs.checkpoints.list(job.id);
    expect(checkpoints.data.map((c) => c.step_number)).toEqual([9, 6, 3]);
    expect((await sdk.files.list()).data.map((f) => f.id)).toContain(file.id);
    await expect(sdk.fineTuning.jobs.cancel(job.id)).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(sdk.fineTuning.jobs.retrieve('ftjob-missing')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(
      sdk.fineTuning.jobs.create({ model: MODEL, training_file: file.id, hyperparameters: { n_epochs: 99 } }),
    ).rejects.toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect((await sdk.files.delete(file.id)).deleted).toBe(true);
  });

  it('pages files past the documented default limit of 10 (the SDK follows has_more with after)', async () => {
    await using sandbox = await startSandbox({ provider: 'nebius', listen: false });
    const sdk = new OpenAI({ apiKey: 'sdk-key', baseURL: `${sandbox.url}/v1`, fetch: sandbox.fetch, maxRetries: 0 });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.unshift((await sdk.files.create({ file: dataset(2, `f${i}.jsonl`), purpose: 'fine-tune' })).id);
    const listed = [];
    for await (const file of sdk.files.list()) listed.push(file.id);
    expect(listed).toEqual(ids);
    // tunekit pages it the same way (the document names only `limit`): every file, 10 and then 2.
    const tunekit = createNebiusClient({ apiKey: 'sdk-key', baseUrl: sandbox.url, fetch: sandbox.fetch });
    expect((await collect(tunekit.files.list())).map((file) => file.id)).toEqual(ids);
    expect((await tunekit.files.list()).items).toHaveLength(10);
  });
});
