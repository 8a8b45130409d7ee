import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedTarball } from '../support/packed.js';
import { repoRoot } from '../support/prism.js';

/**
 * The packed package.json has no install script (issue 15 item 16): `prepare` builds a clone (`npm ci`,
 * `npm install git+…`) and is stripped from the tarball, so installing it runs nothing and npm 11 warns about nothing.
 */

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let project = '';
let tarball = '';
let cloneManifest = '';

beforeAll(async () => {
  // The run's one `npm pack` (test/package/pack.test.ts installs the same tarball).
  ({ tarball, cloneManifest } = await packedTarball());
  project = await mkdtemp(join(tmpdir(), 'tunekit-manifest-'));
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
}, 180_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('has no prepare (nor any other install script) in its package.json; the clone keeps its own', async () => {
    const packed = JSON.parse(execFileSync('tar', ['xzf', tarball, '-O', 'package/package.json'], { encoding: 'utf8' })) as {
      scripts: Record<string, string>;
    };
    for (const script of ['prepare', 'preinstall', 'install', 'postinstall']) expect(packed.scripts[script], script).toBeUndefined();
    // The clone's package.json is back as it was, byte for byte, and still builds on npm ci.
    const after = await readFile(join(repoRoot, 'package.json'), 'utf8');
    expect(after).toBe(cloneManifest);
    expect((JSON.parse(after) as { scripts: Record<string, string> }).scripts['prepare']).toBe('npm run build');
  });

  it('installs without a warning about install scripts', () => {
    const result = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel', 'warn', tarball], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    // npm writes its warnings on stderr.
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/install-scripts|prepare/);
  }, 120_000);
});

describe('the README walk-through', () => {
  it('leaves nothing untracked in the clone: train.jsonl and loss.html are git-ignored', () => {
    const ignored = execFileSync('git', ['check-ignore', 'train.jsonl', 'loss.html'], { cwd: repoRoot, encoding: 'utf8' });
    expect(ignored.split('\n').filter(Boolean)).toEqual(['train.jsonl', 'loss.html']);
  });
});
