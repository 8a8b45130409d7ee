/**
 * The Azure OpenAI sandbox: files processed after upload (`pending` → `running` → `processed`, with their expiry),
 * a job to `succeeded` with its events and checkpoints, the preview checkpoint copy and its header, pause refused
 * (the document has no `paused`), the `api-key` credential; every answer checked by `prism proxy --errors` on the
 * trimmed document; and the official `openai` package, configured for Azure's v1 API as Microsoft documents it
 * (the `OpenAI` client, the resource's `/openai/v1` base URL, the key in an `api-key` header), running a job to
 * `succeeded` through that proxy.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  createAzureOpenAIClient,
  createTuner,
  InternalServerError,
  NotFoundError,
} from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { startPrismProxy, type PrismProxy } from '../support/prism-proxy.js';
import { collect, dataset, failure, falling, HOUR, MINUTE } from '../support/sandbox.js';

const apiKey = 'azure-sandbox-key-4c2d';
const MODEL = 'gpt-4.1-mini-2025-04-14';
const inProcess = () => startSandbox({ provider: 'azure', clock: 'manual', listen: false });
const clientOf = (sandbox: Sandbox<'azure'>) =>
  createAzureOpenAIClient({ apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch, maxRetries: 0 });
const DESTINATION = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/other';

describe('azure sandbox', () => {
  it('serves its paths under /openai/v1, as the resource does', async () => {
    await using sandbox = await inProcess();
    expect(new URL(sandbox.url).pathname).toBe('/openai/v1');
  });

  it('processes an upload (pending, running, processed) and keeps its expiry', async () => {
    await using sandbox = await inProcess();
    const azure = clientOf(sandbox);
    const file = await azure.files.upload(dataset(20), { expiresAfterSeconds: 14 * 24 * 3600 });
    expect(file).toMatchObject({ object: 'file', purpose: 'fine-tune', status: 'pending', expires_at: file.created_at + 14 * 24 * 3600 });
    sandbox.advance(4_000);
    expect((await azure.files.retrieve(file.id)).status).toBe('running');
    sandbox.advance(4_000);
    expect((await azure.files.retrieve(file.id)).status).toBe('processed');
    expect((await azure.files.list()).items.map((f) => f.id)).toEqual([file.id]);
  });

  it('refuses an upload without expires_after, which Azure requires', async () => {
    await using sandbox = await inProcess();
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', dataset(20));
    const response = await sandbox.fetch(`${sandbox.url}/files`, { method: 'POST', body: form, headers: { 'api-key': apiKey } });
    expect(response.status).toBe(422);
    expect(await response.text()).toMatch(/expires_after/);
  });

  it('walks a job to succeeded: resolved hyperparameters, falling loss, checkpoints, an Azure model name', async () => {
    await using sandbox = await inProcess();
    const azure = clientOf(sandbox);
    const file = await azure.files.upload(dataset(30));
    const job = await azure.jobs.create({
      model: MODEL,
      training_file: file.id,
      suffix: 'support',
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2 } } },
    });
    expect(job).toMatchObject({
      status: 'validating_files',
      fine_tuned_model: null,
      user_provided_suffix: 'support',
      metadata: { tunekit_create_key: expect.any(String) },
    });
    sandbox.advance(2 * HOUR);
    const done = await azure.jobs.retrieve(job.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      error: null,
      fine_tuned_model: expect.stringMatching(new RegExp(`^${MODEL.replaceAll('.', '\\.')}\\.ft-[0-9a-f]{32}-support$`)),
    });
    const metrics = (await collect(azure.jobs.events(job.id))).filter((event) => event.type === 'metrics').reverse();
    expect(metrics.length).toBeGreaterThan(5);
    expect(falling(metrics.map((event) => Number((event.data as { train_loss: number }).train_loss)))).toBe(true);
    const checkpoints = await collect(azure.jobs.checkpoints(job.id));
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(checkpoints[0]?.fine_tuned_model_checkpoint).toMatch(/:ckpt-step-\d+$/);
  });

  it('copies a checkpoint (InProgress, then Completed) only with the preview header, and 404s an unknown one', async () => {
    await using sandbox = await inProcess();
    const azure = clientOf(sandbox);
    const file = await azure.files.upload(dataset(30));
    const job = await azure.jobs.create({ model: MODEL, training_file: file.id });
    sandbox.advance(2 * HOUR);
    const [checkpoint] = await collect(azure.jobs.checkpoints(job.id));
    const id = checkpoint?.id ?? '';
    const copy = await azure.jobs.copyCheckpoint(job.id, id, { destinationResourceId: DESTINATION, region: 'swedencentral' });
    expect(copy).toEqual({
      checkpointedModelName: checkpoint?.fine_tuned_model_checkpoint,
      fineTuningJobId: job.id,
      copiedAccountDetails: [{ destinationResourceId: DESTINATION, region: 'swedencentral', status: 'InProgress' }],
    });
    sandbox.advance(11 * MINUTE);
    expect((await azure.jobs.checkpointCopy(job.id, id)).copiedAccountDetails[0]?.status).toBe('Completed');
    const url = `${sandbox.url}/fine_tuning/jobs/${job.id}/checkpoints/${id}/copy`;
    const withoutHeader = await sandbox.fetch(url, { headers: { 'api-key': apiKey, accept: 'application/json' } });
    expect(withoutHeader.status).toBe(400);
    expect(await failure(azure.jobs.checkpointCopy(job.id, 'ftckpt-nope'))).toBeInstanceOf(NotFoundError);
  });

  it('refuses pause and resume (no paused status in the document), and cancels', async () => {
    await using sandbox = await inProcess();
    const azure = clientOf(sandbox);
    const file = await azure.files.upload(dataset(30));
    const job = await azure.jobs.create({ model: MODEL, training_file: file.id });
    sandbox.advance(10 * MINUTE);
    const error = await failure(azure.jobs.pause(job.id));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(String(error)).toMatch(/no "paused"/);
    expect(await failure(azure.jobs.resume(job.id))).toBeInstanceOf(BadRequestError);
    expect((await azure.jobs.cancel(job.id)).status).toBe('cancelled');
  });

  it('takes the key from the api-key header or an Entra ID bearer token, and answers 401 to neither', async () => {
    await using sandbox = await inProcess();
    const viaToken = createAzureOpenAIClient({
      baseUrl: sandbox.url,
      fetch: sandbox.fetch,
      maxRetries: 0,
      token: async () => 'entra-token-abcdef',
    });
    expect((await viaToken.jobs.list()).items).toEqual([]);
    const bare = await sandbox.fetch(`${sandbox.url}/fine_tuning/jobs`);
    expect(bare.status).toBe(401);
    const keyless = createAzureOpenAIClient({
      apiKey,
      baseUrl: sandbox.url,
      maxRetries: 0,
      fetch: (input, init) => {
        const request = new Request(input, init);
        request.headers.delete('api-key');
        return sandbox.fetch(request);
      },
    });
    expect(await failure(keyless.jobs.list())).toBeInstanceOf(AuthenticationError);
  });

  it('train() waits for the file to be processed and ends with the fine-tuned model name', async () => {
    await using sandbox = await inProcess();
    const tuner = createTuner({ provider: 'azure', apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch });
    const statuses: string[] = [];
    const result = await tuner.train(
      { model: MODEL, trainingFile: dataset(30), epochs: 1 },
      {
        wait: { clock: sandbox.clock },
        onProgress: (progress) => (progress.stage === 'processing' ? statuses.push(progress.status) : undefined),
      },
    );
    expect(statuses).toEqual(['uploaded', 'processed']);
    expect(result.job.status).toBe('succeeded');
    expect(result.model).toMatch(/\.ft-[0-9a-f]{32}$/);
  });
});

describe('azure reliability on the sandbox', () => {
  it("a create whose answer is lost makes one job: the client finds it by the key in metadata (the user's metadata kept)", async () => {
    await using sandbox = await inProcess();
    const azure = createAzureOpenAIClient({ apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    const file = await azure.files.upload(dataset(20));
    sandbox.script({ fault: 'lost-answer', match: 'POST /fine_tuning/jobs' });
    const job = await azure.jobs.create({ model: MODEL, training_file: file.id, metadata: { team: 'ml' } });
    expect(job.metadata).toEqual({ team: 'ml', tunekit_create_key: expect.stringMatching(/^tunekit-/) });
    expect((await azure.jobs.list()).items.map((j) => j.id)).toEqual([job.id]);
    expect(sandbox.requests.filter((r) => r.operation === 'POST /fine_tuning/jobs')).toHaveLength(1);
  });

  it('retries a 503 on a read, and gives up with the typed error after its retries', async () => {
    await using sandbox = await inProcess();
    const azure = createAzureOpenAIClient({
      apiKey,
      baseUrl: sandbox.url,
      fetch: sandbox.fetch,
      maxRetries: 2,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    sandbox.script({ fault: 503, times: 2, match: 'GET /fine_tuning/jobs' });
    expect((await azure.jobs.list()).items).toEqual([]);
    sandbox.script({ fault: 503, times: 3, match: 'GET /fine_tuning/jobs' });
    expect(await failure(azure.jobs.list())).toBeInstanceOf(InternalServerError);
  });
});

describe('through prism proxy --errors on the trimmed document', () => {
  let sandbox: Sandbox<'azure'>;
  let proxy: PrismProxy;
  /** Prism logs a violation after it answers: give the log a moment before reading it. */
  const settled = async (mark: number): Promise<string[]> => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    return proxy.violations(mark);
  };
  beforeAll(async () => {
    sandbox = await startSandbox({ provider: 'azure' });
    proxy = await startPrismProxy('openapi/azure.json', sandbox.url);
  });
  afterAll(async () => {
    await proxy?.stop();
    await sandbox?.close();
  });

  it('tunekit: files, a job to success, events, checkpoints, the copy, a cancelled job, 404s: every answer conforms', async () => {
    const mark = proxy.mark();
    const azure = createAzureOpenAIClient({ apiKey, baseUrl: proxy.url, maxRetries: 0 });
    const file = await azure.files.upload(dataset(24));
    sandbox.advance(MINUTE);
    await azure.files.retrieve(file.id);
    await azure.files.list({ purpose: 'fine-tune' });
    const job = await azure.jobs.create({ model: MODEL, training_file: file.id, seed: 7 });
    for (let i = 0; i < 8; i++) {
      sandbox.advance(15 * MINUTE);
      await azure.jobs.retrieve(job.id);
      await azure.jobs.list({ limit: 1 });
    }
    expect((await azure.jobs.retrieve(job.id)).status).toBe('succeeded');
    await collect(azure.jobs.events(job.id, { limit: 10 }));
    const [checkpoint] = await collect(azure.jobs.checkpoints(job.id, { limit: 2 }));
    await azure.jobs.copyCheckpoint(job.id, checkpoint?.id ?? '', { destinationResourceId: DESTINATION, region: 'eastus2' });
    await azure.jobs.checkpointCopy(job.id, checkpoint?.id ?? '');
    await (await azure.files.content(file.id)).text();
    const cancelled = await azure.jobs.create({ model: MODEL, training_file: file.id });
    await azure.jobs.cancel(cancelled.id);
    expect(await failure(azure.jobs.retrieve('ftjob-nope'))).toBeInstanceOf(NotFoundError);
    await azure.files.delete(file.id);
    expect(await settled(mark)).toEqual([]);
  });

  it('the official openai package, configured for Azure v1 (OpenAI client, /openai/v1 base URL, api-key header), runs a job to succeeded', async () => {
    const mark = proxy.mark();
    // Microsoft's v1 guidance: `new OpenAI({ baseURL: 'https://<resource>.openai.azure.com/openai/v1/', apiKey, defaultHeaders: { 'api-key': key } })`.
    // Prism serves the document's paths at its root, so the proxy's URL stands for the resource's /openai/v1.
    const sdk = new OpenAI({ baseURL: `${proxy.url}/`, apiKey, defaultHeaders: { 'api-key': apiKey }, maxRetries: 0 });
    const file = await sdk.files.create({
      file: dataset(30),
      purpose: 'fine-tune',
      expires_after: { anchor: 'created_at', seconds: 1_209_600 },
    });
    expect(file).toMatchObject({ object: 'file', status: 'pending' });
    sandbox.advance(MINUTE);
    expect((await sdk.files.retrieve(file.id)).status).toBe('processed');
    const job = await sdk.fineTuning.jobs.create({
      model: MODEL,
      training_file: file.id,
      suffix: 'sdk',
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2 } } },
    });
    expect(job.status).toBe('validating_files');
    sandbox.advance(2 * HOUR);
    const done = await sdk.fineTuning.jobs.retrieve(job.id);
    expect(done).toMatchObject({ status: 'succeeded', fine_tuned_model: expect.stringMatching(/\.ft-[0-9a-f]{32}-sdk$/) });
    const events = [];
    for await (const event of sdk.fineTuning.jobs.listEvents(job.id, { limit: 20 })) events.push(event);
    expect(events.some((event) => event.type === 'metrics')).toBe(true);
    expect((await sdk.fineTuning.jobs.checkpoints.list(job.id)).data.length).toBeGreaterThan(0);
    // The same job, read by tunekit through the same proxy.
    const tunekit = createAzureOpenAIClient({ apiKey, baseUrl: proxy.url, maxRetries: 0 });
    expect(await tunekit.jobs.retrieve(job.id)).toEqual(done);
    expect(await settled(mark)).toEqual([]);
  });
});
