import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, inject, it } from 'vitest';
import {
  createNebiusClient,
  PaginationError,
  UnprocessableEntityError,
  ValidationError,
  type NebiusJobCreateParams,
} from '../../src/index.js';

const baseUrl = inject('prism').nebius;
/** Every request the client sends, as `METHOD /path?query` (the fetch is the real one, to the real Prism). */
const sent: string[] = [];
const counted: typeof fetch = (input, init) => {
  const request = new Request(input, init);
  const url = new URL(request.url);
  sent.push(`${request.method} ${url.pathname}${url.search}`);
  return fetch(request);
};
/** The requests sent while `action` ran. */
async function sentDuring(action: () => Promise<unknown>): Promise<string[]> {
  const from = sent.length;
  await action();
  return sent.slice(from);
}
const nebius = createNebiusClient({ apiKey: 'test-key', baseUrl, maxRetries: 0, fetch: counted });
// Client-side validation off: this request must reach Prism so its own 422 is what surfaces.
const nebiusUnchecked = createNebiusClient({ apiKey: 'test-key', baseUrl, maxRetries: 0, validate: false, fetch: counted });
const jobId = 'ftjob-abc123';

/** What Prism answers for a fine-tuning job: the document has no example, so each field is its schema's default or a placeholder. */
const mockJob = {
  id: 'string',
  object: 'fine_tuning.job',
  created_at: 0,
  model: 'string',
  status: 'validating_files',
  training_file: 'string',
  validation_file: 'string',
  hyperparameters: { batch_size: 8, learning_rate: 0.00001, n_epochs: 3, lora: false, lora_r: 8, lora_alpha: 8, context_length: 8192 },
  trained_steps: 0,
  total_steps: 0,
};
/** Prism's FileObject (no example in the document). */
const mockFile = {
  id: 'string',
  bytes: 0,
  created_at: 0,
  filename: 'string',
  object: 'file',
  purpose: 'string',
  status: 'string',
  status_details: 'string',
};
/** The document's example of a custom model being made (`POST /v0/models`, and the delete answers, which share its fields). */
const modelExample = {
  name: 'meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:my-custom-model-udpd',
  base_model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-fast',
  source: 'ftjob-1234567890:ftckpt_1234567890',
  created_at: 0,
  status: 'validating',
  description: 'string',
};
/** Prism's CustomModelInfoResponse (`GET /v0/models…`). */
const mockModel = { type: 'text2text', name: 'string', created_at: 'string', description: 'string', deprecated: true };

