import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  InternalServerError,
  NotFoundError,
  PaginationError,
  RateLimitError,
  TunekitError,
  UnprocessableEntityError,
  createOpenAIClient,
  type OpenAIJobCreateParams,
} from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { held, seed } from '../reliability/clients.js';

const apiKey = 'sk-openai-test-key-93b2';
const baseUrl = inject('prism').openai;
const openai = createOpenAIClient({ apiKey, baseUrl, maxRetries: 0 });
// Client-side validation off: these requests must reach Prism so its own 422 is what surfaces.
const openaiUnchecked = createOpenAIClient({ apiKey, baseUrl, maxRetries: 0, validate: false });
const jobId = 'ftjob-abc123';
const line = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n';

/** What Prism makes of FineTuningJob (first enum values, schema examples). */
const mockJob = {
  id: 'string',
  object: 'fine_tuning.job',
  status: 'validating_files',
  model: 'string',
  training_file: 'string',
  result_files: ['file-abc123'],
  hyperparameters: { batch_size: 'auto', learning_rate_multiplier: 'auto', n_epochs: 'auto' },
  integrations: [{ type: 'wandb', wandb: { project: 'my-wandb-project', name: 'string', entity: 'string', tags: ['custom-tag'] } }],
  seed: 0,
};
const mockFile = {
  id: 'string',
  object: 'file',
  bytes: 0,
  created_at: 0,
  expires_at: 0,
  filename: 'string',
  purpose: 'assistants',
  status: 'uploaded',
  status_details: 'string',
};

/** What Prism makes of Upload (first enum values; `file` is `null`, which the document allows). */
const mockUpload = {
  id: 'string',
  object: 'upload',
  bytes: 0,
  created_at: 0,
  expires_at: 0,
  filename: 'string',
  purpose: 'string',
  status: 'pending',
  file: null,
};

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

