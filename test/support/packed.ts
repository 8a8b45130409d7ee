import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { repoRoot } from './prism.js';

export interface Packed {
  /** The tarball `npm pack` made of the clone (read-only: install it, never change it). */
  tarball: string;
  /** The clone's package.json just before `npm pack` (its prepack strips `prepare`, its postpack puts it back). */
  cloneManifest: string;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * `npm pack` of the clone, made once per test run and shared by the files that test the tarball. Two packs at once
 * in one clone race: each one's prepack rebuilds dist/ (deleting it first) and rewrites package.json while the other
 * lists the files, which shipped a tarball with no dist/ when two files overlapped. The first file to ask packs (it
 * holds a folder under the run's TMPDIR, which the global setup makes per run); the others wait for its result.
 */
export async function packedTarball(): Promise<Packed> {
  const dir = join(tmpdir(), 'tunekit-packed');
  const result = join(dir, 'result.json');
  try {
    await mkdir(dir);
  } catch {
    const until = Date.now() + 300_000;
    for (;;) {
      const text = await readFile(result, 'utf8').catch(() => '');
      if (text) {
        const outcome = JSON.parse(text) as Packed | { error: string };
        if ('error' in outcome) throw new Error(`npm pack failed in another test file: ${outcome.error}`);
        return outcome;
      }
      if (Date.now() > until) throw new Error(`no tarball in ${dir} after 5 minutes`);
      await sleep(100);
    }
  }
  try {
    const cloneManifest = await readFile(join(repoRoot, 'package.json'), 'utf8');
    const { stdout } = await promisify(execFile)(npm, ['pack', '--silent', '--pack-destination', dir], { cwd: repoRoot, encoding: 'utf8' });
    const packed: Packed = { tarball: join(dir, stdout.trim().split('\n').pop() ?? ''), cloneManifest };
    await writeFile(result, JSON.stringify(packed));
    return packed;
  } catch (error) {
    await writeFile(result, JSON.stringify({ error: String(error) }));
    throw error;
  }
}
