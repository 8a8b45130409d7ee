/**
 * `npm run bench:dataset`: tunekit's checkDataset against together-ai's own checkFile on the same 300 MB
 * chat-format file (generated in a temp dir), side by side in one run: each side runs in a fresh child process
 * (so RSS growth is its own), sides alternate, one warm-up pair first (page cache, disk), then the median of the
 * pairwise time ratios. Also: throughput with exact token counting (OpenAI, o200k_base), and RSS growth on 1 GB.
 *
 *   npm run bench:dataset -- [--mb 300] [--rounds 5] [--gb 1]   (--gb 0 skips the 1 GB run)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkDataset } from '../src/dataset/index.js';
import { writeChatFile } from '../test/support/jsonl.js';
import { isMain, median, quantile, table, verdict } from './stats.js';

type Side = 'tunekit' | 'together-ai checkFile' | 'tunekit, exact tokens';

interface Run {
  side: Side;
  ms: number;
  rssGrowthMb: number;
  ok: boolean;
}

/** Runs one side in this process (the child) and prints its measurements as JSON. */
async function child(side: Side, file: string): Promise<void> {
  const before = process.memoryUsage().rss;
  const maxBefore = process.resourceUsage().maxRSS;
  let peak = before;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = performance.now();
  let ok: boolean;
  if (side === 'together-ai checkFile') {
    // The ESM build fails to load (`resolve is not a function`); the CommonJS one works.
    const require = createRequire(import.meta.url);
    const { checkFile } = require('together-ai/lib/check-file') as { checkFile: (file: string) => Promise<{ is_check_passed: boolean }> };
    ok = (await checkFile(file)).is_check_passed;
  } else {
    const exact = side === 'tunekit, exact tokens';
    const report = await checkDataset(file, exact ? { provider: 'openai', model: 'gpt-4o-mini-2024-07-18' } : { provider: 'together' });
    ok = report.ok;
  }
  const ms = performance.now() - started;
  clearInterval(sample);
  // The process's high-water mark counts only if the run raised it (else it is from loading the modules).
  const maxAfter = process.resourceUsage().maxRSS;
  peak = Math.max(peak, process.memoryUsage().rss, maxAfter > maxBefore ? maxAfter * 1024 : 0);
  console.log(JSON.stringify({ side, ms, rssGrowthMb: (peak - before) / 2 ** 20, ok } satisfies Run));
}

function spawn(side: Side, file: string): Run {
  const out = execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--child', side, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const last = out.trim().split('\n').pop() ?? '';
  const run = JSON.parse(last) as Run;
  if (!run.ok) throw new Error(`${side} rejected the generated file`);
  return run;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mb: { type: 'string', default: '300' },
      rounds: { type: 'string', default: '5' },
      gb: { type: 'string', default: '1' },
      child: { type: 'string' },
    },
    allowPositionals: true,
    strict: false,
  });
  if (typeof values.child === 'string') return child(values.child as Side, process.argv[process.argv.length - 1] ?? '');
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-bench-dataset-'));
  try {
    const file = join(dir, 'train.jsonl');
    const lines = await writeChatFile(file, Number(values.mb) * 1e6);
    const mb = statSync(file).size / 1e6;
    console.log(`node ${process.version}; ${mb.toFixed(0)} MB chat file, ${lines.toLocaleString('en-US')} lines`);
    // Sanity: both sides accept the file.
    const sanity = await checkDataset(file, { provider: 'together' });
    if (!sanity.ok) throw new Error(`tunekit rejects the bench file: ${sanity.errors[0]?.message}`);

    const rounds = Number(values.rounds);
    spawn('tunekit', file);
    spawn('together-ai checkFile', file);
    const runs: Run[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const order: Side[] = round % 2 ? ['together-ai checkFile', 'tunekit'] : ['tunekit', 'together-ai checkFile'];
      const pair = order.map((side) => spawn(side, file));
      runs.push(...pair);
      const t = pair.find((r) => r.side === 'tunekit') as Run;
      const s = pair.find((r) => r.side !== 'tunekit') as Run;
      ratios.push(t.ms / s.ms);
      process.stdout.write(`round ${round + 1}: tunekit ${t.ms.toFixed(0)} ms, checkFile ${s.ms.toFixed(0)} ms\n`);
    }
    const exact = [spawn('tunekit, exact tokens', file), spawn('tunekit, exact tokens', file)];
    runs.push(...exact);
    const rows = (['tunekit', 'together-ai checkFile', 'tunekit, exact tokens'] as Side[]).map((side) => {
      const mine = runs.filter((r) => r.side === side);
      const ms = median(mine.map((r) => r.ms));
      return [side, String(mine.length), ms.toFixed(0), (mb / (ms / 1000)).toFixed(0), median(mine.map((r) => r.rssGrowthMb)).toFixed(0)];
    });
    console.log(`\n${table(['side', 'runs', 'median ms', 'MB/s', 'RSS growth MB'], rows)}`);
    const ratio = median(ratios);
    console.log(
      `\ntunekit / checkFile time: median ${ratio.toFixed(3)} (p25 ${quantile(ratios, 0.25).toFixed(3)}, p75 ${quantile(ratios, 0.75).toFixed(3)}) over ${rounds} alternating pairs → faster: ${verdict(ratio < 1)}`,
    );

    const gb = Number(values.gb);
    if (gb > 0) {
      const big = join(dir, 'big.jsonl');
      await writeChatFile(big, gb * 2 ** 30);
      rmSync(file);
      const run = spawn('tunekit', big);
      const size = statSync(big).size / 1e6;
      console.log(
        `\n${(size / 1000).toFixed(2)} GB: ${run.ms.toFixed(0)} ms (${(size / (run.ms / 1000)).toFixed(0)} MB/s), RSS growth ${run.rssGrowthMb.toFixed(1)} MB; budget < 64 MB → ${verdict(run.rssGrowthMb < 64)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await main();
