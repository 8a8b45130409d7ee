/**
 * Azure OpenAI against a Prism mock of its trimmed document (`openapi/azure.json`, `--errors`): every operation of
 * the surface, the two ways to authenticate (Prism checks the document's security schemes), the `api-version`
 * query, the preview header of the checkpoint copy (required by the document), validation before anything is sent,
 * and errors that carry the `apim-request-id` and never the key or token.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { APIError, AuthenticationError, NotFoundError, TunekitError, UnprocessableEntityError, ValidationError } from '../../src/index.js';
import { createAzureOpenAIClient, type AzureJobCreateParams } from '../../src/providers/azure/index.js';
import { startLocalServer, json, type LocalServer } from '../support/local-server.js';

const apiKey = 'azure-contract-key-5f1e9c';
const baseUrl = inject('prism').azure;
const jobId = 'ftjob-abc123';
const checkpointId = 'ftckpt-xyz789';
const line = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n';

/** Each request as sent: method, path, query and the headers that matter here. */
interface Sent {
  method: string;
  path: string;
  query: string;
  apiKey: string | null;
  authorization: string | null;
  preview: string | null;
}

function recording(): { sent: Sent[]; fetch: typeof fetch } {
  const sent: Sent[] = [];
  return {
    sent,
    fetch: (input, init) => {
      if (input instanceof Request) {
        const url = new URL(input.url);
        sent.push({
          method: input.method,
          path: url.pathname,
          query: url.search,
          apiKey: input.headers.get('api-key'),
          authorization: input.headers.get('authorization'),
          preview: input.headers.get('aoai-copy-ft-checkpoints'),
        });
      }
      return fetch(input, init);
    },
  };
}

const record = recording();
const azure = createAzureOpenAIClient({ apiKey, baseUrl, maxRetries: 0, fetch: record.fetch });

afterEach(() => {
  vi.unstubAllEnvs();
  record.sent.length = 0;
});

