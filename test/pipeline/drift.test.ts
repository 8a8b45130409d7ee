import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runScript, SHARED_SPEC_DIR, withTempDir } from './helpers.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonMap = { [key: string]: Json };

const COMMITTED_LOCK = path.join(REPO_ROOT, 'openapi', 'nebius.lock.json');
const PAUSE_PATH = '/v1/fine_tuning/jobs/{job_id}/pause';

function map(value: Json | undefined): JsonMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected an object');
  return value;
}

function list(value: Json | undefined): Json[] {
  if (!Array.isArray(value)) throw new Error('expected a list');
  return value;
}

async function readJson(file: string): Promise<JsonMap> {
  return map(JSON.parse(await readFile(file, 'utf8')) as Json);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function modifiedNebius(): Promise<string> {
  const doc = await readJson(path.join(SHARED_SPEC_DIR, 'nebius.json'));
  const job = map(map(map(doc['components'])['schemas'])['FineTuningJob']);
  const properties = map(job['properties']);
  list(map(properties['status'])['enum']).push('paused');
  delete properties['trained_tokens'];
  const required = list(job['required']).filter((name) => name !== 'training_file');
  job['required'] = [...required, 'finished_at'];
  const paths = map(doc['paths']);
  const cancel = map(paths['/v1/fine_tuning/jobs/{job_id}/cancel']);
  paths[PAUSE_PATH] = { post: { ...map(cancel['post']), operationId: 'pause_fine_tuning_job' } };
  return JSON.stringify(doc, null, 2);
}

async function setUp(dir: string): Promise<{ mirror: string; out: string; text: string; lockText: string }> {
  const mirror = path.join(dir, 'mirror');
  const out = path.join(dir, 'out');
  await mkdir(mirror);
  await mkdir(out);
  const text = await modifiedNebius();
  await writeFile(path.join(mirror, 'nebius.json'), text);
  await copyFile(COMMITTED_LOCK, path.join(out, 'nebius.lock.json'));
  return { mirror, out, text, lockText: await readFile(COMMITTED_LOCK, 'utf8') };
}

describe('pull: drift against the committed lock', () => {
  it('reports the exact surface drift, writes nothing and exits 1 without --update', async () => {
    await withTempDir(async (dir) => {
      const { mirror, out, text, lockText } = await setUp(dir);
      const lock = await readJson(COMMITTED_LOCK);
      const oldSha = String(lock['sha256']);
      const version = String(lock['infoVersion']);

      const result = await runScript('pull', ['--provider', 'nebius', '--mirror', mirror, '--out', out]);

      expect(result.code).toBe(1);
      expect(result.stdout).toBe(
        [
          'nebius: upstream document changed',
          `  sha256 ${oldSha.slice(0, 12)} -> ${sha256(text).slice(0, 12)}, info.version ${version} (unchanged)`,
          '  operations added:',
          `    + POST ${PAUSE_PATH}`,
          '  properties removed:',
          '    - FineTuningJob.trained_tokens',
          '  enum values added:',
          '    + FineTuningJob.status: "paused"',
          '  required changed:',
          '    + FineTuningJob.finished_at (now required)',
          '    - FineTuningJob.training_file (no longer required)',
          '',
        ].join('\n'),
      );
      expect(result.stderr).toContain('run `npm run pull -- --update` to accept');
      expect(await readdir(out)).toEqual(['nebius.lock.json']);
      expect(await readFile(path.join(out, 'nebius.lock.json'), 'utf8')).toBe(lockText);
    });
  });

  it('accepts the drift with --update: new lock and trimmed document', async () => {
    await withTempDir(async (dir) => {
      const { mirror, out, text, lockText } = await setUp(dir);

      const result = await runScript('pull', ['--provider', 'nebius', '--mirror', mirror, '--out', out, '--update']);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain('+ FineTuningJob.status: "paused"');
      expect(result.stdout).toContain(`nebius: lock updated to ${sha256(text).slice(0, 12)}`);
      const lockAfter = await readFile(path.join(out, 'nebius.lock.json'), 'utf8');
      expect(lockAfter).not.toBe(lockText);
      const lock = map(JSON.parse(lockAfter) as Json);
      expect(lock['sha256']).toBe(sha256(text));
      const surface = map(lock['surface']);
      expect(list(surface['operations'])).toContain(`POST ${PAUSE_PATH}`);
      const job = map(map(surface['schemas'])['FineTuningJob']);
      expect(list(job['properties'])).not.toContain('trained_tokens');
      expect(list(job['required'])).toContain('finished_at');
      expect(list(map(job['propertyEnums'])['status'])).toContain('paused');
      const trimmed = await readJson(path.join(out, 'nebius.json'));
      expect(Object.keys(map(trimmed['paths']))).toContain(PAUSE_PATH);

      const again = await runScript('pull', ['--provider', 'nebius', '--mirror', mirror, '--out', out]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^nebius: unchanged [0-9a-f]{12} \(19 operations/);
    });
  });
});

describe('pull: unchanged and unreachable sources', () => {
  it('leaves a matching lock untouched and prints one line', async () => {
    await withTempDir(async (out) => {
      await copyFile(COMMITTED_LOCK, path.join(out, 'nebius.lock.json'));
      const before = await readFile(path.join(out, 'nebius.lock.json'), 'utf8');

      const result = await runScript('pull', ['--provider', 'nebius', '--mirror', SHARED_SPEC_DIR, '--out', out]);

      expect(result.code).toBe(0);
      expect(result.stdout.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toMatch(/^nebius: unchanged [0-9a-f]{12} \(18 operations/);
      expect(await readFile(path.join(out, 'nebius.lock.json'), 'utf8')).toBe(before);
      const trimmed = await readJson(path.join(out, 'nebius.json'));
      expect(Object.keys(map(trimmed['paths']))).toHaveLength(12);
    });
  });

  it('creates a lock when there is none', async () => {
    await withTempDir(async (out) => {
      const result = await runScript('pull', ['--provider', 'nebius', '--mirror', SHARED_SPEC_DIR, '--out', out]);

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^nebius: locked [0-9a-f]{12} \(18 operations/);
      const lock = await readJson(path.join(out, 'nebius.lock.json'));
      const committed = await readJson(COMMITTED_LOCK);
      expect(lock['sha256']).toBe(committed['sha256']);
      expect(lock['surface']).toEqual(committed['surface']);
      expect(Number.isNaN(Date.parse(String(lock['pulledAt'])))).toBe(false);
    });
  });

  it('names the provider and the fix in one line when the mirror file is missing', async () => {
    await withTempDir(async (dir) => {
      const result = await runScript('pull', ['--provider', 'together', '--mirror', dir, '--out', dir]);

      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: together: cannot read mirror file .*together\.yaml/);
      expect(lines[0]).toContain('TUNEKIT_SPEC_MIRROR');
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('rejects an unknown provider with usage help', async () => {
    const result = await runScript('pull', ['--provider', 'anthropic']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown provider "anthropic"');
    expect(result.stderr).toContain('usage: npm run pull');
  });
});

describe('pull: a surface changed in source.json with the same upstream bytes', () => {
  it('reports the operations the new surface adds and asks for --update, instead of saying "unchanged"', async () => {
    await withTempDir(async (out) => {
      // A lock written before /v0/models joined the surface: same sha256, a smaller surface.
      const lock = await readJson(COMMITTED_LOCK);
      const surface = map(lock['surface']);
      surface['operations'] = list(surface['operations']).filter((operation) => !String(operation).includes('/v0/models'));
      await writeFile(path.join(out, 'nebius.lock.json'), JSON.stringify(lock, null, 2));

      const result = await runScript('pull', ['--provider', 'nebius', '--mirror', SHARED_SPEC_DIR, '--out', out]);

      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        'nebius: trimmed surface changed, upstream document unchanged (openapi/nebius.source.json or the normalization changed)',
      );
      expect(result.stdout).toContain('    + POST /v0/models\n');
      expect(result.stderr).toContain('--update');
    });
  });
});
