import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  TunekitError,
  UnprocessableEntityError,
  createTogetherClient,
  type TogetherJobCreateParams,
} from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { seed } from '../reliability/clients.js';

const apiKey = 'together-test-key-5f1c';
const baseUrl = inject('prism').together;
const together = createTogetherClient({ apiKey, baseUrl, maxRetries: 0 });
// Client-side validation off: these requests must reach Prism so its own 422 is what surfaces.
const togetherUnchecked = createTogetherClient({ apiKey, baseUrl, maxRetries: 0, validate: false });
const jobId = 'ft-01234567890123456789';
const line = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n';

/** The document's example of FinetuneResponseTruncated, which Prism returns for create, list and cancel. */
const truncatedExample = {
  id: 'ft-01234567890123456789',
  status: 'completed',
  created_at: '2023-05-17T17:35:45.123Z',
  updated_at: '2023-05-17T18:46:23.456Z',
  model: 'meta-llama/Llama-2-7b-hf',
  model_output_name: 'mynamespace/meta-llama/Llama-2-7b-hf-32162631',
  n_epochs: 3,
  training_file: 'file-01234567890123456789',
  total_price: 1500,
  token_count: 850000,
};

/** What Prism makes of FileResponse (schema example for `filename`, first enum values elsewhere). */
const mockFile = { object: 'file', filename: 'my_file.jsonl', purpose: 'fine-tune', Processed: true, FileType: 'jsonl', bytes: 0 };

afterEach(() => {
  vi.unstubAllEnvs();
});

/** `fetch` that notes each request's method and path in `sent`, then sends it. */
const countingFetch =
  (sent: string[]): typeof fetch =>
  (input, init) => {
    if (input instanceof Request) sent.push(`${input.method} ${new URL(input.url).pathname}`);
    return fetch(input, init);
  };

async function failure(promise: PromiseLike<unknown>): Promise<APIError> {
  const error = await Promise.resolve(promise).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  return error;
}

