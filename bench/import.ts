/**
 * In-process `import()` time of the BUILT package (see package.ts), in fresh Node processes: each child
 * measures `performance.now()` around one dynamic import and prints the milliseconds. The specifiers take
 * turns (round-robin) so machine noise spreads evenly; reported: median and p25/p75 over RUNS children each.
 * Run alone: `npx tsx bench/import.ts` (env BENCH_IMPORT_RUNS, default 40).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPackage, builtProviders, CONSUMER } from './package.js';
import { isMain, median, quantile, table, verdict } from './stats.js';

export const IMPORT_BUDGET_MS = 15;
/** The first dynamic import of a process pays for the ESM loader itself; an empty module shows that floor. */
export const FLOOR = './empty.mjs';

export interface ImportRow {
  specifier: string;
  median: number;
  p25: number;
  p75: number;
  runs: number;
}

function importOnce(specifier: string): number {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t0));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: CONSUMER, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(out.toString());
  if (!Number.isFinite(ms)) throw new Error(`import(${specifier}): child printed ${JSON.stringify(out.toString())}`);
  return ms;
}

export function runImport(log: (line: string) => void = console.log): ImportRow[] {
  buildPackage(log);
  writeFileSync(join(CONSUMER, 'empty.mjs'), 'export {};\n');
  const runs = Number.parseInt(process.env.BENCH_IMPORT_RUNS ?? '', 10) || 40;
  const specifiers = [FLOOR, 'tunekit', ...builtProviders().map((p) => `tunekit/${p}`), 'openapi-fetch', 'openai', 'together-ai'];
  for (const specifier of specifiers) importOnce(specifier); // page cache warm-up, not counted
  const times = new Map<string, number[]>(specifiers.map((s) => [s, []]));
  for (let run = 0; run < runs; run++) {
    for (let i = 0; i < specifiers.length; i++) {
      const specifier = specifiers[(i + run) % specifiers.length] ?? '';
      times.get(specifier)?.push(importOnce(specifier));
    }
  }
  log(`import: ${runs} fresh processes per specifier, round-robin`);
  return specifiers.map((specifier) => {
    const values = times.get(specifier) ?? [];
    return { specifier, median: median(values), p25: quantile(values, 0.25), p75: quantile(values, 0.75), runs: values.length };
  });
}

export function formatImport(rows: ImportRow[]): string {
  const lines = [
    table(
      ['await import(…) in a fresh process', 'median ms', 'p25–p75 ms', 'runs'],
      rows.map((r) => [
        r.specifier === FLOOR ? `${FLOOR} (floor: ESM loader start-up)` : r.specifier,
        r.median.toFixed(2),
        `${r.p25.toFixed(2)}–${r.p75.toFixed(2)}`,
        String(r.runs),
      ]),
    ),
  ];
  const root = rows.find((r) => r.specifier === 'tunekit');
  const floor = rows.find((r) => r.specifier === FLOOR);
  if (root)
    lines.push(
      `budget import('tunekit') ≤ ${IMPORT_BUDGET_MS} ms: ${root.median.toFixed(2)} ms → ${verdict(root.median <= IMPORT_BUDGET_MS)}`,
    );
  if (root && floor)
    lines.push(
      `(of which the empty-module floor is ${floor.median.toFixed(2)} ms; tunekit's own share ≈ ${(root.median - floor.median).toFixed(2)} ms)`,
    );
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  const rows = runImport();
  console.log(`\n${formatImport(rows)}`);
}
