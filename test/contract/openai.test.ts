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
import { json, startLocalServer, type LocalServer } from '../support/local-server.js';

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
const mockUpload = { id: 'string', object: 'upload', bytes: 0, created_at: 0, expires_at: 0, filename: 'string', purpose: 'string', status: 'pending', file: null };

afterEach(() => {
  vi.unstubAllEnvs();
});

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

  it('files.upload over its multipart threshold goes through all four Uploads operations (Prism\'s completed Upload has no file, so it is cancelled)', async () => {
    const sent: string[] = [];
    const counting = createOpenAIClient({ apiKey, baseUrl, maxRetries: 0, fetch: (request, init) => (sent.push(`${request.method} ${new URL(request.url).pathname}`), fetch(request, init)) });
    const data = line.repeat(3); // 3 × 84 bytes: parts of 100, 100 and 52
    const error = await counting.files.upload(new Blob([data]), { filename: 'train.jsonl', multipartThreshold: 100, partSize: 100 }).catch((e: unknown) => e);
    // The document lets a completed Upload's file be null, and Prism says null: tunekit does not invent a file.
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(String(error)).toContain('openai POST /uploads/string/complete: the upload completed without a file');
    // Prism's Upload and UploadPart ids are "string".
    expect(sent).toEqual([
      'POST /uploads',
      'POST /uploads/string/parts', 'POST /uploads/string/parts', 'POST /uploads/string/parts',
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
      expect(error.message).toBe('openai POST /fine_tuning/jobs failed with 422: body.seed: Request body property seed must be integer,null');
    });
  });

  describe('from a local server (the document defines no error statuses)', () => {
    let server: LocalServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    const openaiError = (message: string, type: string, code: string | null) => ({ error: { message, type, param: null, code } });

    it.each([
      [401, AuthenticationError, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'],
      [404, NotFoundError, "No such fine-tuning job: 'ftjob-nope'.", 'invalid_request_error', null],
      [429, RateLimitError, 'Rate limit reached for requests.', 'requests', 'rate_limit_exceeded'],
      [500, InternalServerError, 'The server had an error while processing your request.', 'server_error', null],
    ])('%i is %o with the server message and request id', async (status, ErrorClass, message, type, code) => {
      server = await startLocalServer((_req, res) => json(res, status, openaiError(message, type, code), { 'x-request-id': `req_${status}` }));
      const client = createOpenAIClient({ apiKey, baseUrl: server.url, maxRetries: 0 });
      const error = await failure(client.jobs.retrieve('ftjob-nope'));
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toMatchObject({ status, provider: 'openai', method: 'GET', path: '/fine_tuning/jobs/ftjob-nope', requestId: `req_${status}` });
      expect(error.message).toBe(`openai GET /fine_tuning/jobs/ftjob-nope failed with ${status}: ${message}${code ? ` (${code})` : ''}`);
      expect(error.message).not.toContain(apiKey);
      expect(server.requests).toHaveLength(1);
    });

    it('pages jobs.list with after = the last id until has_more is false', async () => {
      const pages = [
        { object: 'list', data: [{ ...mockJob, id: 'ftjob-1' }, { ...mockJob, id: 'ftjob-2' }], has_more: true },
        { object: 'list', data: [{ ...mockJob, id: 'ftjob-3' }], has_more: false },
      ];
      server = await startLocalServer((_req, res, index) => json(res, 200, pages[index]));
      const client = createOpenAIClient({ apiKey, baseUrl: server.url });
      const ids: string[] = [];
      for await (const job of client.jobs.list({ limit: 2 })) ids.push(job.id);
      expect(ids).toEqual(['ftjob-1', 'ftjob-2', 'ftjob-3']);
      expect(server.requests.map((r) => r.url)).toEqual(['/fine_tuning/jobs?limit=2', '/fine_tuning/jobs?limit=2&after=ftjob-2']);
    });

    it('pages files.list with after = the last file id (the one the API also returns as last_id)', async () => {
      const pages = [
        { object: 'list', data: [{ ...mockFile, id: 'file-1' }], first_id: 'file-1', last_id: 'file-1', has_more: true },
        { object: 'list', data: [{ ...mockFile, id: 'file-2' }], first_id: 'file-2', last_id: 'file-2', has_more: false },
      ];
      server = await startLocalServer((_req, res, index) => json(res, 200, pages[index]));
      const client = createOpenAIClient({ apiKey, baseUrl: server.url });
      const ids: string[] = [];
      for await (const file of client.files.list({ purpose: 'fine-tune' })) ids.push(file.id);
      expect(ids).toEqual(['file-1', 'file-2']);
      expect(server.requests.map((r) => r.url)).toEqual(['/files?purpose=fine-tune', '/files?purpose=fine-tune&after=file-1']);
    });

    it('a create whose answer is lost (500) is found among the newest jobs by its metadata key, not sent twice', async () => {
      const created = { ...mockJob, id: 'ftjob-created' };
      server = await startLocalServer((_req, res, index) => {
        if (index === 0) return json(res, 500, openaiError('The server had an error.', 'server_error', null));
        const sent: unknown = JSON.parse(server?.requests[0]?.body ?? '{}');
        const metadata = typeof sent === 'object' && sent !== null && 'metadata' in sent ? sent.metadata : null;
        json(res, 200, { object: 'list', has_more: false, data: [{ ...mockJob, id: 'ftjob-other', metadata: null }, { ...created, metadata }] });
      });
      const client = createOpenAIClient({ apiKey, baseUrl: server.url, maxRetries: 2, retry: { baseDelayMs: 1 } });
      const job = await client.jobs.create({ model: 'gpt-4o-mini', training_file: 'file-1', metadata: { team: 'ml' } });
      expect(job.id).toBe('ftjob-created');
      expect(job.metadata).toEqual({ team: 'ml', tunekit_create_key: expect.stringMatching(/^tunekit-[0-9a-f-]{36}$/) });
      expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /fine_tuning/jobs', 'GET /fine_tuning/jobs?limit=50']);
    });

    it('when no recent job carries the key, the create is sent again with the same key', async () => {
      server = await startLocalServer((req, res, index) => {
        if (index === 0) return json(res, 502, openaiError('Bad gateway.', 'server_error', null));
        if (req.method === 'GET') return json(res, 200, { object: 'list', has_more: false, data: [{ ...mockJob, metadata: null }] });
        json(res, 200, { ...mockJob, id: 'ftjob-second-try' });
      });
      const client = createOpenAIClient({ apiKey, baseUrl: server.url, maxRetries: 2, retry: { baseDelayMs: 1 } });
      await expect(client.jobs.create({ model: 'gpt-4o-mini', training_file: 'file-1' })).resolves.toMatchObject({ id: 'ftjob-second-try' });
      const posts = server.requests.filter((r) => r.method === 'POST');
      expect(posts).toHaveLength(2);
      expect(posts[1]?.body).toBe(posts[0]?.body);
      expect(posts[0]?.body).toMatch(/"metadata":\{"tunekit_create_key":"tunekit-[0-9a-f-]{36}"\}/);
    });

    it('an upload that failed with 500 is not sent again (it may have landed)', async () => {
      server = await startLocalServer((_req, res) => json(res, 500, openaiError('The server had an error.', 'server_error', null)));
      const client = createOpenAIClient({ apiKey, baseUrl: server.url, maxRetries: 2, retry: { baseDelayMs: 1 } });
      await expect(client.files.upload(new Blob([line]), { filename: 'train.jsonl' })).rejects.toThrow(InternalServerError);
      expect(server.requests).toHaveLength(1);
    });

    it('sends OpenAI-Organization / OpenAI-Project from the options, which win over OPENAI_ORG_ID / OPENAI_PROJECT_ID', async () => {
      server = await startLocalServer((_req, res) => json(res, 200, { ...mockFile, id: 'file-1' }));
      vi.stubEnv('OPENAI_ORG_ID', 'org-env');
      vi.stubEnv('OPENAI_PROJECT_ID', 'proj-env');
      await createOpenAIClient({ apiKey, baseUrl: server.url }).files.retrieve('file-1');
      await createOpenAIClient({ apiKey, baseUrl: server.url, organization: 'org-opt', project: 'proj-opt' }).files.retrieve('file-1');
      vi.stubEnv('OPENAI_ORG_ID', '');
      vi.stubEnv('OPENAI_PROJECT_ID', '');
      await createOpenAIClient({ apiKey, baseUrl: server.url }).files.retrieve('file-1');
      const sent = server.requests.map((r) => [r.headers['openai-organization'], r.headers['openai-project']]);
      expect(sent).toEqual([
        ['org-env', 'proj-env'],
        ['org-opt', 'proj-opt'],
        [undefined, undefined],
      ]);
    });

    it('reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment, and sends the upload as multipart', async () => {
      server = await startLocalServer((_req, res) => json(res, 200, { ...mockFile, id: 'file-9', purpose: 'fine-tune' }));
      vi.stubEnv('OPENAI_API_KEY', 'sk-env-55');
      vi.stubEnv('OPENAI_BASE_URL', server.url);
      const file = await createOpenAIClient().files.upload(new Blob([line]), { filename: 'train.jsonl' });
      expect(file).toMatchObject({ id: 'file-9', purpose: 'fine-tune' });
      const [request] = server.requests;
      expect(request?.url).toBe('/files');
      expect(request?.headers.authorization).toBe('Bearer sk-env-55');
      expect(request?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(request?.body).toMatch(/name="purpose"\r\n\r\nfine-tune\r\n/);
      expect(request?.body).toMatch(/name="file"; filename="train\.jsonl"\r\n/);
    });
  });

  it('without a key, creating the client names the option and the env var', () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    expect(() => createOpenAIClient()).toThrow(new TunekitError('openai: no API key. Pass { apiKey } or set OPENAI_API_KEY.'));
  });
});
