import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { writeChatFile } from '../support/jsonl.js';

const run = promisify(execFile);

it('checks a 1 GiB file in flat memory: RSS grows less than 64 MB (measured in a child process)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tunekit-dataset-1g-'));
  try {
    const file = join(dir, 'train.jsonl');
    const lines = await writeChatFile(file, 2 ** 30);
    expect((await stat(file)).size).toBeGreaterThanOrEqual(2 ** 30);
    const child = fileURLToPath(new URL('./fixtures/memory-child.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child, file], { maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as {
      ok: boolean;
      errors: number;
      examples: number;
      duplicates: { examples: number; complete: boolean };
      rssGrowth: number;
    };
    expect(result.errors).toBe(0);
    expect(result.ok).toBe(true);
    expect(result.examples).toBe(lines);
    // Every line is distinct, and all of them were remembered: the duplicate table is part of the budget.
    expect(result.duplicates).toMatchObject({ examples: 0, complete: true });
    expect(result.rssGrowth).toBeLessThan(64 * 2 ** 20);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 300_000); // writing and reading 1 GiB on a loaded 2-core machine: minutes, not seconds (the bound is on memory)