describe('together against Prism: every operation of the trimmed surface', () => {
  it('jobs.create sends a valid body and returns the truncated job', async () => {
    const body: TogetherJobCreateParams = {
      model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
      training_file: 'file-123',
      n_epochs: 3,
      batch_size: 'max',
      learning_rate: 0.00001,
      // Not cosine args: the document's oneOf [Linear, Cosine] matches cosine args twice (Linear's one property is optional), so Prism rejects them.
      lr_scheduler: { lr_scheduler_type: 'linear', lr_scheduler_args: { min_lr_ratio: 0 } },
      training_method: { method: 'sft', train_on_inputs: false },
      training_type: { type: 'Lora', lora_r: 16, lora_alpha: 32 },
      suffix: 'tunekit-test',
    };
    await expect(together.jobs.create(body)).resolves.toMatchObject(truncatedExample);
  });

  it('jobs.retrieve returns the full job, events included', async () => {
    const job = await together.jobs.retrieve(jobId);
    expect(job.id).toEqual(expect.any(String)); // no format: the document's uuid contradicted its own ft- ids (QUIRKS.md §13)
    expect(job.status).toBe('pending');
    expect(job.training_method).toEqual({ method: 'sft', train_on_inputs: true });
    expect(job.training_type).toEqual({ type: 'Full' });
    expect(job.events?.[0]).toMatchObject({ object: 'fine-tune-event', type: 'job_pending', level: null });
  });

  it('jobs.list awaits to the whole list as one page, and iterates it', async () => {
    const page = await together.jobs.list();
    expect(page.items).toEqual([expect.objectContaining(truncatedExample)]);
    expect(page.hasMore).toBe(false);
    expect(page.nextCursor).toBeUndefined();
    expect(page.body).toEqual({ data: page.items });
    const ids: string[] = [];
    for await (const job of together.jobs.list()) ids.push(job.id);
    expect(ids).toEqual([jobId]);
  });

  it('jobs.cancel returns the truncated job', async () => {
    await expect(together.jobs.cancel(jobId)).resolves.toMatchObject(truncatedExample);
  });

  it('jobs.delete returns the deletion message', async () => {
    await expect(together.jobs.delete(jobId)).resolves.toEqual({ message: 'string' });
  });

  it('jobs.events returns the events as one page', async () => {
    const page = await together.jobs.events(jobId);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ object: 'fine-tune-event', type: 'job_pending', level: null, step: 0, message: 'string' });
    expect(page.hasMore).toBe(false);
    const types: string[] = [];
    for await (const event of together.jobs.events(jobId)) types.push(event.type);
    expect(types).toEqual(['job_pending']);
  });

  it("jobs.metrics returns the document's example points, oldest first, in one request", async () => {
    const sent: string[] = [];
    const counting = createTogetherClient({ apiKey, baseUrl, maxRetries: 0, fetch: countingFetch(sent) });
    await expect(counting.jobs.metrics(jobId)).resolves.toEqual([
      { 'train/loss': 0.5, 'train/learning_rate': 0.0001, 'train/global_step': 7 },
      { 'train/loss': 0.45, 'train/learning_rate': 9e-5, 'train/global_step': 14 },
    ]);
    expect(sent).toEqual([`GET /fine-tunes/${jobId}/metrics`]);
  });

  it('jobs.checkpoints returns the checkpoints as one page', async () => {
    const page = await together.jobs.checkpoints(jobId);
    expect(page.items).toEqual([{ step: 0, created_at: 'string', path: 'string', checkpoint_type: 'string' }]);
    expect(page.hasMore).toBe(false);
  });

  it('jobs.estimatePrice returns the estimate', async () => {
    const estimate = await together.jobs.estimatePrice({
      training_file: 'file-123',
      model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
      n_epochs: 2,
    });
    expect(estimate).toEqual({
      estimated_total_price: 0,
      allowed_to_proceed: true,
      user_limit: 0,
      estimated_train_token_count: 0,
      estimated_eval_token_count: 0,
    });
  });

  it('jobs.download returns a streamed Response with the bytes', async () => {
    const response = await together.jobs.download(jobId, { checkpoint: 'adapter' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(await response.text()).toBe('string');
  });

  it('files.upload sends a multipart body Prism accepts, from a Blob, a path and a stream', async () => {
    const fromBlob = await together.files.upload(new Blob([line]), { filename: 'train.jsonl' });
    expect(fromBlob).toMatchObject(mockFile);

    const dir = await mkdtemp(join(tmpdir(), 'tunekit-together-'));
    const path = join(dir, 'train.jsonl');
    await writeFile(path, line.repeat(50));
    await expect(together.files.upload(path, { file_type: 'jsonl' })).resolves.toMatchObject(mockFile);

    const fromStream = await together.files.upload(Readable.from([Buffer.from(line)]), { purpose: 'fine-tune' });
    expect(fromStream).toMatchObject(mockFile);
  });

  it('files.list returns the files as one page', async () => {
    const page = await together.files.list();
    expect(page.items).toEqual([expect.objectContaining(mockFile)]);
    expect(page.hasMore).toBe(false);
  });

  it('files.retrieve returns the file', async () => {
    await expect(together.files.retrieve('file-123')).resolves.toEqual({ id: 'string', created_at: 0, ...mockFile });
  });

  it('files.content returns a streamed Response', async () => {
    const response = await together.files.content('file-123');
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('string');
  });

  it('files.delete returns the deletion', async () => {
    await expect(together.files.delete('file-123')).resolves.toEqual({ id: 'string', deleted: true });
  });
});