describe('openai against Prism: every operation of the trimmed surface', () => {
  it('jobs.create sends a valid body and returns the job', async () => {
    const body: OpenAIJobCreateParams = {
      model: 'gpt-4o-mini',
      training_file: 'file-abc123',
      suffix: 'tunekit-test',
      seed: 42,
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 3, batch_size: 'auto' } } },
      metadata: { team: 'ml' },
    };
    await expect(openai.jobs.create(body)).resolves.toMatchObject(mockJob);
  });

  it('jobs.retrieve returns the job', async () => {
    await expect(openai.jobs.retrieve(jobId)).resolves.toMatchObject(mockJob);
  });

  it('jobs.list awaits to the first page with its cursor', async () => {
    const page = await openai.jobs.list({ limit: 5, metadata: { team: 'ml' } });
    expect(page.items).toEqual([expect.objectContaining(mockJob)]);
    expect(page.hasMore).toBe(true);
    expect(page.nextCursor).toBe('string'); // the last job's id
    expect(page.body).toMatchObject({ object: 'list', has_more: true });
  });

  it('jobs.list with for await stops with a PaginationError on the mock (it answers has_more with the same page)', async () => {
    const ids: string[] = [];
    await expect(async () => {
      for await (const job of openai.jobs.list()) ids.push(job.id);
    }).rejects.toThrow(PaginationError);
    expect(ids).toEqual(['string', 'string']);
  });

  it('jobs.cancel, jobs.pause and jobs.resume return the job', async () => {
    await expect(openai.jobs.cancel(jobId)).resolves.toMatchObject(mockJob);
    await expect(openai.jobs.pause(jobId)).resolves.toMatchObject(mockJob);
    await expect(openai.jobs.resume(jobId)).resolves.toMatchObject(mockJob);
  });

  it('jobs.events returns a page of events', async () => {
    const page = await openai.jobs.events(jobId, { limit: 10 });
    expect(page.items).toEqual([
      { object: 'fine_tuning.job.event', id: 'string', created_at: 0, level: 'info', message: 'string', type: 'message', data: {} },
    ]);
    expect(page.hasMore).toBe(true);
    expect(page.nextCursor).toBe('string');
  });

  it('jobs.checkpoints returns a page of checkpoints', async () => {
    const page = await openai.jobs.checkpoints(jobId, { limit: 3 });
    expect(page.items[0]).toMatchObject({
      object: 'fine_tuning.job.checkpoint',
      fine_tuned_model_checkpoint: 'string',
      step_number: 0,
      metrics: { train_loss: 0, valid_loss: 0 },
    });
    expect(page.body).toMatchObject({ object: 'list', first_id: 'string', last_id: 'string', has_more: true });
  });

  it('files.upload sends a multipart body Prism accepts, from a Blob, a path and a stream', async () => {
    await expect(openai.files.upload(new Blob([line]), { filename: 'train.jsonl' })).resolves.toEqual(mockFile);

    const dir = await mkdtemp(join(tmpdir(), 'tunekit-openai-'));
    const path = join(dir, 'train.jsonl');
    await writeFile(path, line.repeat(50));
    await expect(openai.files.upload(path, { purpose: 'fine-tune' })).resolves.toEqual(mockFile);
    await expect(openai.files.upload(Readable.from([Buffer.from(line)]))).resolves.toEqual(mockFile);
  });

  it("files.upload over its multipart threshold goes through all four Uploads operations (Prism's completed Upload has no file, so it is cancelled)", async () => {
    const sent: string[] = [];
    const counting = createOpenAIClient({ apiKey, baseUrl, maxRetries: 0, fetch: countingFetch(sent) });
    const data = line.repeat(3); // 3 × 84 bytes: parts of 100, 100 and 52
    const error = await counting.files
      .upload(new Blob([data]), { filename: 'train.jsonl', multipartThreshold: 100, partSize: 100 })
      .catch((e: unknown) => e);
    // The document lets a completed Upload's file be null, and Prism says null: tunekit does not invent a file.
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(String(error)).toContain('openai POST /uploads/string/complete: the upload completed without a file');
    // Prism's Upload and UploadPart ids are "string".
    expect(sent).toEqual([
      'POST /uploads',
      'POST /uploads/string/parts',
      'POST /uploads/string/parts',
      'POST /uploads/string/parts',
      'POST /uploads/string/complete',
      'POST /uploads/string/cancel',
    ]);
  });

  it('POST /uploads/{upload_id}/cancel (sent by files.upload when a part fails) returns the Upload', async () => {
    const { data, response } = await openai.raw.POST('/uploads/{upload_id}/cancel', { params: { path: { upload_id: 'upload_abc123' } } });
    expect(response.status).toBe(200);
    expect(data).toEqual(mockUpload);
  });

  it('files.list returns the first page; the mock says there is no more', async () => {
    const page = await openai.files.list({ purpose: 'fine-tune', limit: 100, order: 'asc' });
    expect(page.items).toEqual([mockFile]);
    expect(page.hasMore).toBe(false);
    expect(page.nextCursor).toBeUndefined();
    expect(page.body).toMatchObject({ object: 'list', first_id: 'file-abc123', last_id: 'file-abc456' });
    const ids: string[] = [];
    for await (const file of openai.files.list()) ids.push(file.id);
    expect(ids).toEqual(['string']);
  });

  it('files.retrieve returns the file', async () => {
    await expect(openai.files.retrieve('file-abc123')).resolves.toEqual(mockFile);
  });

  it('files.content returns a streamed Response (the document types it as a JSON string)', async () => {
    const response = await openai.files.content('file-abc123');
    expect(response.status).toBe(200);
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(await response.text()).toBe('"string"');
  });

  it('files.delete returns the deletion', async () => {
    await expect(openai.files.delete('file-abc123')).resolves.toEqual({ id: 'string', object: 'file', deleted: true });
  });
});

