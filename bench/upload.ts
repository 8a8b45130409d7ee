/**
 * Upload memory: a 2 GB file uploaded from its path with flat memory (budget: RSS growth under 64 MB), through
 * Nebius `POST /v1/files` (one streamed multipart request) and OpenAI's Uploads API (64 MB parts), with byte progress.
 * The receiving server is a child process (its memory is not ours) that counts the bytes and answers like the API.
 * Side by side in one run: a bare `fetch` streaming the same file (the floor) and `fetch` of the whole file read
 * into memory (what buffering costs). RSS is sampled every 20 ms; growth = peak − RSS just before the upload.
 * Run by hand: `npx tsx bench/upload.ts [--gb N]` (default 2; the file is sparse, so it costs no disk).
 */
import { fork } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createNebiusClient } from '../src/providers/nebius/client.js';
import { createOpenAIClient } from '../src/providers/openai/client.js';
import { isMain, table } from './stats.js';

const MB = 1024 * 1024;

/** The sink: counts request bytes; answers files, uploads and parts in the providers' shapes. */
function serve(): void {
  let n = 0;
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      n += 1;
      const url = req.url ?? '';
      const file = { id: `file-${n}`, object: 'file', bytes, created_at: 1, filename: 'big.jsonl', purpose: 'fine-tune', status: 'processed' };
      const body = url === '/uploads'
        ? { id: `upload_${n}`, object: 'upload', bytes: 0, created_at: 1, expires_at: 2, filename: 'big.jsonl', purpose: 'fine-tune', status: 'pending' }
        : url.endsWith('/parts')
          ? { id: `part_${n}`, object: 'upload.part', created_at: 1, upload_id: 'upload_1' }
          : url.endsWith('/complete')
            ? { id: 'upload_1', object: 'upload', bytes: 0, created_at: 1, expires_at: 2, filename: 'big.jsonl', purpose: 'fine-tune', status: 'completed', file }
            : file;
      res.writeHead(200, { 'content-type': 'application/json', 'x-received-bytes': String(bytes) }).end(JSON.stringify(body));
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
}

/** Peak RSS growth while `run` runs, sampled every 20 ms after a GC. */
async function measure(run: () => Promise<unknown>): Promise<{ ms: number; growthMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return { ms: performance.now() - started, growthMb: (peak - before) / MB };
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--gb');
  const gb = at > 0 ? Number(process.argv[at + 1]) : 2;
  const size = Math.round(gb * 1024 * MB);
  const path = join(tmpdir(), `tunekit-bench-upload-${process.pid}.jsonl`);
  const handle = await open(path, 'w');
  await handle.truncate(size); // sparse: reads as zeros, costs no disk
  await handle.close();
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const url = `http://127.0.0.1:${port}`;
  const options = { apiKey: 'bench-key', baseUrl: url, timeoutMs: 3_600_000 };
  const nebius = createNebiusClient(options);
  const openai = createOpenAIClient(options);
  let progressCalls = 0;
  const onProgress = (): void => {
    progressCalls += 1;
  };
  const sides: [string, () => Promise<unknown>][] = [
    ['fetch, streamed from disk (floor)', async () => {
      const stream = Readable.toWeb((await open(path)).createReadStream()) as ReadableStream<Uint8Array>;
      const response = await fetch(`${url}/raw`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
      await response.text();
    }],
    ['tunekit nebius files.upload(path)', () => nebius.files.upload(path, { onProgress })],
    ['tunekit openai files.upload(path) (Uploads API, 64 MB parts)', () => openai.files.upload(path, { onProgress })],
    [`fetch of 512 MB of it read into memory first (what buffering costs)`, async () => {
      const bytes = Buffer.alloc(Math.min(size, 512 * MB));
      const file = await open(path);
      await file.read(bytes, 0, bytes.length, 0);
      await file.close();
      const response = await fetch(`${url}/raw`, { method: 'POST', body: bytes });
      await response.text();
    }],
  ];
  const rows: string[][] = [];
  try {
    for (const [name, run] of sides) {
      const { ms, growthMb } = await measure(run);
      const bytes = name.startsWith('fetch of 512 MB') ? Math.min(size, 512 * MB) : size;
      rows.push([name, `${(bytes / MB / (ms / 1_000)).toFixed(0)} MB/s`, `${growthMb.toFixed(1)} MB`]);
    }
  } finally {
    child.kill();
    await rm(path, { force: true });
  }
  console.log(`node ${process.version}; a ${gb} GB file (sparse), server in a child process; RSS sampled every 20 ms`);
  console.log(table(['side', 'throughput', 'RSS growth (peak)'], rows));
  console.log(`progress callbacks: ${progressCalls}; budget: tunekit RSS growth < 64 MB`);
}

if (process.argv.includes('--serve')) serve();
else if (isMain(import.meta.url)) await main();
