import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, inject, it } from 'vitest';
import { createNebiusClient, PaginationError, UnprocessableEntityError, ValidationError, type NebiusJobCreateParams } from '../../src/index.js';

const baseUrl = inject('prism').nebius;
const nebius = createNebiusClient({ apiKey: 'test-key', baseUrl, maxRetries: 0 });
// Client-side validation off: this request must reach Prism so its own 422 is what surfaces.
const nebiusUnchecked = createNebiusClient({ apiKey: 'test-key', baseUrl, maxRetries: 0, validate: false });
const jobId = 'ftjob-abc123';

describe('nebius against Prism (every operation of the trimmed surface)', () => {
  it('jobs.create sends a valid body and returns the job', async () => {
    const body: NebiusJobCreateParams = {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      training_file: 'file-123',
      hyperparameters: { n_epochs: 3, batch_size: 8, lora: true, lora_r: 16 },
      suffix: 'tunekit-test',
    };
    const job = await nebius.jobs.create(body);
    expect(job.object).toBe('fine_tuning.job');
    expect(typeof job.id).toBe('string');
    expect(['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled']).toContain(job.status);
  });

  it('jobs.retrieve returns one job', async () => {
    const job = await nebius.jobs.retrieve(jobId);
    expect(job).toMatchObject({ object: 'fine_tuning.job', training_file: expect.any(String), created_at: expect.any(Number) });
  });

  it('jobs.list awaits to the first page with items, hasMore and a cursor', async () => {
    const page = await nebius.jobs.list({ limit: 5 });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items[0]?.object).toBe('fine_tuning.job');
    expect(page.hasMore).toBe(true);
    expect(page.nextCursor).toBe(page.items[page.items.length - 1]?.id);
  });

  it('jobs.list iterated with for await stops with a PaginationError on the mock (it always answers has_more with the same page)', async () => {
    const seen: string[] = [];
    await expect(async () => {
      for await (const job of nebius.jobs.list()) seen.push(job.id);
    }).rejects.toThrow(PaginationError);
    expect(seen.length).toBe(2); // the first page, then the repeated one
  });

  it('jobs.cancel returns the job', async () => {
    const job = await nebius.jobs.cancel(jobId);
    expect(job.object).toBe('fine_tuning.job');
  });

  it('jobs.events returns a page of events', async () => {
    const page = await nebius.jobs.events(jobId, { limit: 10 });
    expect(page.items[0]).toMatchObject({ object: 'fine_tuning.job.event', level: expect.stringMatching(/info|warn|error/) });
  });

  it('jobs.checkpoints returns a page of checkpoints', async () => {
    const page = await nebius.jobs.checkpoints(jobId);
    expect(page.items[0]).toMatchObject({ object: 'fine_tuning.job.checkpoint', step_number: expect.any(Number) });
  });

  it('jobs.checkpoint returns one checkpoint', async () => {
    const checkpoint = await nebius.jobs.checkpoint(jobId, 'ftckpt-1');
    expect(checkpoint).toMatchObject({ object: 'fine_tuning.job.checkpoint', fine_tuning_job_id: expect.any(String) });
  });

  it('files.upload sends multipart from a Blob, a path and a stream', async () => {
    const line = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n';
    const fromBlob = await nebius.files.upload(new Blob([line]), { filename: 'train.jsonl' });
    expect(fromBlob).toMatchObject({ id: expect.any(String), bytes: expect.any(Number) });

    const dir = await mkdtemp(join(tmpdir(), 'tunekit-'));
    const path = join(dir, 'train.jsonl');
    await writeFile(path, line.repeat(100));
    expect((await nebius.files.upload(path)).id).toEqual(expect.any(String));
    expect((await nebius.files.upload(Readable.from([Buffer.from(line)]), { purpose: 'fine-tune' })).id).toEqual(expect.any(String));
  });

  it('files.list returns the files', async () => {
    const page = await nebius.files.list({ purpose: 'fine-tune' });
    expect(page.items[0]).toMatchObject({ id: expect.any(String), object: 'file' });
    expect(page.hasMore).toBe(false);
  });

  it('files.retrieve returns a file', async () => {
    const file = await nebius.files.retrieve('file-123');
    expect(file).toMatchObject({ id: expect.any(String), filename: expect.any(String), purpose: expect.any(String) });
  });

  it('files.content returns a readable Response', async () => {
    const response = await nebius.files.content('file-123');
    expect(response.status).toBe(200);
    expect(typeof (await response.text())).toBe('string');
  });

  it('files.delete answers', async () => {
    await expect(nebius.files.delete('file-123')).resolves.toEqual(expect.any(Object));
  });

  it('raw is the typed openapi-fetch client with auth applied', async () => {
    const { data, response } = await nebius.raw.GET('/v1/fine_tuning/jobs/{job_id}', { params: { path: { job_id: jobId } } });
    expect(response.status).toBe(200);
    expect(data?.object).toBe('fine_tuning.job');
  });
});

describe('nebius errors from Prism', () => {
  it('the same bad body is stopped by client-side validation before anything is sent', async () => {
    const bad = { model: 42 } as unknown as NebiusJobCreateParams;
    await expect(nebius.jobs.create(bad)).rejects.toThrow(ValidationError);
  });

  it('a body that breaks the spec surfaces as UnprocessableEntityError with the server detail', async () => {
    // training_file is required; a number is not a string model name.
    const bad = { model: 42 } as unknown as NebiusJobCreateParams;
    const error = await nebiusUnchecked.jobs.create(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    const unprocessable = error as UnprocessableEntityError;
    expect(unprocessable.status).toBe(422);
    expect(unprocessable.provider).toBe('nebius');
    expect(unprocessable.fields.length).toBeGreaterThan(0);
    expect(unprocessable.message).toContain('POST /v1/fine_tuning/jobs failed with 422');
  });

  it('Prefer: code=422 returns the document\'s own 422 example as UnprocessableEntityError', async () => {
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