describe('together errors', () => {
  describe('from Prism', () => {
    it('401 when Prism refuses the credentials (no Bearer token), without the key in the error', async () => {
      const error = await failure(together.jobs.retrieve(jobId, { headers: { Authorization: 'Basic Zm9vOmJhcg==' } }));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ status: 401, provider: 'together', method: 'GET', path: '/fine-tunes/ft-01234567890123456789' });
      expect(error.message).toBe(
        'together GET /fine-tunes/ft-01234567890123456789 failed with 401: Invalid security scheme used: Your request does not fullfil the security requirements and no HTTP unauthorized response was found in the spec, so Prism is generating this error for you.',
      );
      expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(apiKey);
    });

    it('401 from the document (Prefer: code=401 on files.upload) carries the server message', async () => {
      const error = await failure(together.files.upload(new Blob([line]), { filename: 'a.jsonl' }, { headers: { Prefer: 'code=401' } }));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ status: 401, provider: 'together', body: { error: { message: 'string', type: 'string' } } });
      expect(error.message).toBe('together POST /files/upload failed with 401: string');
    });

    it('400 from the document (Prefer: code=400 on jobs.download) is a BadRequestError', async () => {
      const error = await failure(together.jobs.download(jobId, { checkpoint_step: 10 }, { headers: { Prefer: 'code=400' } }));
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.message).toBe('together GET /finetune/download failed with 400');
    });

    it('404 (Prefer: code=404) on jobs.delete, jobs.cancel and jobs.download', async () => {
      const deleted = await failure(together.jobs.delete('ft-missing', { headers: { Prefer: 'code=404' } }));
      expect(deleted).toBeInstanceOf(NotFoundError);
      expect(deleted).toMatchObject({ status: 404, provider: 'together', method: 'DELETE' });
      expect(deleted.message).toBe('together DELETE /fine-tunes/ft-missing failed with 404: string');

      const cancelled = await failure(together.jobs.cancel('ft-missing', { headers: { Prefer: 'code=404' } }));
      expect(cancelled).toBeInstanceOf(NotFoundError);
      expect(cancelled.message).toBe('together POST /fine-tunes/ft-missing/cancel failed with 404');

      const downloaded = await failure(together.jobs.download('ft-missing', {}, { headers: { Prefer: 'code=404' } }));
      expect(downloaded).toBeInstanceOf(NotFoundError);
      expect(downloaded.status).toBe(404);
    });

    it('422 when the body breaks the document: UnprocessableEntityError names the field', async () => {
      // A number the types allow but the schema does not: n_epochs is an integer.
      const error = await failure(togetherUnchecked.jobs.create({ model: 'm', training_file: 'file-1', n_epochs: 1.5 }));
      expect(error).toBeInstanceOf(UnprocessableEntityError);
      expect(error).toMatchObject({ status: 422, provider: 'together' });
      expect(error instanceof UnprocessableEntityError && error.fields).toEqual([
        { field: 'body.n_epochs', message: 'Request body property n_epochs must be integer' },
      ]);
      expect(error.message).toBe(
        'together POST /fine-tunes failed with 422: body.n_epochs: Request body property n_epochs must be integer',
      );
    });

    it('500 (Prefer: code=500) on jobs.delete, jobs.estimatePrice and files.content', async () => {
      const options = { headers: { Prefer: 'code=500' }, maxRetries: 0 };
      const deleted = await failure(together.jobs.delete(jobId, options));
      expect(deleted).toBeInstanceOf(InternalServerError);
      expect(deleted).toMatchObject({ status: 500, provider: 'together' });
      expect(deleted.message).toBe(`together DELETE /fine-tunes/${jobId} failed with 500: string`);

      const estimated = await failure(together.jobs.estimatePrice({ training_file: 'file-1' }, options));
      expect(estimated).toBeInstanceOf(InternalServerError);
      expect(estimated.path).toBe('/fine-tunes/estimate-price');

      const content = await failure(together.files.content('file-1', options));
      expect(content).toBeInstanceOf(InternalServerError);
      expect(content.message).toBe('together GET /files/file-1/content failed with 500: string');
    });
  });

  describe('from the sandbox over its socket (statuses the document does not define, and what goes on the wire)', () => {
    let sandbox: Sandbox<'together'> | undefined;
    afterEach(async () => {
      await sandbox?.close();
      sandbox = undefined;
    });
    /** A sandbox that accepts only `key`: an answer proves the key went as a Bearer token. */
    const start = async (key = apiKey) => (sandbox = await startSandbox({ provider: 'together', apiKeys: [key] }));

    it('429 is a RateLimitError with the server message and request id', async () => {
      const s = await start();
      s.use({ route: 'GET /fine-tunes', fault: { status: 429, message: 'Rate limit exceeded' } });
      const client = createTogetherClient({ apiKey, baseUrl: s.url, maxRetries: 0 });
      const error = await failure(client.jobs.list());
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({
        status: 429,
        provider: 'together',
        requestId: 'req_000000000001',
        method: 'GET',
        path: '/v1/fine-tunes',
      });
      expect(error.message).toBe('together GET /v1/fine-tunes failed with 429: Rate limit exceeded (rate_limit_exceeded)'); // the sandbox's code, as Together sends one
      expect(s.requests).toHaveLength(1);
    });

    it('a 429 with retry-after-ms is retried, then the answer is returned', async () => {
      const s = await start();
      const [job] = (await seed(s, apiKey, 1)).jobs;
      s.use({ route: 'GET /fine-tunes', fault: { status: 429, retryAfter: 0.01, retryAfterAs: 'ms' }, times: 1 });
      const sent = s.requests.length;
      const client = createTogetherClient({ apiKey, baseUrl: s.url, maxRetries: 1, clock: s.clock });
      const page = await client.jobs.list();
      expect(page.items.map((one) => one.id)).toEqual([job]);
      expect(s.requests.slice(sent).map((r) => [r.operation, r.status])).toEqual([
        ['GET /fine-tunes', 429],
        ['GET /fine-tunes', 200],
      ]);
    });

    it('a create that failed with 500 is not sent again: Together jobs have no field to look the job up by', async () => {
      const s = await start();
      s.use({ route: 'POST /fine-tunes', fault: { status: 500, message: 'internal error' } });
      const client = createTogetherClient({ apiKey, baseUrl: s.url, maxRetries: 2, retry: { baseDelayMs: 1 }, clock: s.clock });
      const error = await failure(client.jobs.create({ model: 'm', training_file: 'file-1' }));
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error.message).toBe('together POST /v1/fine-tunes failed with 500: internal error');
      expect(s.requests).toHaveLength(1);
    });

    it('sends the key as a Bearer token, the tunekit User-Agent, and the upload fields the document requires', async () => {
      const s = await start();
      const seen: { headers: Headers; body: string }[] = [];
      s.use({
        route: 'POST /files/upload',
        respond: async (request) => void seen.push({ headers: request.headers, body: await request.text() }),
      });
      const client = createTogetherClient({ apiKey, baseUrl: s.url });
      await expect(client.files.upload(new Blob([line]), { filename: 'train.csv', file_type: 'csv' })).resolves.toMatchObject({
        filename: 'train.csv',
        purpose: 'fine-tune',
      });
      expect(s.requests.map((r) => [r.path, r.status])).toEqual([['/v1/files/upload', 200]]); // the sandbox took the key
      const [request] = seen;
      expect(request?.headers.get('authorization')).toBe(`Bearer ${apiKey}`);
      expect(request?.headers.get('user-agent')).toMatch(/^tunekit\//);
      expect(request?.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
      expect(request?.body).toMatch(/name="file_name"\r\n\r\ntrain\.csv\r\n/);
      expect(request?.body).toMatch(/name="purpose"\r\n\r\nfine-tune\r\n/);
      expect(request?.body).toMatch(/name="file_type"\r\n\r\ncsv\r\n/);
      expect(request?.body).toMatch(/name="file"; filename="train\.csv"\r\nContent-Type: application\/octet-stream\r\n\r\n\{"messages"/);
    });

    it('jobs.download sends ft_id and streams: the first bytes arrive before the server has sent the rest', async () => {
      const s = await start();
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const urls: string[] = [];
      s.use({
        route: 'GET /finetune/download',
        respond: (request) => {
          const url = new URL(request.url);
          urls.push(url.pathname + url.search);
          const body = new ReadableStream<Uint8Array>({
            async start(controller) {
              controller.enqueue(new TextEncoder().encode('first-chunk;'));
              await released;
              controller.enqueue(new TextEncoder().encode('second-chunk'));
              controller.close();
            },
          });
          return new Response(body, { headers: { 'content-type': 'application/octet-stream' } });
        },
      });
      const client = createTogetherClient({ apiKey, baseUrl: s.url });
      const response = await client.jobs.download('ft-9', { checkpoint_step: 40 });
      expect(urls).toEqual(['/v1/finetune/download?checkpoint_step=40&ft_id=ft-9']);
      const reader = response.body?.getReader();
      if (!reader) throw new Error('no body');
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toBe('first-chunk;');
      release();
      let rest = '';
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
      expect(rest).toBe('second-chunk');
    });

    it('reads TOGETHER_API_KEY and TOGETHER_BASE_URL from the environment', async () => {
      const s = await start('env-key-77');
      vi.stubEnv('TOGETHER_API_KEY', 'env-key-77');
      vi.stubEnv('TOGETHER_BASE_URL', s.url);
      const page = await createTogetherClient().files.list();
      expect(page.items).toEqual([]);
      expect(s.requests.map((r) => [r.path, r.status])).toEqual([['/v1/files', 200]]); // only env-key-77 is accepted
    });
  });

  it('without a key, creating the client names the option and the env var', () => {
    vi.stubEnv('TOGETHER_API_KEY', '');
    expect(() => createTogetherClient()).toThrow(new TunekitError('together: no API key. Pass { apiKey } or set TOGETHER_API_KEY.'));
  });
});
