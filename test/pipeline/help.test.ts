import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const run = promisify(execFile);
const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
/** Scripts that run other tools with fixed arguments, whose --help is that tool's own. */
const delegated = new Set(['test', 'typecheck', 'lint', 'prepare']);
/** The test tiers, `vitest run --project <tier>`: vitest's own --help. */
const isTier = (name: string): boolean => name.startsWith('test:');

describe('every npm script answers --help with its usage, exit 0, and starts nothing', () => {
  it.each(Object.keys(manifest.scripts).filter((name) => !delegated.has(name) && !isTier(name)))('npm run %s -- --help', async (name) => {
    const { stdout, stderr } = await run('npm', ['run', '--silent', name, '--', '--help'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(stderr).toBe('');
    expect(stdout.trim().length).toBeGreaterThan(40);
    expect(stdout).toMatch(/^usage: /im);
    expect(stdout).not.toMatch(/^error:/m);
  });
});
