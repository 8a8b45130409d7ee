/** Loaded into a process by `--import` (bench/upload.ts, for the CLI): writes its peak RSS to the file named by TUNEKIT_BENCH_PEAK on exit. */
import { writeFileSync } from 'node:fs';

const out = process.env['TUNEKIT_BENCH_PEAK'];
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS * 1024)));
