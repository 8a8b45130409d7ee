import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/prism.js';
import { json, startLocalServer, type LocalServer } from '../support/local-server.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let project = '';
let server: LocalServer;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'tunekit-user-'));
  const packed = execFileSync(npm, ['pack', '--silent', '--pack-destination', project], { cwd: repoRoot, encoding: 'utf8' });
  const tarball = packed.trim().split('\n').pop() ?? '';
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', join(project, tarball)], { cwd: project, stdio: 'ignore' });
  server = await startLocalServer((_req, res) =>
    json(res, 200, { id: 'ftjob-9', object: 'fine_tuning.job', created_at: 1, model: 'm', status: 'queued', training_file: 'f' }),
  );
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the npm tarball', () => {
  it('ships compiled JavaScript and .d.ts only, no TypeScript sources or pulled documents', async () => {
    const installed = join(project, 'node_modules/tunekit');
    const files = await readdir(installed, { recursive: true });
    expect(files).toContain(join('dist', 'src', 'index.js'));
    expect(files).toContain(join('dist', 'src', 'index.d.ts'));
    expect(files).toContain(join('dist', 'src', 'providers', 'nebius.js'));
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.some((f) => f.startsWith('openapi'))).toBe(false);
  });

  it('is imported and used by a plain Node project, from `tunekit` and `tunekit/nebius`', async () => {
    const program = `
      import { createNebiusClient as fromRoot, NotFoundError } from 'tunekit';
      import { createNebiusClient } from 'tunekit/nebius';
      const job = await createNebiusClient({ apiKey: 'k', baseUrl: process.argv[2] }).jobs.retrieve('ftjob-9');
      console.log(JSON.stringify({ id: job.id, same: fromRoot === createNebiusClient, errors: typeof NotFoundError }));
    `;
    await writeFile(join(project, 'main.mjs'), program);
    // async: the local server answering it lives in this process
    const { stdout: out } = await promisify(execFile)(process.execPath, ['main.mjs', server.url], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ id: 'ftjob-9', same: true, errors: 'function' });
  });
});