async function failure(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('azure against Prism: every operation of the trimmed surface', () => {
  it('jobs.create sends a body Prism accepts, with the create key in metadata, by the api-key header alone', async () => {
    const body: AzureJobCreateParams = {
      model: 'gpt-4.1-mini-2025-04-14',
      training_file: 'file-abc123',
      suffix: 'support-bot',
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2 } } },
    };
    const job = await azure.jobs.create(body);
    expect(job).toMatchObject({ object: 'fine_tuning.job', status: 'validating_files' });
    expect(record.sent).toEqual([{ method: 'POST', path: '/fine_tuning/jobs', query: '', apiKey, authorization: null, preview: null }]);
    const bodies: unknown[] = [];
    const reading = createAzureOpenAIClient({
      apiKey,
      baseUrl,
      maxRetries: 0,
      fetch: async (input, init) => {
        if (input instanceof Request) bodies.push(await input.clone().json());
        return fetch(input, init);
      },
    });
    await reading.jobs.create(body);
    expect(bodies).toEqual([{ ...body, metadata: { tunekit_create_key: expect.stringMatching(/\S{8,}/) } }]);
  });

  it('jobs.retrieve, cancel, pause and resume return the job', async () => {
    for (const call of [azure.jobs.retrieve, azure.jobs.cancel, azure.jobs.pause, azure.jobs.resume]) {
      await expect(call(jobId)).resolves.toMatchObject({ object: 'fine_tuning.job' });
    }
    expect(record.sent.map(({ method, path }) => `${method} ${path}`)).toEqual([
      `GET /fine_tuning/jobs/${jobId}`,
      `POST /fine_tuning/jobs/${jobId}/cancel`,
      `POST /fine_tuning/jobs/${jobId}/pause`,
      `POST /fine_tuning/jobs/${jobId}/resume`,
    ]);
  });

  it('jobs.list, events and checkpoints return pages with their cursor', async () => {
    const jobs = await azure.jobs.list({ limit: 5 });
    expect(jobs.items[0]).toMatchObject({ object: 'fine_tuning.job' });
    expect(jobs.body).toMatchObject({ object: 'list' });
    const events = await azure.jobs.events(jobId, { limit: 10 });
    expect(events.items[0]).toMatchObject({ object: 'fine_tuning.job.event', level: 'info' });
    const checkpoints = await azure.jobs.checkpoints(jobId, { limit: 3 });
    expect(checkpoints.items[0]).toMatchObject({ object: 'fine_tuning.job.checkpoint' });
    expect(record.sent.map(({ query }) => query)).toEqual(['?limit=5', '?limit=10', '?limit=3']);
  });

  it('jobs.copyCheckpoint and jobs.checkpointCopy send the preview header the document requires', async () => {
    const copy = await azure.jobs.copyCheckpoint(jobId, checkpointId, {
      destinationResourceId: '/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/other',
      region: 'swedencentral',
    });
    expect(copy).toMatchObject({ checkpointedModelName: expect.any(String), fineTuningJobId: expect.any(String) });
    await expect(azure.jobs.checkpointCopy(jobId, checkpointId)).resolves.toMatchObject({ copiedAccountDetails: expect.any(Array) });
    expect(record.sent.map(({ path, preview }) => [path, preview])).toEqual([
      [`/fine_tuning/jobs/${jobId}/checkpoints/${checkpointId}/copy`, 'preview'],
      [`/fine_tuning/jobs/${jobId}/checkpoints/${checkpointId}/copy`, 'preview'],
    ]);
  });

  it('without the preview header, Prism refuses the copy status: the header is what the client adds', async () => {
    const url = `${baseUrl}/fine_tuning/jobs/${jobId}/checkpoints/${checkpointId}/copy`;
    const response = await fetch(url, { headers: { 'api-key': apiKey, accept: 'application/json' } });
    expect(response.status).toBe(422);
    const withHeader = await fetch(url, {
      headers: { 'api-key': apiKey, accept: 'application/json', 'aoai-copy-ft-checkpoints': 'preview' },
    });
    expect(withHeader.status).toBe(200);
  });

  it('files.upload sends a multipart body with expires_after that Prism accepts, from a Blob and a path', async () => {
    await expect(azure.files.upload(new Blob([line]), { filename: 'train.jsonl' })).resolves.toMatchObject({ object: 'file' });
    const dir = await mkdtemp(join(tmpdir(), 'tunekit-azure-'));
    const path = join(dir, 'train.jsonl');
    await writeFile(path, line.repeat(50));
    await expect(azure.files.upload(path, { purpose: 'fine-tune', expiresAfterSeconds: 14 * 24 * 3600 })).resolves.toMatchObject({
      object: 'file',
    });
  });

  it('files.list (one page: Azure has no cursor), retrieve, content and delete', async () => {
    const page = await azure.files.list({ purpose: 'fine-tune' });
    expect(page.items[0]).toMatchObject({ object: 'file' });
    expect(page.hasMore).toBe(false);
    const ids: string[] = [];
    for await (const file of azure.files.list()) ids.push(file.id);
    expect(ids.length).toBe(page.items.length);
    await expect(azure.files.retrieve('file-abc123')).resolves.toMatchObject({ object: 'file' });
    const response = await azure.files.content('file-abc123');
    expect(response.status).toBe(200);
    await response.body?.cancel();
    await expect(azure.files.delete('file-abc123')).resolves.toMatchObject({ object: 'file', deleted: expect.any(Boolean) });
  });
});

