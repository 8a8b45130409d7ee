/**
 * Load: 10,000 `jobs.retrieve` calls at concurrency 64 against the bench server (a child process).
 * Reports errors (must be 0), wall time, latency p50/p99, RSS and heap before/after (and after
 * `global.gc()` when run with --expose-gc, as `npm run bench:load` does), then proves every socket
 * is closed: the client uses Node's global fetch dispatcher (undici Agent), whose keep-alive sockets
 * stay open until it is closed; we close it and wait until the SERVER counts 0 open connections.
 * Finally it lists what still keeps the event loop alive (must be nothing of ours) and exits by itself.
 * Run alone: `npm run bench:load` or `npx tsx bench/load.ts`.
 */
import { createNebiusClient } from '../src/providers/nebius/client.js';
import { JOB_ID } from './fixtures.js';
import { startServer, type ServerStats } from './server.js';
import { isMain, quantile, table, verdict } from './stats.js';

const TOTAL = 10_000;
const CONCURRENCY = 64;
const MB = 1024 * 1024;
const mb = (n: number): string => `${(n / MB).toFixed(1)} MB`;

interface Memory {
  rss: number;
  heapUsed: number;
}

export interface LoadResult {
  calls: number;
  errors: number;
  firstError: string | undefined;
  seconds: number;
  p50: number;
  p99: number;
  before: Memory;
  /** After a first, unmeasured round of the same calls and a gc. */
  afterWarmup: Memory | undefined;
  after: Memory;
  afterGc: Memory | undefined;
  serverAfterCalls: ServerStats;
  serverAfterClose: ServerStats;
  closeMs: number;
  leftHandles: string[];
}

