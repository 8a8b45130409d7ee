import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/testing.js';
import { repoRoot } from '../support/prism.js';
import { chatLines, cleanEnv } from './support.js';

/** The `tunekit` bin as a user gets it: from the packed tarball, installed in a plain project, run through npx. */

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let project = '';

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'tunekit-cli-user-'));
  const packed = execFileSync(npm, ['pack', '--silent', '--pack-destination', project], { cwd: repoRoot, encoding: 'utf8' });
  const tarball = join(project, packed.trim().split('\n').pop() ?? '');
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'cli-user', private: true, type: 'module' }));
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: project, stdio: 'ignore' });
}, 180_000);
afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

const npx = (args: string[], env: Record<string, string> = {}) =>
  run('npx', ['--no-install', 'tunekit', ...args], { cwd: project, env: cleanEnv(env), encoding: 'utf8' }).catch((error: { code: number; stdout: string; stderr: string }) => error);

describe('the packed bin', () => {
  it('answers --version and --help, checks a dataset, and talks to a sandbox', async () => {
    const version = await npx(['--version']);
    expect(version.stdout).toBe(`${JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')).version}\n`);
    const help = await npx(['--help']);
    expect(help.stdout).toMatch(/^Usage: tunekit \[options\] \[command\]\n/);
    expect(help.stdout).toContain('Exit codes:\n  0    success\n');
    await writeFile(join(project, 'train.jsonl'), chatLines(12));
    const check = await npx(['--provider', 'openai', 'check', 'train.jsonl', '--model', 'gpt-4o-mini-2024-07-18']);
    expect(check.stdout).toMatch(/^train\.jsonl: OK for openai · chat format · 12 examples · 0 errors, 0 warnings\n/);
    expect(check.stdout).toContain('exact, o200k_base');
    await using sandbox = await startSandbox({ provider: 'nebius', clock: 'on-poll' });
    const uploaded = await npx(['--json', 'files', 'upload', 'train.jsonl'], { NEBIUS_API_KEY: 'packed-key', NEBIUS_BASE_URL: sandbox.url });
    expect(JSON.parse(uploaded.stdout)).toMatchObject({ provider: 'nebius', filename: 'train.jsonl' });
  });

  it('stays out of the library: no entry point loads commander, log-update, asciichart or any CLI module', async () => {
    const installed = join(project, 'node_modules', 'tunekit');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, { import?: { default: string } }> };
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = await readFile(file, 'utf8');
      for (const [, from, bare] of code.matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.[^"]+)"|^import\s*"(\.[^"]+)"/gm)) { const spec = from ?? bare; if (spec) await visit(resolve(dirname(file), spec)); }
    };
    for (const entry of Object.values(manifest.exports)) if (entry.import) await visit(join(installed, entry.import.default));
    expect(seen.size).toBeGreaterThan(5);
    for (const file of seen) {
      const code = await readFile(file, 'utf8');
      expect(code, file).not.toMatch(/node_modules\/(commander|log-update|asciichart|picocolors|string-width)\/|src\/cli\//);
    }
  });
});
