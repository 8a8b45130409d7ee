/** Small statistics and formatting helpers shared by the benchmarks. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** Quantile by linear interpolation between closest ranks (q in 0..1). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] ?? Number.NaN;
  const b = sorted[high] ?? Number.NaN;
  return a + (b - a) * (position - low);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** A text table with right-aligned numeric columns. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Whether a script file is the one Node was started with (each bench runs alone or from run.ts). */
export function isMain(metaUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const here = new URL(metaUrl).pathname;
  const main = here === entry || here.replace(/\.ts$/, '') === entry.replace(/\.ts$/, '');
  if (main && (process.argv.includes('--help') || process.argv.includes('-h'))) {
    // A bench's usage is the comment that opens its file.
    const head = /^\/\*\*([\s\S]*?)\*\//.exec(readFileSync(here, 'utf8'))?.[1] ?? '';
    process.stdout.write(
      `usage: npx tsx ${relative(process.cwd(), here)}\n\n${head
        .split('\n')
        .map((line) => line.replace(/^\s*\* ?/, ''))
        .join('\n')
        .trim()}\n`,
    );
    process.exit(0);
  }
  return main;
}

export function verdict(ok: boolean): string {
  return ok ? 'MET' : 'MISSED';
}