function memory(): Memory {
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

function gc(): boolean {
  const collect: unknown = Reflect.get(globalThis, 'gc');
  if (typeof collect !== 'function') return false;
  collect();
  return true;
}

/** Close Node's global fetch dispatcher (the undici Agent behind `globalThis.fetch`): it owns the keep-alive sockets. */
async function closeGlobalDispatcher(): Promise<void> {
  const dispatcher: unknown = Reflect.get(globalThis, Symbol.for('undici.globalDispatcher.1'));
  if (typeof dispatcher !== 'object' || dispatcher === null) return;
  const close: unknown = Reflect.get(dispatcher, 'close');
  if (typeof close === 'function') await close.call(dispatcher);
}

/** Active handles/requests beyond those present at the start (stdio pipes, tsx's own channel, …). */
function extraResources(baseline: string[]): string[] {
  const left = [...baseline];
  return process.getActiveResourcesInfo().filter((kind) => {
    const at = left.indexOf(kind);
    if (at < 0) return true;
    left.splice(at, 1);
    return false;
  });
}

export async function runLoad(log: (line: string) => void = console.log): Promise<LoadResult> {
  const baseline = process.getActiveResourcesInfo();
  const server = await startServer();
  const client = createNebiusClient({ apiKey: 'bench-key-not-secret', baseUrl: server.url });
  gc();
  const before = memory();
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  let latencies: number[] = [];
  const worker = async (): Promise<void> => {
    while (next < TOTAL) {
      next++;
      const start = performance.now();
      try {
        const job = await client.jobs.retrieve(JOB_ID);
        if (job.id !== JOB_ID) throw new Error(`wrong job ${job.id}`);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      latencies.push(performance.now() - start);
    }
  };
  // Round 1 warms the process up (JIT, undici pools, V8 heap growth); round 2 is the measured one, so a
  // leak shows as growth from round 1 to round 2 rather than hiding in the cold start's heap growth.
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const afterWarmup = gc() ? memory() : undefined;
  log(
    `load: warm-up round of ${TOTAL} calls done; after gc RSS ${afterWarmup ? mb(afterWarmup.rss) : '?'}, heap ${afterWarmup ? mb(afterWarmup.heapUsed) : '?'}`,
  );
  next = 0;
  latencies = [];
  const began = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - began) / 1000;
  const after = memory();
  const afterGc = gc() ? memory() : undefined;
  const serverAfterCalls = await server.stats();
  log(`load: ${TOTAL} calls done in ${seconds.toFixed(2)} s; server sees ${serverAfterCalls.open} open keep-alive connections`);

  const closing = performance.now();
  await closeGlobalDispatcher();
  let serverAfterClose = await server.stats();
  for (let i = 0; i < 50 && serverAfterClose.open > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    serverAfterClose = await server.stats();
  }
  const closeMs = performance.now() - closing;
  await server.close();
  // What would still keep this process alive now that the server child is gone (the child's process
  // handle is released a moment after its 'close' event, hence the short bounded wait).
  let leftHandles = extraResources(baseline);
  for (let i = 0; i < 20 && leftHandles.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    leftHandles = extraResources(baseline);
  }
  return {
    calls: TOTAL,
    errors,
    firstError,
    seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    before,
    afterWarmup,
    after,
    afterGc,
    serverAfterCalls,
    serverAfterClose,
    closeMs,
    leftHandles,
  };
}

export function formatLoad(r: LoadResult): string {
  const rows = [
    ['calls / concurrency', `${r.calls} / ${CONCURRENCY}`],
    ['errors', `${r.errors}${r.firstError ? ` (first: ${r.firstError})` : ''} → ${verdict(r.errors === 0)}`],
    ['total time', `${r.seconds.toFixed(2)} s (${Math.round(r.calls / r.seconds)} calls/s)`],
    ['latency p50 / p99', `${r.p50.toFixed(2)} ms / ${r.p99.toFixed(2)} ms`],
    ['RSS cold start → after warm-up round (gc)', `${mb(r.before.rss)} → ${r.afterWarmup ? mb(r.afterWarmup.rss) : '?'}`],
    ['RSS after warm-up → after measured round (gc)', r.afterWarmup && r.afterGc ? `${mb(r.afterWarmup.rss)} → ${mb(r.afterGc.rss)}` : '?'],
    [
      'heap after warm-up → after measured round (gc)',
      r.afterWarmup && r.afterGc ? `${mb(r.afterWarmup.heapUsed)} → ${mb(r.afterGc.heapUsed)}` : '?',
    ],
    ['RSS before → after (no gc)', `${mb(r.before.rss)} → ${mb(r.after.rss)}`],
    ['heap used before → after', `${mb(r.before.heapUsed)} → ${mb(r.after.heapUsed)}`],
    [
      'after global.gc()',
      r.afterGc ? `RSS ${mb(r.afterGc.rss)}, heap used ${mb(r.afterGc.heapUsed)}` : 'not run (start node with --expose-gc)',
    ],
    ['server: connections made / requests', `${r.serverAfterCalls.connections} / ${r.serverAfterCalls.requests}`],
    ['server: open right after the calls', String(r.serverAfterCalls.open)],
    [
      'server: open after closing the global dispatcher',
      `${r.serverAfterClose.open} (after ${r.closeMs.toFixed(0)} ms) → ${verdict(r.serverAfterClose.open === 0)}`,
    ],
    ['client handles beyond those at start', r.leftHandles.length ? r.leftHandles.join(', ') : 'none (no timers, sockets or child left)'],
  ];
  return table(['load (tunekit Nebius jobs.retrieve)', 'result'], rows);
}

if (isMain(import.meta.url)) {
  // Bounded: the run has a hard deadline that does not itself keep the process alive.
  setTimeout(() => {
    console.error('load: did not finish within 5 minutes');
    process.exit(1);
  }, 300_000).unref();
  const result = await runLoad();
  console.log(`\n${formatLoad(result)}`);
  process.exitCode = result.errors === 0 && result.serverAfterClose.open === 0 && result.leftHandles.length === 0 ? 0 : 1;
}
