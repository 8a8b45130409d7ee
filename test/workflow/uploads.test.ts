/**

 * Big files on the sandbox, over its socket (real HTTP, undici's own multipart streaming): OpenAI's Uploads API above the single-request limit (a small threshold here), in parts
 * each re-read from disk, with progress across parts, the bytes intact, and a failed part cancelling the upload.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIClient, InternalServerError, type UploadProgress } from '../../src/index.js';
import { startSandbox } from '../../src/testing.js';
import { jsonl } from '../support/sandbox.js';

let dir = '';
let path = '';
const text = `${jsonl(4_000)}\n`; // ~330 KB

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunekit-uploads-'));
  path = join(dir, 'big.jsonl');
  await writeFile(path, text);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('openai: files above multipartThreshold go through the Uploads API', () => {
  it('creates an upload, sends every part, completes it, and the file holds exactly the bytes', async () => {
    await using sandbox = await startSandbox({ provider: 'openai' });
    const openai = createOpenAIClient({ apiKey: 'k', baseUrl: sandbox.url });
    const seen: UploadProgress[] = [];
    const file = await openai.files.upload(path, { multipartThreshold: 100_000, partSize: 128 * 1024, onProgress: (p) => seen.push(p) });
    const size = Buffer.byteLength(text);
    expect(file).toMatchObject({ object: 'file', bytes: size, filename: 'big.jsonl', purpose: 'fine-tune' });
    expect(await (await openai.files.content(file.id)).text()).toBe(text);
    const calls = sandbox.requests.map((r) => r.operation);
    const parts = Math.ceil(size / (128 * 1024));
    expect(parts).toBeGreaterThan(2);
    expect(calls).toEqual([
      'POST /uploads',
      ...Array<string>(parts).fill('POST /uploads/{upload_id}/parts'),
      'POST /uploads/{upload_id}/complete',
      'GET /files/{file_id}/content',
    ]);
    expect(seen.at(-1)).toEqual({ loaded: size, total: size });
    expect(seen.every((p, i) => i === 0 || p.loaded >= (seen[i - 1]?.loaded ?? 0))).toBe(true);
    expect(seen.every((p) => p.total === size)).toBe(true);
  });

  it('a part that keeps failing cancels the upload and surfaces the error; a 503 on a part is resent from disk', async () => {
    await using sandbox = await startSandbox({ provider: 'openai' });
    const openai = createOpenAIClient({ apiKey: 'k', baseUrl: sandbox.url, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    sandbox.script({ fault: 503, times: 1, match: 'POST /uploads/{upload_id}/parts' });
    const ok = await openai.files.upload(path, { multipartThreshold: 100_000, partSize: 128 * 1024 });
    expect(ok.bytes).toBe(Buffer.byteLength(text));
    sandbox.reset();
    sandbox.script({ fault: 500, times: 1, match: 'POST /uploads/{upload_id}/parts' });
    const error = await openai.files.upload(path, { multipartThreshold: 100_000, partSize: 128 * 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError); // a 500 may hide work: an upload is not sent again
    expect(sandbox.requests.map((r) => `${r.operation} ${r.status}`)).toEqual([
      'POST /uploads 200',
      'POST /uploads/{upload_id}/parts 500',
      'POST /uploads/{upload_id}/cancel 200',
    ]);
  });
});
