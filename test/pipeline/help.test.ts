import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const run = promisify(execFile);
const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  scripts: Record<string, string>;
};
/** Scripts that run other tools with fixed arguments, whose --help is that tool's own. */
const delegated = new Set(['test', 'typecheck', 'lint', 'prepare']);
/** The test tiers, `vitest run --project <tier>`: vitest's own --help. */
const isTier = (name: string): boolean => name.startsWith('test:');

/**
 * `npm run <name> -- --help`, as npm runs it: the script's line from package.json with ` --help` appended, through
 * `sh -c` in the package's folder, `node_modules/.bin` first on PATH and npm's lifecycle variables set (the sandbox
 * and the CLI read `npm_command`). Not through npm itself: its own start (about 0.5 s of CPU per script, 25 scripts)
 * was most of this file's time, and what npm does here (append the arguments after `--`, set PATH) is npm's.
 */
function npmRun(name: string): Promise<{ stdout: string; stderr: string }> {
  const line = manifest.scripts[name] ?? '';
  return run('sh', ['-c', `${line} --help`], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      ...process.env,
      PATH: [join(REPO_ROOT, 'node_modules', '.bin'), process.env['PATH'] ?? ''].join(delimiter),
      INIT_CWD: REPO_ROOT,
      npm_command: 'run-script',
      npm_lifecycle_event: name,
      npm_lifecycle_script: line,
      npm_package_json: join(REPO_ROOT, 'package.json'),
      npm_package_name: manifest.name,
      npm_package_version: manifest.version,
      npm_node_execpath: process.execPath,
    },
  });
}

// Each case is a process of its own that reads and writes nothing: they run side by side.
describe.concurrent('every npm script answers --help with its usage, exit 0, and starts nothing', () => {
  it.each(Object.keys(manifest.scripts).filter((name) => !delegated.has(name) && !isTier(name)))('npm run %s -- --help', async (name) => {
    const { stdout, stderr } = await npmRun(name);
    expect(stderr).toBe('');
    expect(stdout.trim().length).toBeGreaterThan(40);
    expect(stdout).toMatch(/^usage: /im);
    expect(stdout).not.toMatch(/^error:/m);
  });
});
