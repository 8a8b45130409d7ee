import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ValidationError,
  createNebiusClient,
  createOpenAIClient,
  createTogetherClient,
  type NebiusJobCreateParams,
  type OpenAIJobCreateParams,
  type TogetherJobCreateParams,
} from '../../src/index.js';
import { json, startLocalServer, type LocalServer } from '../support/local-server.js';

const job = { id: 'ftjob-1', object: 'fine_tuning.job', created_at: 1, model: 'm', status: 'queued', training_file: 'file-1' };
let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer((req, res) =>
    json(res, 200, req.url.includes('jobs?') || req.url.endsWith('/files') ? { object: 'list', data: [], has_more: false } : job),
  );
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const options = () => ({ apiKey: 'test-key-123456', baseUrl: server.url, maxRetries: 0 });
const sentBody = (index = 0): unknown => JSON.parse(server.requests[index]?.body ?? 'null');

describe('valid requests pass untouched', () => {
  it('Nebius: a full create body reaches the server as given (plus the create key tag)', async () => {
    const body: NebiusJobCreateParams = {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      training_file: 'file-123',
      validation_file: null,
      hyperparameters: {
        batch_size: 64,
        n_epochs: 20,
        context_length: 131072,
        lora: true,
        lora_r: 128,
        lora_alpha: 8,
        learning_rate: 0,
        warmup_ratio: 1,
      },
      method: { type: 'supervised', supervised: { hyperparameters: { batch_size: 1, context_length: 8192 } } },
      integrations: [{ type: 'wandb', wandb: { project: 'p', api_key: 'wandb-secret' } }],
      seed: 0,
      suffix: 'x'.repeat(64),
      extra_body: { anything: [1, 'two'] },
    };
    await createNebiusClient(options()).jobs.create(body);
    expect(server.requests).toHaveLength(1);
    const sent = sentBody();
    expect(sent).toMatchObject(body);
    expect(sent).toEqual({ ...body, tags: [expect.stringMatching(/^tunekit-/)] });
  });

  it('Together and OpenAI: create bodies reach the server as given', async () => {
    const together: TogetherJobCreateParams = {
      model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
      training_file: 'file-123',
      batch_size: 'max',
      train_on_inputs: 'auto',
      lr_scheduler: { lr_scheduler_type: 'cosine', lr_scheduler_args: { min_lr_ratio: 0.1, num_cycles: 0.5 } },
      training_method: { method: 'dpo', dpo_beta: 0.2 },
      training_type: { type: 'Lora', lora_r: 16, lora_alpha: 32 },
    };
    const openai: OpenAIJobCreateParams = {
      model: 'gpt-4o-mini',
      training_file: 'file-abc123',
      suffix: 'bot',
      seed: 2147483647,
      metadata: { team: 'ml' },
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 'auto', batch_size: 256, learning_rate_multiplier: 0.1 } } },
    };
    await createTogetherClient(options()).jobs.create(together);
    await createOpenAIClient(options()).jobs.create(openai);
    expect(server.requests).toHaveLength(2);
    // (a create may add its own idempotency marker; everything given is sent as given)
    expect(sentBody(0)).toMatchObject(together);
    expect(sentBody(1)).toMatchObject(openai);
  });

  it('parameters at their bounds and reads without rules go through', async () => {
    const nebius = createNebiusClient(options());
    await nebius.jobs.list({ limit: 1, after: 'ftjob-0' });
    await nebius.jobs.retrieve('ftjob-1');
    await nebius.files.list({ purpose: 'fine-tune' });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/fine_tuning/jobs?limit=1&after=ftjob-0',
      '/v1/fine_tuning/jobs/ftjob-1',
      '/v1/files?purpose=fine-tune',
    ]);
  });
});

describe('switches and seams', () => {
  const bad: NebiusJobCreateParams = { model: 'm', training_file: 'f', hyperparameters: { batch_size: 100 } };

  it('validate: false lets a bad body through to the server', async () => {
    await createNebiusClient({ ...options(), validate: false }).jobs.create(bad);
    expect(server.requests).toHaveLength(1);
    expect(sentBody()).toMatchObject({ hyperparameters: { batch_size: 100 } });
  });

  it('the raw client is validated too', async () => {
    const nebius = createNebiusClient(options());
    const error: unknown = await nebius.raw.POST('/v1/fine_tuning/jobs', { body: bad }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      message: 'nebius POST /v1/fine_tuning/jobs: body.hyperparameters.batch_size = 100 breaks maximum 64',
      field: 'body.hyperparameters.batch_size',
      rule: 'maximum 64',
      value: 100,
    });
    await expect(createTogetherClient(options()).raw.GET('/fine-tunes/{id}', { params: { path: { id: '' } } })).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'path.id',
      rule: 'minLength 1',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('the error carries field, rule and value, and never a secret', async () => {
    const secret = 'hf_abcdefghijklmnop';
    const error: unknown = await createTogetherClient(options())
      // @ts-expect-error -- a number where a string belongs, next to a secret
      .jobs.create({ model: 'm', training_file: 'f', hf_api_token: secret, n_epochs: '3' })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ValidationError);
    if (!(error instanceof ValidationError)) return;
    expect([error.field, error.rule, error.value]).toEqual(['body.n_epochs', 'type integer', '3']);

    const hidden: unknown = await createTogetherClient(options())
      // @ts-expect-error -- the token must be a string
      .jobs.create({ model: 'm', training_file: 'f', hf_api_token: [secret] })
      .catch((thrown: unknown) => thrown);
    expect(hidden).toBeInstanceOf(ValidationError);
    expect(JSON.stringify(hidden)).not.toContain(secret);
    expect(String(hidden)).not.toContain(secret);
    expect(hidden).toMatchObject({ field: 'body.hf_api_token', value: '[redacted]' });
    expect(server.requests).toHaveLength(0);
  });

  it('a body of another kind (multipart upload) is not read', async () => {
    await createOpenAIClient(options()).files.upload(new Blob(['{}\n']), { filename: 'train.jsonl' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers['content-type']).toMatch(/^multipart\/form-data/);
  });
});
