/**
 * Memory tier: a 512 MiB file (sparse) uploaded from its path by each provider's client, in a child process of its
 * own, to a node:http server in this one that answers like the API. RSS growth must stay under 64 MB, the same budget
 * as the dataset checker's. On Node 20 a streamed fetch body that is not sent with `redirect: 'error'` is teed by
 * undici, and the branch it never reads keeps every byte: about 540 MB here. And the file's chunks must not pile up
 * as garbage: sent through fetch, each 64 KiB chunk was a buffer of its own that only a full GC frees, which V8 runs
 * once ArrayBuffers have grown by about 64 MB (20-55 MB of them here; a 1 GiB upload's RSS grew by up to 75 MB on
 * Node 26). Read into one buffer and sent over node:http, they stay at a few chunks.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const SIZE = 512 * 2 ** 20;
const BUDGET = 64 * 2 ** 20;
/** A few 64 KiB chunks and the sockets' buffers; fresh buffers per chunk reach 20-55 MB before a GC frees them. */
const BUFFERS_BUDGET = 4 * 2 ** 20;
let dir = '';
let server: Server;
let url = '';
/** Request body bytes received, by path. */
const received = new Map<string, number>();

/** Counts and drops the body, then answers in the shape of the operation (file, upload, part, completed upload). */
function answer(path: string, bytes: number): unknown {
  const file = {
    id: `file-${received.size}`,
    object: 'file',
    bytes,
    created_at: 1,
    filename: 'big.jsonl',
    purpose: 'fine-tune',
    status: 'processed',
  };
  if (path === '/uploads')
    return {
      id: 'upload_1',
      object: 'upload',
      bytes: SIZE,
      created_at: 1,
      expires_at: 2,
      filename: 'big.jsonl',
      purpose: 'fine-tune',
      status: 'pending',
    };
  if (path.endsWith('/parts')) return { id: `part_${received.size}`, object: 'upload.part', created_at: 1, upload_id: 'upload_1' };
  if (path.endsWith('/complete'))
    return {
      id: 'upload_1',
      object: 'upload',
      bytes: SIZE,
      created_at: 1,
      expires_at: 2,
      filename: 'big.jsonl',
      purpose: 'fine-tune',
      status: 'completed',
      file,
    };
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunekit-upload-memory-'));
  const handle = await open(join(dir, 'big.jsonl'), 'w');
  await handle.truncate(SIZE); // sparse: reads as zeros, costs no disk
  await handle.close();
  await writeFile(join(dir, 'warmup.jsonl'), '{"messages":[]}\n'.repeat(1_000));
  server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      const path = req.url ?? '';
      received.set(path, (received.get(path) ?? 0) + bytes);
      const body = JSON.stringify(answer(path, bytes));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  await rm(dir, { recursive: true, force: true });
});

it.each(['nebius', 'together', 'openai', 'openai-parts'])(
  '%s: a 512 MiB upload from a path grows RSS by less than 64 MB, and the buffers of its chunks by less than 4 MB (in a child process)',
  async (provider) => {
    received.clear();
    const child = fileURLToPath(new URL('./fixtures/upload-memory-child.ts', import.meta.url));
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', child, provider, join(dir, 'big.jsonl'), url, join(dir, 'warmup.jsonl')],
      { maxBuffer: 1 << 20 },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { id: string; rssGrowth: number; arrayBufferGrowth: number };
    expect(result.id).toMatch(/^file-/);
    const sent = [...received.values()].reduce((a, b) => a + b, 0);
    expect(sent, 'the whole file reached the server (with the small warm-up and the multipart framing)').toBeGreaterThan(SIZE);
    expect(result.rssGrowth).toBeLessThan(BUDGET);
    expect(result.arrayBufferGrowth, 'file chunks read and not yet freed (ArrayBuffer bytes)').toBeLessThan(BUFFERS_BUDGET);
  },
  120_000,
);