describe('openai errors', () => {
  describe('from Prism', () => {
    it('401 when Prism refuses the credentials (no Bearer token), without the key in the error', async () => {
      const error = await failure(openai.jobs.retrieve(jobId, { headers: { Authorization: 'Basic Zm9vOmJhcg==' } }));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ status: 401, provider: 'openai', method: 'GET', path: `/fine_tuning/jobs/${jobId}` });
      expect(error.message).toBe(
        `openai GET /fine_tuning/jobs/${jobId} failed with 401: Invalid security scheme used: Your request does not fullfil the security requirements and no HTTP unauthorized response was found in the spec, so Prism is generating this error for you.`,
      );
      expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(apiKey);
    });

    it('422 when the body breaks the document: UnprocessableEntityError names the field', async () => {
      // A number the types allow but the schema does not: seed is an integer.
      const error = await failure(openaiUnchecked.jobs.create({ model: 'gpt-4o-mini', training_file: 'file-1', seed: 1.5 }));
      expect(error).toBeInstanceOf(UnprocessableEntityError);
      expect(error).toMatchObject({ status: 422, provider: 'openai', method: 'POST', path: '/fine_tuning/jobs' });
      expect(error instanceof UnprocessableEntityError && error.fields).toEqual([
        { field: 'body.seed', message: 'Request body property seed must be integer,null' },
      ]);
      expect(error.message).toBe(
        'openai POST /fine_tuning/jobs failed with 422: body.seed: Request body property seed must be integer,null',
      );
    });
  });

  describe('from the sandbox over its socket (the document defines no error statuses; what goes on the wire)', () => {
    let sandbox: Sandbox<'openai'> | undefined;
    afterEach(async () => {
      await sandbox?.close();
      sandbox = undefined;
    });
    /** A sandbox that accepts only `key`: an answer proves the key went as a Bearer token. */
    const start = async (key = apiKey) => (sandbox = await startSandbox({ provider: 'openai', apiKeys: [key] }));
    const sent = (s: Sandbox, from = 0) =>
      s.requests
        .slice(from)
        .map(
          (r) =>
            `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(Object.entries(r.query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((one) => [k, one]) : [[k, v]])))}` : ''}`,
        );

    const openaiError = (message: string, type: string, code: string | null) => ({ error: { message, type, param: null, code } });

    it.each([
      [401, AuthenticationError, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'],
      [404, NotFoundError, "No such fine-tuning job: 'ftjob-nope'.", 'invalid_request_error', null],
      [429, RateLimitError, 'Rate limit reached for requests.', 'requests', 'rate_limit_exceeded'],
      [500, InternalServerError, 'The server had an error while processing your request.', 'server_error', null],
    ])('%i is %o with the server message and request id', async (status, ErrorClass, message, type, code) => {
      const s = await start();
      s.use({
        route: 'GET /fine_tuning/jobs/{fine_tuning_job_id}',
        respond: () => Response.json(openaiError(message, type, code), { status, headers: { 'x-request-id': `req_${status}` } }),
      });
      const client = createOpenAIClient({ apiKey, baseUrl: s.url, maxRetries: 0 });
      const error = await failure(client.jobs.retrieve('ftjob-nope'));
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toMatchObject({
        status,
        provider: 'openai',
        method: 'GET',
        path: '/v1/fine_tuning/jobs/ftjob-nope',
        requestId: `req_${status}`,
      });
      expect(error.message).toBe(`openai GET /v1/fine_tuning/jobs/ftjob-nope failed with ${status}: ${message}${code ? ` (${code})` : ''}`);
      expect(error.message).not.toContain(apiKey);
      expect(s.requests).toHaveLength(1);
    });

    it('pages jobs.list with after = the last id until has_more is false', async () => {
      const s = await start();
      const { jobs } = await seed(s, apiKey, 3);
      const from = s.requests.length;
      const client = createOpenAIClient({ apiKey, baseUrl: s.url });
      const ids: string[] = [];
      for await (const job of client.jobs.list({ limit: 2 })) ids.push(job.id);
      expect(ids).toEqual(jobs);
      expect(sent(s, from)).toEqual(['GET /v1/fine_tuning/jobs?limit=2', `GET /v1/fine_tuning/jobs?limit=2&after=${jobs[1]}`]);
    });

    it('pages files.list with after = the last file id (the one the API also returns as last_id)', async () => {
      const s = await start();
      const client = createOpenAIClient({ apiKey, baseUrl: s.url });
      const made = [
        await client.files.upload(new Blob([line]), { filename: 'a.jsonl' }),
        await client.files.upload(new Blob([line]), { filename: 'b.jsonl' }),
      ];
      const from = s.requests.length;
      const ids: string[] = [];
      for await (const file of client.files.list({ purpose: 'fine-tune', limit: 1 })) ids.push(file.id);
      expect(ids).toEqual(made.map((file) => file.id).reverse());
      // The second page says has_more: false, so no third request.
      expect(sent(s, from)).toEqual(['GET /v1/files?purpose=fine-tune&limit=1', `GET /v1/files?purpose=fine-tune&limit=1&after=${ids[0]}`]);
    });

    it('a create whose answer is lost (500) is found among the newest jobs by its metadata key, not sent twice', async () => {
      const s = await start();
      const [other] = (await seed(s, apiKey, 1)).jobs;
      s.use({ route: 'POST /fine_tuning/jobs', fault: { status: 500, carriedOut: true }, times: 1 });
      const from = s.requests.length;
      const client = createOpenAIClient({ apiKey, baseUrl: s.url, maxRetries: 2, retry: { baseDelayMs: 1 }, clock: s.clock });
      const job = await client.jobs.create({ model: 'gpt-4o-mini-2024-07-18', training_file: 'file-1', metadata: { team: 'ml' } });
      const { jobs } = await held(s, apiKey);
      expect(jobs).toEqual([job.id, other]);
      expect(job.metadata).toEqual({ team: 'ml', tunekit_create_key: expect.stringMatching(/^tunekit-[0-9a-f-]{36}$/) });
      expect(sent(s, from).slice(0, 2)).toEqual(['POST /v1/fine_tuning/jobs', 'GET /v1/fine_tuning/jobs?limit=50']);
    });

    it('when no recent job carries the key, the create is sent again with the same key', async () => {
      const s = await start();
      const [other] = (await seed(s, apiKey, 1)).jobs;
      s.use({ route: 'POST /fine_tuning/jobs', fault: { status: 502, message: 'Bad gateway.' }, times: 1 });
      const client = createOpenAIClient({ apiKey, baseUrl: s.url, maxRetries: 2, retry: { baseDelayMs: 1 }, clock: s.clock });
      const job = await client.jobs.create({ model: 'gpt-4o-mini-2024-07-18', training_file: 'file-1' });
      expect((await held(s, apiKey)).jobs).toEqual([job.id, other]);
      const posts = s.requests.filter((r) => r.method === 'POST' && r.operation === 'POST /fine_tuning/jobs').slice(-2);
      expect(posts.map((r) => r.status)).toEqual([502, 200]);
      expect(posts[1]?.body).toEqual(posts[0]?.body);
      expect(posts[0]?.body).toMatchObject({ metadata: { tunekit_create_key: expect.stringMatching(/^tunekit-[0-9a-f-]{36}$/) } });
    });

    it('an upload that failed with 500 is not sent again (it may have landed)', async () => {
      const s = await start();
      s.use({ route: 'POST /files', fault: 500 });
      const client = createOpenAIClient({ apiKey, baseUrl: s.url, maxRetries: 2, retry: { baseDelayMs: 1 }, clock: s.clock });
      await expect(client.files.upload(new Blob([line]), { filename: 'train.jsonl' })).rejects.toThrow(InternalServerError);
      expect(s.requests).toHaveLength(1);
    });

    it('sends OpenAI-Organization / OpenAI-Project from the options, which win over OPENAI_ORG_ID / OPENAI_PROJECT_ID', async () => {
      const s = await start();
      const file = await createOpenAIClient({ apiKey, baseUrl: s.url }).files.upload(new Blob([line]), { filename: 'train.jsonl' });
      const from = s.requests.length;
      vi.stubEnv('OPENAI_ORG_ID', 'org-env');
      vi.stubEnv('OPENAI_PROJECT_ID', 'proj-env');
      await createOpenAIClient({ apiKey, baseUrl: s.url }).files.retrieve(file.id);
      await createOpenAIClient({ apiKey, baseUrl: s.url, organization: 'org-opt', project: 'proj-opt' }).files.retrieve(file.id);
      vi.stubEnv('OPENAI_ORG_ID', '');
      vi.stubEnv('OPENAI_PROJECT_ID', '');
      await createOpenAIClient({ apiKey, baseUrl: s.url }).files.retrieve(file.id);
      const headers = s.requests.slice(from).map((r) => [r.headers['openai-organization'], r.headers['openai-project']]);
      expect(headers).toEqual([
        ['org-env', 'proj-env'],
        ['org-opt', 'proj-opt'],
        [undefined, undefined],
      ]);
    });

    it('reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment, and sends the upload as multipart', async () => {
      const s = await start('sk-env-55');
      const seen: { headers: Headers; body: string }[] = [];
      s.use({ route: 'POST /files', respond: async (request) => void seen.push({ headers: request.headers, body: await request.text() }) });
      vi.stubEnv('OPENAI_API_KEY', 'sk-env-55');
      vi.stubEnv('OPENAI_BASE_URL', s.url);
      const file = await createOpenAIClient().files.upload(new Blob([line]), { filename: 'train.jsonl' });
      expect(file).toMatchObject({ filename: 'train.jsonl', purpose: 'fine-tune', bytes: line.length });
      expect(s.requests.map((r) => [r.path, r.status])).toEqual([['/v1/files', 200]]);
      const [request] = seen;
      expect(request?.headers.get('authorization')).toBe('Bearer sk-env-55');
      expect(request?.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
      expect(request?.body).toMatch(/name="purpose"\r\n\r\nfine-tune\r\n/);
      expect(request?.body).toMatch(/name="file"; filename="train\.jsonl"\r\n/);
    });

    it('files.upload through the Uploads API over real HTTP: create, parts, complete; the file holds the bytes', async () => {
      const s = await start();
      const client = createOpenAIClient({ apiKey, baseUrl: s.url });
      const data = line.repeat(3); // 3 × 84 bytes: parts of 100, 100 and 52
      const file = await client.files.upload(new Blob([data]), { filename: 'train.jsonl', multipartThreshold: 100, partSize: 100 });
      expect(file).toMatchObject({ filename: 'train.jsonl', purpose: 'fine-tune', bytes: data.length });
      expect(s.requests.map((r) => [r.operation, r.status])).toEqual([
        ['POST /uploads', 200],
        ['POST /uploads/{upload_id}/parts', 200],
        ['POST /uploads/{upload_id}/parts', 200],
        ['POST /uploads/{upload_id}/parts', 200],
        ['POST /uploads/{upload_id}/complete', 200],
      ]);
      expect(await (await client.files.content(file.id)).text()).toBe(data);
    });

    it('files.upload through the Uploads API: a part that fails for good cancels the upload', async () => {
      const s = await start();
      s.use({ route: 'POST /uploads/{upload_id}/parts', fault: 500, skip: 1 });
      const client = createOpenAIClient({ apiKey, baseUrl: s.url, retry: { baseDelayMs: 1 }, clock: s.clock });
      await expect(
        client.files.upload(new Blob([line.repeat(3)]), { filename: 'train.jsonl', multipartThreshold: 100, partSize: 100 }),
      ).rejects.toThrow(InternalServerError);
      expect(s.requests.map((r) => [r.operation, r.status])).toEqual([
        ['POST /uploads', 200],
        ['POST /uploads/{upload_id}/parts', 200],
        ['POST /uploads/{upload_id}/parts', 500],
        ['POST /uploads/{upload_id}/cancel', 200],
      ]);
    });
  });

  it('without a key, creating the client names the option and the env var', () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    expect(() => createOpenAIClient()).toThrow(new TunekitError('openai: no API key. Pass { apiKey } or set OPENAI_API_KEY.'));
  });
});
