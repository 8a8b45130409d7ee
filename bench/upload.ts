/**
 * Upload memory, each side in a fresh process of its own: RSS growth (peak minus the RSS just before the upload,
 * after a small warm-up upload in the same process) while a file is uploaded from its path to a node:http server in
 * another process that counts the bytes and answers like the APIs. Budget: tunekit's growth under 64 MB.
 * Sides: a bare `fetch` streaming the file (Node's default redirect mode, and `redirect: 'error'`), a bare
 * `http.request` piping it, tunekit's `files.upload(path)` for Nebius (one multipart request), Together, Azure and OpenAI
 * (the Uploads API in 64 MB parts above 512 MB), and the CLI's `tunekit files upload` (Nebius; a CLI process cannot
 * be measured from inside, so its growth is its peak RSS minus the peak of the same command uploading 1 KB).
 * Rounds alternate the order of the sides; the table has each side's median over the rounds, with the growth of the
 * memory ArrayBuffers hold (file chunks read and not yet freed: what fetch's per-chunk buffers piled up to before a GC).
 * tunekit's sides send a file over node:http, one buffer reused (src/platform/http.ts).
 * Run by hand: `npm run bench:upload -- [--gb 1,2] [--rounds 3]` (sparse files, removed afterwards; no disk used).
 */
import { execFile, fork } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fileStream } from '../src/platform/files.js';
import { createAzureOpenAIClient } from '../src/providers/azure/client.js';
import { createNebiusClient } from '../src/providers/nebius/client.js';
import { createOpenAIClient } from '../src/providers/openai/client.js';
import { createTogetherClient } from '../src/providers/together/client.js';
import { isMain, median, table } from './stats.js';

