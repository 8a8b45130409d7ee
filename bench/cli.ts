/**
 * Cold start of the `tunekit` bin, side by side with `node -e 0` in one run: each round spawns every side once
 * (order rotated), after warm-up rounds; reported as medians, and medians of the per-round ratio to `node -e 0`.
 * Budget: `tunekit --help` under 150 ms on this machine. Builds dist/ into .tmp/bench-cli first (the real build).
 *
 * Every side runs with a bare environment (PATH, HOME) unless `--inherit-env`: a variable such as
 * NODE_EXTRA_CA_CERTS makes every Node start (`node -e 0` too) load a certificate bundle first, ~50 ms here.
 *
 *   npx tsx bench/cli.ts [--rounds N] [--inherit-env]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO_ROOT } from '../scripts/lib/providers.js';
import { isMain, median, quantile, table, verdict } from './stats.js';

const BUDGET_MS = 150;

interface Side {
  name: string;
  args: string[];
}

export function main(argv: string[]): void {
  const at = argv.indexOf('--rounds');
  const rounds = at >= 0 ? Number(argv[at + 1]) : 40;
  const out = join(REPO_ROOT, '.tmp', 'bench-cli');
  execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts/build.ts'), '--out', out], {
    cwd: REPO_ROOT,
    stdio: 'ignore',
  });
  const bin = join(out, 'src/cli/main.js');
  mkdirSync(join(out, 'data'), { recursive: true });
  const data = join(out, 'data', 'train.jsonl');
  writeFileSync(
    data,
    Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `q${i}` },
          { role: 'assistant', content: `a${i}` },
        ],
      }),
    ).join('\n'),
  );
  const sides: Side[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'tunekit --help', args: [bin, '--help'] },
    { name: 'tunekit --version', args: [bin, '--version'] },
    { name: 'tunekit jobs --help', args: [bin, 'jobs', '--help'] },
    { name: 'tunekit check (20 lines)', args: [bin, '--provider', 'together', 'check', data] },
  ];
  const env = argv.includes('--inherit-env') ? process.env : { PATH: process.env['PATH'] ?? '', HOME: out };
  const times = new Map<string, number[]>(sides.map((s) => [s.name, []]));
  const ratios = new Map<string, number[]>(sides.map((s) => [s.name, []]));
  const warmup = 3;
  for (let round = 0; round < warmup + rounds; round++) {
    const order = sides.map((_, i) => sides[(i + round) % sides.length] as Side);
    const took = new Map<string, number>();
    for (const side of order) {
      const start = performance.now();
      const result = spawnSync(process.execPath, side.args, { env, stdio: 'ignore' });
      const ms = performance.now() - start;
      if (result.status !== 0) throw new Error(`${side.name} exited ${result.status}`);
      took.set(side.name, ms);
    }
    if (round < warmup) continue;
    const base = took.get('node -e 0') ?? Number.NaN;
    for (const side of sides) {
      times.get(side.name)?.push(took.get(side.name) ?? Number.NaN);
      ratios.get(side.name)?.push((took.get(side.name) ?? Number.NaN) / base);
    }
  }
  const rows = sides.map((side) => {
    const ms = times.get(side.name) ?? [];
    return [side.name, median(ms).toFixed(1), quantile(ms, 0.9).toFixed(1), `${median(ratios.get(side.name) ?? []).toFixed(2)}×`];
  });
  process.stdout.write(`${table(['side', 'median ms', 'p90 ms', 'vs node -e 0'], rows)}\n\n`);
  const help = median(times.get('tunekit --help') ?? []);
  process.stdout.write(
    `tunekit --help cold start: ${help.toFixed(1)} ms median over ${rounds} rounds (budget ${BUDGET_MS} ms): ${verdict(help < BUDGET_MS)}\n`,
  );
}

if (isMain(import.meta.url)) main(process.argv.slice(2));
