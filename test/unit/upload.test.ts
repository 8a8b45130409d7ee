/**
 * Uploads stream: a path is read from disk (again for a retry), a stream is sent as it comes and never twice, and
 * `onProgress` follows the file's bytes. Checked on a real node:http server that parses the multipart body.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  APIConnectionError,
  InternalServerError,
  createNebiusClient,
  createOpenAIClient,
  createTogetherClient,
  type UploadProgress,
} from '../../src/index.js';
import { json, startLocalServer, type LocalServer, type RecordedRequest } from '../support/local-server.js';

const LINE = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n';
const TEXT = LINE.repeat(5_000); // ~450 KB: several progress steps
let dir = '';
let path = '';

/** The multipart body as the server received it, parsed by the platform's own FormData parser. */
async function parts(request: RecordedRequest): Promise<FormData> {
  return new Request('http://x/', {
    method: 'POST',
    body: request.body,
    headers: { 'content-type': String(request.headers['content-type']) },
  }).formData();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunekit-upload-'));
  path = join(dir, 'train.jsonl');
  await writeFile(path, TEXT);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('files.upload streams the file with its length and follows the bytes', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer((_req, res) =>
      json(res, 200, { id: 'file-1', object: 'file', bytes: 1, created_at: 1, filename: 'train.jsonl', purpose: 'fine-tune' }),
    );
  });
  afterAll(() => server.close());

  it.each([
    ['nebius', () => createNebiusClient({ apiKey: 'k', baseUrl: server.url }), { purpose: 'fine-tune' }],
    ['together', () => createTogetherClient({ apiKey: 'k', baseUrl: server.url }), { file_name: 'train.jsonl', purpose: 'fine-tune' }],
    ['openai', () => createOpenAIClient({ apiKey: 'k', baseUrl: server.url }), { purpose: 'fine-tune' }],
  ] as const)('%s: from a path, with Content-Length and progress up to the file size', async (_name, make, fields) => {
    server.requests.length = 0;
    const seen: UploadProgress[] = [];
    await make().files.upload(path, { onProgress: (progress) => seen.push(progress) });
    const [request] = server.requests;
    expect(request?.headers['content-length']).toBe(String(Buffer.byteLength(request?.body ?? '')));
    const form = await parts(request!);
    const file = form.get('file');
    expect(file).toBeInstanceOf(File);
    expect(file instanceof File && [file.name, await file.text()]).toEqual(['train.jsonl', TEXT]);
    // The provider's own fields beside the file, with their values (the path's name, the default purpose).
    expect(Object.fromEntries([...form.entries()].filter(([name]) => name !== 'file'))).toEqual(fields);
    expect(seen[0]).toEqual({ loaded: 0, total: TEXT.length });
    expect(seen.at(-1)).toEqual({ loaded: TEXT.length, total: TEXT.length });
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.every((p, n) => n === 0 || p.loaded >= (seen[n - 1]?.loaded ?? 0))).toBe(true);
  });

  it('from a stream: sent as it comes (no length known), progress with total undefined', async () => {
    server.requests.length = 0;
    const seen: UploadProgress[] = [];
    await createNebiusClient({ apiKey: 'k', baseUrl: server.url }).files.upload(
      Readable.from([Buffer.from(TEXT.slice(0, 1000)), Buffer.from(TEXT.slice(1000))]),
      { onProgress: (p) => seen.push(p) },
    );
    expect(server.requests[0]?.headers['transfer-encoding']).toBe('chunked');
    const file = (await parts(server.requests[0]!)).get('file');
    expect(file instanceof File && (await file.text())).toBe(TEXT);
    expect(seen.at(-1)).toEqual({ loaded: TEXT.length, total: undefined });
  });
});