describe('azure authentication and options', () => {
  it('a Microsoft Entra ID token is asked for per request and sent as a bearer token, never as api-key', async () => {
    const tokens = ['entra-token-one-abcdef', 'entra-token-two-abcdef'];
    const calls = recording();
    const client = createAzureOpenAIClient({ baseUrl, maxRetries: 0, fetch: calls.fetch, token: async () => tokens.shift() ?? 'spent' });
    await client.jobs.retrieve(jobId);
    await client.files.retrieve('file-abc123');
    expect(calls.sent.map(({ apiKey: key, authorization }) => [key, authorization])).toEqual([
      [null, 'Bearer entra-token-one-abcdef'],
      [null, 'Bearer entra-token-two-abcdef'],
    ]);
  });

  it('Prism refuses a request without the api-key header (401), and the error holds no key', async () => {
    const keyless = createAzureOpenAIClient({
      baseUrl,
      maxRetries: 0,
      apiKey,
      fetch: (input, init) => {
        const request = new Request(input, init);
        request.headers.delete('api-key');
        return fetch(request);
      },
    });
    const error = await failure(keyless.jobs.retrieve(jobId));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(`${String(error)} ${JSON.stringify(error)} ${error instanceof Error ? error.stack : ''}`).not.toContain(apiKey);
  });

  it('apiVersion is sent as the api-version query parameter, which the document allows', async () => {
    const calls = recording();
    const client = createAzureOpenAIClient({ apiKey, baseUrl, maxRetries: 0, fetch: calls.fetch, apiVersion: 'preview' });
    await expect(client.jobs.list({ limit: 2 })).resolves.toBeDefined();
    expect(calls.sent[0]?.query).toBe('?limit=2&api-version=preview');
  });

  it('the base URL comes from resource, endpoint or AZURE_OPENAI_ENDPOINT, with /openai/v1 added', async () => {
    const seen: string[] = [];
    const spy: typeof fetch = async (input) => {
      if (input instanceof Request) seen.push(input.url);
      return new Response(JSON.stringify({ object: 'list', data: [], has_more: false }), {
        headers: { 'content-type': 'application/json' },
      });
    };
    await createAzureOpenAIClient({ apiKey, resource: 'my-resource', fetch: spy }).jobs.list();
    await createAzureOpenAIClient({ apiKey, endpoint: 'https://other.openai.azure.com/', fetch: spy }).jobs.list();
    vi.stubEnv('AZURE_OPENAI_ENDPOINT', 'https://env-resource.openai.azure.com');
    vi.stubEnv('AZURE_OPENAI_BASE_URL', '');
    await createAzureOpenAIClient({ apiKey, fetch: spy }).jobs.list();
    expect(seen).toEqual([
      'https://my-resource.openai.azure.com/openai/v1/fine_tuning/jobs',
      'https://other.openai.azure.com/openai/v1/fine_tuning/jobs',
      'https://env-resource.openai.azure.com/openai/v1/fine_tuning/jobs',
    ]);
  });

  it('bad options are refused by name before anything is sent', () => {
    vi.stubEnv('AZURE_OPENAI_ENDPOINT', '');
    vi.stubEnv('AZURE_OPENAI_BASE_URL', '');
    vi.stubEnv('AZURE_OPENAI_API_KEY', '');
    expect(() => createAzureOpenAIClient({ apiKey, resource: 'bad name!' })).toThrow(
      /resource = "bad name!" must be an Azure resource name/,
    );
    expect(() => createAzureOpenAIClient({ apiKey, endpoint: 'not a url' })).toThrow(
      /endpoint = "not a url" is not an absolute http\(s\) URL/,
    );
    expect(() => createAzureOpenAIClient({ apiKey, resource: 'a1', endpoint: 'https://x.openai.azure.com' })).toThrow(
      /give one of baseUrl, endpoint and resource/,
    );
    expect(() => createAzureOpenAIClient({ apiKey, token: async () => 't', resource: 'a1' })).toThrow(/give apiKey or token, not both/);
    expect(() => createAzureOpenAIClient({ resource: 'a1' })).toThrow(/no API key\. Pass \{ apiKey \} or set AZURE_OPENAI_API_KEY/);
    expect(() => createAzureOpenAIClient({ apiKey })).toThrow(
      /no endpoint\. Pass \{ endpoint \} or \{ resource \}, or set AZURE_OPENAI_ENDPOINT/,
    );
    const secret = (() => {
      try {
        createAzureOpenAIClient({ apiKey, token: async () => 't' });
        return '';
      } catch (error) {
        return `${String(error)} ${JSON.stringify(error)}`;
      }
    })();
    expect(secret).not.toContain(apiKey);
  });
});