const MB = 2 ** 20;
const here = fileURLToPath(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** The sink: counts request bytes; answers files, uploads, parts and completes in the providers' shapes. */
function serve(): void {
  let n = 0;
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      n += 1;
      const url = (req.url ?? '').split('?')[0] ?? '';
      const file = {
        id: `file-${n}`,
        object: 'file',
        bytes,
        created_at: 1,
        filename: 'big.jsonl',
        purpose: 'fine-tune',
        status: 'processed',
      };
      const upload = {
        id: 'upload_1',
        object: 'upload',
        bytes: 0,
        created_at: 1,
        expires_at: 2,
        filename: 'big.jsonl',
        purpose: 'fine-tune',
      };
      const body = url.endsWith('/uploads')
        ? { ...upload, status: 'pending' }
        : url.endsWith('/parts')
          ? { id: `part_${n}`, object: 'upload.part', created_at: 1, upload_id: 'upload_1' }
          : url.endsWith('/complete')
            ? { ...upload, status: 'completed', file }
            : file;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
}

/** The library sides, each run in its own process by `measureSide`. */
const SIDES: Record<string, (path: string, url: string) => Promise<unknown>> = {
  'fetch, streamed (redirect: follow, the default)': async (path, url) =>
    (await fetch(`${url}/raw`, { method: 'POST', body: fileStream(path), duplex: 'half' } as RequestInit)).text(),
  "fetch, streamed (redirect: 'error')": async (path, url) =>
    (await fetch(`${url}/raw`, { method: 'POST', body: fileStream(path), duplex: 'half', redirect: 'error' } as RequestInit)).text(),
  'http.request, piped': (path, url) =>
    new Promise((resolve, reject) => {
      const req = request(`${url}/raw`, { method: 'POST' }, (res) => res.resume().on('end', resolve).on('error', reject));
      req.on('error', reject);
      pipeline(createReadStream(path), req).catch(reject);
    }),
  'tunekit nebius files.upload(path)': (path, url) =>
    createNebiusClient({ apiKey: 'bench-key', baseUrl: url, timeoutMs: 3_600_000 }).files.upload(path),
  'tunekit together files.upload(path)': (path, url) =>
    createTogetherClient({ apiKey: 'bench-key', baseUrl: url, timeoutMs: 3_600_000 }).files.upload(path),
  'tunekit openai files.upload(path)': (path, url) =>
    createOpenAIClient({ apiKey: 'bench-key', baseUrl: url, timeoutMs: 3_600_000 }).files.upload(path),
  'tunekit azure files.upload(path)': (path, url) =>
    createAzureOpenAIClient({ apiKey: 'bench-key', baseUrl: url, timeoutMs: 3_600_000 }).files.upload(path),
};
const CLI = 'tunekit files upload (CLI, nebius)';

/** In the child: a warm-up upload, then the measured one; prints `{ growth, ms }`. */
async function measureSide(side: string, path: string, url: string, warmup: string): Promise<void> {
  const send = SIDES[side];
  if (!send) throw new Error(`no side ${side}`);
  await send(warmup, url);
  const before = process.memoryUsage();
  const maxBefore = process.resourceUsage().maxRSS;
  let peak = before.rss;
  let peakBuffers = before.arrayBuffers;
  const sample = (): void => {
    const now = process.memoryUsage();
    peak = Math.max(peak, now.rss);
    peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
  };
  const sampler = setInterval(sample, 10);
  const started = performance.now();
  await send(path, url);
  const ms = performance.now() - started;
  clearInterval(sampler);
  sample();
  const maxAfter = process.resourceUsage().maxRSS;
  peak = Math.max(peak, maxAfter > maxBefore ? maxAfter * 1024 : 0);
  console.log(JSON.stringify({ growth: peak - before.rss, buffers: peakBuffers - before.arrayBuffers, ms }));
}

async function cliPeak(path: string, url: string, dir: string): Promise<{ peak: number; ms: number }> {
  const out = join(dir, `peak-${process.hrtime.bigint()}`);
  const env = { ...process.env, TUNEKIT_PROVIDER: 'nebius', NEBIUS_API_KEY: 'bench-key', NEBIUS_BASE_URL: url, TUNEKIT_BENCH_PEAK: out };
  const started = performance.now();
  await run(
    process.execPath,
    ['--import', 'tsx', '--import', join(root, 'bench/rss-probe.ts'), join(root, 'src/cli/main.ts'), 'files', 'upload', path],
    { env, maxBuffer: 1 << 20 },
  );
  const ms = performance.now() - started;
  return { peak: Number(await readFile(out, 'utf8')), ms };
}

/** RSS growth, ArrayBuffer growth (`NaN` for the CLI, measured from outside) and time of one side in a fresh process. */
async function sideInChild(
  side: string,
  path: string,
  url: string,
  warmup: string,
  dir: string,
): Promise<{ growth: number; buffers: number; ms: number }> {
  if (side === CLI) {
    const small = await cliPeak(warmup, url, dir);
    const big = await cliPeak(path, url, dir);
    return { growth: big.peak - small.peak, buffers: NaN, ms: big.ms - small.ms };
  }
  const { stdout } = await run(process.execPath, ['--import', 'tsx', here, '--side', side, path, url, warmup], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { growth: number; buffers: number; ms: number };
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const sizes = option('--gb', '1,2').split(',').map(Number);
  const rounds = Number(option('--rounds', '3'));
  const dir = await mkdtemp(join(tmpdir(), 'tunekit-bench-upload-'));
  const warmup = join(dir, 'warmup.jsonl');
  await writeFile(warmup, '{"messages":[]}\n'.repeat(64)); // 1 KB
  const sink = fork(here, ['--serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => sink.once('message', (m: { port: number }) => resolve(m.port)));
  const url = `http://127.0.0.1:${port}`;
  const sides = [...Object.keys(SIDES), CLI];
  const results = new Map<string, { growth: number[]; buffers: number[]; ms: number[] }>();
  try {
    for (const gb of sizes) {
      const path = join(dir, `big-${gb}.jsonl`);
      const handle = await open(path, 'w');
      await handle.truncate(Math.round(gb * 1024 * MB)); // sparse: reads as zeros, costs no disk
      await handle.close();
      for (let round = 0; round < rounds; round++) {
        // Alternate: each round starts one side later.
        for (let i = 0; i < sides.length; i++) {
          const side = sides[(i + round) % sides.length] ?? '';
          const { growth, buffers, ms } = await sideInChild(side, path, url, warmup, dir);
          const key = `${gb}\t${side}`;
          const entry = results.get(key) ?? { growth: [], buffers: [], ms: [] };
          entry.growth.push(growth / MB);
          entry.buffers.push(buffers / MB);
          entry.ms.push(ms);
          results.set(key, entry);
          console.error(`${gb} GiB  round ${round + 1}/${rounds}  ${side}: ${(growth / MB).toFixed(1)} MB in ${(ms / 1_000).toFixed(1)} s`);
        }
      }
      await rm(path, { force: true });
    }
  } finally {
    sink.kill();
    await rm(dir, { recursive: true, force: true });
  }
  const rows = [...results].map(([key, { growth, buffers, ms }]) => {
    const [gb = '', side = ''] = key.split('\t');
    const budget = side.startsWith('tunekit') ? (median(growth) < 64 ? ' ✓' : ' ✗') : '';
    return [
      `${gb} GiB  ${side}`,
      `${((Number(gb) * 1024) / (median(ms) / 1_000)).toFixed(0)} MB/s`,
      `${median(growth).toFixed(1)} MB${budget}`,
      `${Math.min(...growth).toFixed(0)}–${Math.max(...growth).toFixed(0)}`,
      Number.isNaN(median(buffers)) ? '–' : `${median(buffers).toFixed(1)} MB`,
    ];
  });
  console.log(
    `node ${process.version}; sparse files; each side in a fresh process, ${rounds} rounds alternating; server in another process`,
  );
  console.log(table(['file  side', 'throughput (median)', 'RSS growth (median)', 'range (MB)', 'ArrayBuffers growth (median)'], rows));
  console.log('budget: tunekit RSS growth < 64 MB (✓ met, ✗ missed)');
}

if (process.argv.includes('--serve')) serve();
else if (process.argv[2] === '--side')
  await measureSide(process.argv[3] ?? '', process.argv[4] ?? '', process.argv[5] ?? '', process.argv[6] ?? '');
else if (isMain(import.meta.url)) await main();
