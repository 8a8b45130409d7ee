/**
 * Client CPU per `jobs.retrieve` against raw `fetch + res.json()`.
 *
 * Method: the server runs in a child process (its CPU is not ours); every side is warmed up with
 * WARMUP calls; then, for PAIRS rounds, each side's batch of BATCH sequential calls is measured with
 * `process.cpuUsage()` (user + system) right next to a batch of its baseline (raw fetch of the same
 * path), the order flipping every round (A B, B A, …). Reported: median and p25/p75 of the pairwise
 * ratios side/baseline, and the median CPU µs per call.
 *
 * Run alone: `npx tsx bench/cpu.ts` (env BENCH_BATCH, BENCH_PAIRS, BENCH_WARMUP override the defaults).
 */
import { startServer } from './server.js';
import { checkSides, makeSides, type Side } from './sides.js';
import { isMain, median, quantile, table, verdict } from './stats.js';

export const CPU_BUDGET = 1.1;

export interface CpuRow {
  name: string;
  baseline: string | undefined;
  usPerCall: number;
  ratio?: { p25: number; median: number; p75: number };
}

export interface CpuResult {
  rows: CpuRow[];
  batch: number;
  pairs: number;
  warmup: number;
  seconds: number;
}

function envInt(name: string, fallback: number): number {
  const value = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** CPU microseconds (user + system) of `count` sequential calls. */
async function measure(side: Side, count: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) await side.call();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

export interface CompareOptions {
  batch: number;
  pairs: number;
  warmup: number;
  log: (line: string) => void;
}

export function compareOptions(log: (line: string) => void = console.log): CompareOptions {
  return { batch: envInt('BENCH_BATCH', 2_000), pairs: envInt('BENCH_PAIRS', 15), warmup: envInt('BENCH_WARMUP', 4_000), log };
}

/** Warm every side up, then measure each contender in alternating batches next to its baseline. */
export async function compareSides(sides: Side[], { batch, pairs, warmup, log }: CompareOptions): Promise<CpuRow[]> {
  await checkSides(sides);
  const byName = new Map(sides.map((side) => [side.name, side]));
  log(`cpu: ${sides.length} sides, warm-up ${warmup} calls each, ${pairs} rounds × ${batch} calls per batch`);
  for (const side of sides) await measure(side, warmup);

  const contenders = sides.filter((side) => side.baseline !== undefined);
  const ratios = new Map<string, number[]>(contenders.map((side) => [side.name, []]));
  const perCall = new Map<string, number[]>(sides.map((side) => [side.name, []]));
  for (let round = 0; round < pairs; round++) {
    // Rotate which contender goes first so no side always follows the same one.
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]).filter((s): s is Side => s !== undefined);
    for (const side of order) {
      const base = byName.get(side.baseline ?? '');
      if (!base) throw new Error(`no baseline ${side.baseline}`);
      let sideUs: number;
      let baseUs: number;
      if (round % 2 === 0) {
        baseUs = await measure(base, batch);
        sideUs = await measure(side, batch);
      } else {
        sideUs = await measure(side, batch);
        baseUs = await measure(base, batch);
      }
      ratios.get(side.name)?.push(sideUs / baseUs);
      perCall.get(side.name)?.push(sideUs);
      perCall.get(base.name)?.push(baseUs);
    }
    log(`  round ${round + 1}/${pairs} done`);
  }
  return sides.map((side) => {
    const r = ratios.get(side.name);
    return {
      name: side.name,
      baseline: side.baseline,
      usPerCall: median(perCall.get(side.name) ?? []),
      ratio: r ? { p25: quantile(r, 0.25), median: median(r), p75: quantile(r, 0.75) } : undefined,
    };
  });
}

export async function runCpu(log: (line: string) => void = console.log): Promise<CpuResult> {
  const options = compareOptions(log);
  const began = performance.now();
  const server = await startServer();
  try {
    log(`cpu: bench server pid ${server.child.pid} at ${server.url}`);
    const rows = await compareSides(await makeSides(server.url), options);
    return { rows, batch: options.batch, pairs: options.pairs, warmup: options.warmup, seconds: (performance.now() - began) / 1000 };
  } finally {
    await server.close();
  }
}

export function formatCpu(result: CpuResult): string {
  const rows = result.rows.map((row) => [
    row.name,
    row.usPerCall.toFixed(1),
    row.ratio ? `${row.ratio.median.toFixed(3)}×` : 'baseline',
    row.ratio ? `${row.ratio.p25.toFixed(3)}–${row.ratio.p75.toFixed(3)}` : '',
    row.baseline ?? '',
  ]);
  const lines = [table(['side', 'CPU µs/call (median)', 'ratio (median)', 'ratio p25–p75', 'vs'], rows)];
  for (const row of result.rows.filter((r) => r.name.startsWith('tunekit') && r.ratio)) {
    lines.push(
      `budget tunekit ≤ ${CPU_BUDGET.toFixed(2)}× raw: ${row.name} ${row.ratio?.median.toFixed(3)}× → ${verdict((row.ratio?.median ?? Infinity) <= CPU_BUDGET)}`,
    );
  }
  lines.push(
    `(${result.pairs} rounds × ${result.batch} calls per batch, warm-up ${result.warmup} per side, ${result.seconds.toFixed(0)} s)`,
  );
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  const result = await runCpu();
  console.log(`\n${formatCpu(result)}`);
}