describe('azure validation before send', () => {
  it('a body that breaks the document is a ValidationError naming field, value and rule; nothing is sent', async () => {
    const error = await failure(azure.jobs.create({ model: 'gpt-4.1-mini-2025-04-14', training_file: 'file-1', suffix: 'x'.repeat(65) }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error instanceof ValidationError && error.field).toBe('body.suffix');
    expect(record.sent).toEqual([]);
  });

  it('an expiry that is not a whole number of seconds is refused before the upload', async () => {
    const error = await failure(azure.files.upload(new Blob([line]), { expiresAfterSeconds: 1.5 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(String(error)).toMatch(/expiresAfterSeconds = 1\.5 must be a whole number of seconds/);
    expect(record.sent).toEqual([]);
  });

  it("with validation off, Prism itself refuses the same body (422): the rules are the document's", async () => {
    const unchecked = createAzureOpenAIClient({ apiKey, baseUrl, maxRetries: 0, validate: false });
    const error = await failure(
      unchecked.jobs.create({ model: 'gpt-4.1-mini-2025-04-14', training_file: 'file-1', suffix: 'x'.repeat(65) }),
    );
    expect(error).toBeInstanceOf(UnprocessableEntityError);
  });
});

describe('azure errors from a local server in the documented shape (AzureErrorResponse)', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a 404 is a NotFoundError with the server message and the apim-request-id as its request id', async () => {
    server = await startLocalServer((_req, res) =>
      json(
        res,
        404,
        {
          error: {
            code: 'NotFound',
            message: 'The specified fine-tuning job was not found.',
            param: null,
            type: 'error',
            inner_error: null,
          },
        },
        { 'apim-request-id': 'apim-0f9e' },
      ),
    );
    const client = createAzureOpenAIClient({ apiKey, baseUrl: server.url, maxRetries: 0 });
    const error = await failure(client.jobs.retrieve('ftjob-nope'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error instanceof APIError && error.requestId).toBe('apim-0f9e');
    expect(String(error)).toContain('The specified fine-tuning job was not found.');
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(apiKey);
  });

  it('a token function that returns nothing is a TunekitError before any request', async () => {
    let requests = 0;
    server = await startLocalServer((_req, res) => {
      requests += 1;
      json(res, 200, {});
    });
    const client = createAzureOpenAIClient({ baseUrl: server.url, maxRetries: 0, token: async () => '' });
    const error = await failure(client.jobs.retrieve(jobId));
    expect(error).toBeInstanceOf(TunekitError);
    expect(String(error)).toMatch(/token\(\) returned no Entra ID token/);
    expect(requests).toBe(0);
  });
});

describe('azure secrets: a server that echoes the credential back', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('neither the api-key nor an Entra ID token appears in an error, its cause, or a debug log line', async () => {
    const echoed: string[] = [];
    server = await startLocalServer((request, res) => {
      const credential = `${String(request.headers['api-key'] ?? '')} ${String(request.headers['authorization'] ?? '')}`;
      echoed.push(credential);
      json(res, 404, { error: { code: 'NotFound', message: `no job for credential ${credential}`, type: 'error' } });
    });
    const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.entra-token-canary-7c1d';
    const lines: string[] = [];
    const logger = {
      error: (line: string) => lines.push(line),
      warn: (line: string) => lines.push(line),
      info: (line: string) => lines.push(line),
      debug: (line: string) => lines.push(line),
    };
    const clients = [
      createAzureOpenAIClient({ apiKey, baseUrl: server.url, maxRetries: 0, logLevel: 'debug', logger }),
      createAzureOpenAIClient({ token: async () => token, baseUrl: server.url, maxRetries: 0, logLevel: 'debug', logger }),
    ];
    for (const client of clients) {
      const error = await failure(client.jobs.retrieve(jobId));
      expect(error).toBeInstanceOf(NotFoundError);
      const shown = `${String(error)} ${JSON.stringify(error)} ${error instanceof Error ? error.stack : ''} ${lines.join('\n')}`;
      expect(shown).toContain('[redacted]');
      expect(shown).not.toContain(apiKey);
      expect(shown).not.toContain(token);
    }
    // The server did see each credential and echoed it: the check is not vacuous.
    expect(echoed).toEqual([`${apiKey} `, ` Bearer ${token}`]);
  });
});