describe('nebius against Prism (every operation of the trimmed surface)', () => {
  it('jobs.create sends a valid body and returns the job', async () => {
    const body: NebiusJobCreateParams = {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      training_file: 'file-123',
      hyperparameters: { n_epochs: 3, batch_size: 8, lora: true, lora_r: 16 },
      suffix: 'tunekit-test',
    };
    let job: unknown;
    expect(await sentDuring(async () => (job = await nebius.jobs.create(body)))).toEqual(['POST /v1/fine_tuning/jobs']);
    expect(job).toMatchObject(mockJob);
  });

  it('jobs.retrieve returns one job', async () => {
    expect(await nebius.jobs.retrieve(jobId)).toMatchObject(mockJob);
  });

  it('jobs.list awaits to the first page with items, hasMore and a cursor', async () => {
    const page = await nebius.jobs.list({ limit: 5 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject(mockJob);
    expect(page.hasMore).toBe(true);
    expect(page.nextCursor).toBe('string');
  });

  it('jobs.list iterated with for await stops with a PaginationError on the mock (it always answers has_more with the same page)', async () => {
    const seen: string[] = [];
    await expect(async () => {
      for await (const job of nebius.jobs.list()) seen.push(job.id);
    }).rejects.toThrow(PaginationError);
    expect(seen).toEqual(['string', 'string']); // the first page, then the repeated one
  });

  it('jobs.cancel returns the job', async () => {
    let job: unknown;
    expect(await sentDuring(async () => (job = await nebius.jobs.cancel(jobId)))).toEqual([`POST /v1/fine_tuning/jobs/${jobId}/cancel`]);
    expect(job).toMatchObject(mockJob);
  });

  it('jobs.events returns a page of events', async () => {
    const page = await nebius.jobs.events(jobId, { limit: 10 });
    expect(page.items).toEqual([
      { id: 'string', created_at: 0, level: 'info', message: 'string', object: 'fine_tuning.job.event', data: null, type: 'message' },
    ]);
    expect(page.hasMore).toBe(false);
  });

  it('jobs.checkpoints returns a page of checkpoints', async () => {
    const page = await nebius.jobs.checkpoints(jobId);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      object: 'fine_tuning.job.checkpoint',
      id: 'string',
      fine_tuning_job_id: 'string',
      step_number: 0,
      metrics: { step: 0, train_loss: 0, valid_loss: 0 },
    });
  });

  it('jobs.checkpoint returns one checkpoint', async () => {
    let checkpoint: unknown;
    expect(await sentDuring(async () => (checkpoint = await nebius.jobs.checkpoint(jobId, 'ftckpt-1')))).toEqual([
      `GET /v1/fine_tuning/jobs/${jobId}/checkpoints/ftckpt-1`,
    ]);
    expect(checkpoint).toMatchObject({ object: 'fine_tuning.job.checkpoint', id: 'string', fine_tuning_job_id: 'string', step_number: 0 });
  });

  it('files.upload sends multipart from a Blob, a path and a stream', async () => {
    const line = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n';
    const dir = await mkdtemp(join(tmpdir(), 'tunekit-nebius-contract-'));
    try {
      const path = join(dir, 'train.jsonl');
      await writeFile(path, line.repeat(100));
      const uploads = await sentDuring(async () => {
        expect(await nebius.files.upload(new Blob([line]), { filename: 'train.jsonl' })).toEqual(mockFile);
        expect(await nebius.files.upload(path)).toEqual(mockFile);
        expect(await nebius.files.upload(Readable.from([Buffer.from(line)]), { purpose: 'fine-tune' })).toEqual(mockFile);
      });
      expect(uploads).toEqual(['POST /v1/files', 'POST /v1/files', 'POST /v1/files']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('files.list returns the files', async () => {
    const page = await nebius.files.list({ purpose: 'fine-tune' });
    expect(page.items).toEqual([
      {
        id: '<string>',
        bytes: 123,
        created_at: 123,
        filename: '<string>',
        object: 'file',
        purpose: '<string>',
        status: '<string>',
        status_details: '<string>',
      },
    ]);
    expect(page.hasMore).toBe(false);
  });

  it('files.retrieve returns a file', async () => {
    expect(await nebius.files.retrieve('file-123')).toEqual(mockFile);
  });

  it('files.content returns a readable Response (the document gives no media type: Prism answers an empty body)', async () => {
    const response = await nebius.files.content('file-123');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('files.delete answers', async () => {
    let deleted: unknown;
    expect(await sentDuring(async () => (deleted = await nebius.files.delete('file-123')))).toEqual(['DELETE /v1/files/file-123']);
    expect(deleted).toEqual({});
  });

  it("models.create sends the custom model and returns the document's example", async () => {
    let created: unknown;
    const body = { name: 'support-bot', base_model: 'meta-llama/Llama-3.1-8B-Instruct', source: 'ftjob-1:ftckpt-2' };
    expect(await sentDuring(async () => (created = await nebius.models.create(body)))).toEqual(['POST /v0/models']);
    expect(created).toEqual(modelExample);
  });

  it('models.list returns every custom model at once', async () => {
    const models: unknown[] = [];
    expect(
      await sentDuring(async () => {
        for await (const model of nebius.models.list()) models.push(model);
      }),
    ).toEqual(['GET /v0/models']);
    expect(models).toEqual([mockModel]);
  });

  it('models.retrieve takes a short name (GET /v0/models/{name}) and a full vendor/name (GET /v0/models/{vendor}/{full_name})', async () => {
    expect(await sentDuring(async () => expect(await nebius.models.retrieve('support-bot-ab12')).toEqual(mockModel))).toEqual([
      'GET /v0/models/support-bot-ab12',
    ]);
    const full = 'meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:support-bot-ab12';
    expect(await sentDuring(async () => expect(await nebius.models.retrieve(full)).toEqual(mockModel))).toEqual([
      `GET /v0/models/meta-llama/${encodeURIComponent('Meta-Llama-3.1-8B-Instruct-LoRa:support-bot-ab12')}`,
    ]);
  });

  it('models.delete takes a short name (DELETE /v0/models/{name}) and a full vendor/name (DELETE /v0/models/{vendor}/{full_name})', async () => {
    expect(await sentDuring(async () => expect(await nebius.models.delete('support-bot-ab12')).toEqual(modelExample))).toEqual([
      'DELETE /v0/models/support-bot-ab12',
    ]);
    const full = 'meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:support-bot-ab12';
    expect(await sentDuring(async () => expect(await nebius.models.delete(full)).toEqual(modelExample))).toEqual([
      `DELETE /v0/models/meta-llama/${encodeURIComponent('Meta-Llama-3.1-8B-Instruct-LoRa:support-bot-ab12')}`,
    ]);
  });

  it('raw is the typed openapi-fetch client with auth applied', async () => {
    const { data, response } = await nebius.raw.GET('/v1/fine_tuning/jobs/{job_id}', { params: { path: { job_id: jobId } } });
    expect(response.status).toBe(200);
    expect(data).toMatchObject(mockJob);
  });
});

describe('nebius errors from Prism', () => {
  it('the same bad body is stopped by client-side validation before anything is sent', async () => {
    const bad = { model: 42 } as unknown as NebiusJobCreateParams;
    const requests = await sentDuring(() => expect(nebius.jobs.create(bad)).rejects.toThrow(ValidationError));
    expect(requests).toEqual([]);
  });

  it('a body that breaks the spec surfaces as UnprocessableEntityError with the server detail', async () => {
    // training_file is required; a number is not a string model name.
    const bad = { model: 42 } as unknown as NebiusJobCreateParams;
    let error: unknown;
    expect(await sentDuring(async () => (error = await nebiusUnchecked.jobs.create(bad).catch((e: unknown) => e)))).toEqual([
      'POST /v1/fine_tuning/jobs',
    ]);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    const unprocessable = error as UnprocessableEntityError;
    expect(unprocessable.status).toBe(422);
    expect(unprocessable.provider).toBe('nebius');
    // Prism answers the document's own 422 (HTTPValidationError, a placeholder `loc` and `msg`), parsed field by field.
    expect(unprocessable.fields).toEqual([{ field: 'string', message: 'string' }]);
    expect(unprocessable.message).toContain('POST /v1/fine_tuning/jobs failed with 422');
  });

  it("Prefer: code=422 returns the document's own 422 example as UnprocessableEntityError", async () => {
    const error = await nebius.jobs.retrieve(jobId, { headers: { Prefer: 'code=422' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).fields[0]).toEqual({ field: expect.any(String), message: expect.any(String) });
  });

  it('a request without credentials is refused by the mock', async () => {
    const { response } = await nebius.raw.GET('/v1/fine_tuning/jobs/{job_id}', {
      params: { path: { job_id: jobId } },
      headers: { Authorization: null },
    });
    expect(response.status).toBe(401);
  });
});