describe('a resend reads the file again; a one-shot stream is never sent twice', () => {
  let server: LocalServer;
  beforeAll(async () => {
    // The first upload of each test is answered 503 (the server did nothing): safe to send again.
    server = await startLocalServer((_req, res, index) =>
      index % 2 === 0
        ? json(res, 503, { detail: 'busy' })
        : json(res, 200, { id: 'file-2', object: 'file', bytes: 1, created_at: 1, filename: 'train.jsonl', purpose: 'fine-tune' }),
    );
  });
  afterAll(() => server.close());

  it('a path: the 503 is followed by a second request carrying the whole file again', async () => {
    server.requests.length = 0;
    const seen: number[] = [];
    const file = await createNebiusClient({ apiKey: 'k', baseUrl: server.url, retry: { baseDelayMs: 5 } }).files.upload(path, {
      onProgress: (p) => seen.push(p.loaded),
    });
    expect(file.id).toBe('file-2');
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      const part = (await parts(request)).get('file');
      expect(part instanceof File && (await part.text())).toBe(TEXT);
    }
    expect(seen.filter((loaded) => loaded === 0)).toHaveLength(2); // progress starts again with the resend
  });

  it('a stream: the 503 is thrown, and nothing is sent again', async () => {
    server.requests.length = 0;
    const error = await createNebiusClient({ apiKey: 'k', baseUrl: server.url, retry: { baseDelayMs: 5 } })
      .files.upload(Readable.from([Buffer.from(TEXT)]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('a stream whose connection drops: the error says why it was not resent', async () => {
    const closed = await startLocalServer(() => undefined);
    const url = closed.url;
    await closed.close();
    const error = await createNebiusClient({ apiKey: 'k', baseUrl: url })
      .files.upload(Readable.from([Buffer.from(TEXT)]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toMatch(
      /^nebius POST \/v1\/files: connection failed \(.*\); the file was a one-shot stream, so it was not sent again \(pass a path or a Blob to let tunekit retry\)$/,
    );
  });
});

describe('a file sent over node:http is read into one buffer again and again, and still arrives byte for byte', () => {
  // Random text: 1.5 MB, 23 reads of 64 KiB, no two alike, so a chunk overwritten before it was sent shows.
  const RANDOM = randomBytes(750_000).toString('hex');
  let randomPath = '';
  let server: LocalServer;
  const file = { id: 'file-9', object: 'file', bytes: 1, created_at: 1, filename: 'random.jsonl', purpose: 'fine-tune' };
  const upload = {
    id: 'upload_9',
    object: 'upload',
    bytes: RANDOM.length,
    created_at: 1,
    expires_at: 2,
    filename: 'random.jsonl',
    purpose: 'fine-tune',
  };
  beforeAll(async () => {
    randomPath = join(dir, 'random.jsonl');
    await writeFile(randomPath, RANDOM);
    server = await startLocalServer((request, res) => {
      const route = request.url.split('?')[0] ?? '';
      if (route === '/uploads') return json(res, 200, { ...upload, status: 'pending' });
      if (route.endsWith('/parts'))
        return json(res, 200, { id: `part_${server.requests.length}`, object: 'upload.part', created_at: 1, upload_id: 'upload_9' });
      if (route.endsWith('/complete')) return json(res, 200, { ...upload, status: 'completed', file });
      return json(res, 200, file);
    });
  });
  afterAll(() => server.close());
  afterEach(() => vi.unstubAllGlobals());

  /** The file's text as the server got it: the one file part, or the parts of the Uploads API in order. */
  async function receivedText(field: string): Promise<string> {
    let text = '';
    for (const request of server.requests.filter(
      (r) => r.method === 'POST' && String(r.headers['content-type']).startsWith('multipart/'),
    )) {
      const part = (await parts(request)).get(field);
      text += part instanceof File ? await part.text() : '';
    }
    return text;
  }

  it('one request (nebius)', async () => {
    server.requests.length = 0;
    await createNebiusClient({ apiKey: 'k', baseUrl: server.url }).files.upload(randomPath);
    expect(await receivedText('file')).toBe(RANDOM);
  });

  it('the Uploads API in parts that end mid-chunk (openai)', async () => {
    server.requests.length = 0;
    await createOpenAIClient({ apiKey: 'k', baseUrl: server.url }).files.upload(randomPath, {
      multipartThreshold: 100_000,
      partSize: 300_001,
    });
    expect(server.requests.filter((r) => r.url.endsWith('/parts'))).toHaveLength(5);
    expect(await receivedText('data')).toBe(RANDOM);
  });

  /** A fetch that reads the whole body before it sends it, as test interceptors do: it keeps every chunk. */
  const buffering = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const { method, headers, signal } = request;
    return fetch(request.url, { method, headers, signal, body: method === 'GET' ? undefined : await request.arrayBuffer() });
  };

  it('a fetch given in the options keeps every chunk it is given (a buffer of its own each)', async () => {
    server.requests.length = 0;
    await createNebiusClient({ apiKey: 'k', baseUrl: server.url, fetch: buffering }).files.upload(randomPath);
    expect(await receivedText('file')).toBe(RANDOM);
  });

  it('a globalThis.fetch replaced (an interceptor) sees the upload, and keeps every chunk it is given', async () => {
    server.requests.length = 0;
    const seen: string[] = [];
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(input instanceof Request ? input.url : String(input));
      vi.unstubAllGlobals();
      return buffering(input, init);
    });
    await createNebiusClient({ apiKey: 'k', baseUrl: server.url }).files.upload(randomPath);
    expect(seen).toEqual([`${server.url}/v1/files`]);
    expect(await receivedText('file')).toBe(RANDOM);
  });
});
