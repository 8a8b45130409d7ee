/**
 * Uploads stream: a path is read from disk (again for a retry), a stream is sent as it comes and never twice, and
 * `onProgress` follows the file's bytes. Checked on a real node:http server that parses the multipart body.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
