import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/prism.js';

/**
 * The public option types under `exactOptionalPropertyTypes` (issue 15 item 5): `test/types/exact-optional/usage.ts`
 * passes `undefined` where a user naturally does (`{ clock }`, `{ apiKey: process.env.X }`, `{ signal }` with a
 * maybe-signal) and is compiled with the flag on. Only its own errors count (tunekit's sources are not written for the flag).
 */
describe('exactOptionalPropertyTypes', () => {
  it('accepts undefined in every public option a user passes a maybe-value to', async () => {
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const output = await promisify(execFile)(
      process.execPath,
      [tsc, '-p', join(repoRoot, 'test/types/exact-optional/tsconfig.json'), '--pretty', 'false'],
      { cwd: repoRoot },
    ).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    // Its own errors, and any about the configuration (no input found would pass vacuously otherwise).
    const own = output.split('\n').filter((line) => line.includes('exact-optional/usage.ts') || line.startsWith('error TS'));
    expect(own).toEqual([]);
  }, 120_000);
});
