import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './providers.js';

/**
 * When `npm run build` may skip: the last build into the same folder was made from exactly these inputs, and its
 * output is still there as it left it. `npm pack` builds (prepack) right after `npm ci` built (prepare), and the
 * tests pack: without this, each of those builds again from the same files.
 */

/** What the build reads: the sources, the build script and its helpers, the manifests and compiler settings. */
const INPUT_FOLDERS = ['src', 'generated', 'scripts/lib'];
const INPUT_FILES = ['scripts/build.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

interface Stamp {
  inputs: string;
  outputs: string;
}

/** The files below `folder`, relative to it, sorted; none if it does not exist. */
function filesUnder(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
      .sort();
  } catch {
    return [];
  }
}

function inputsDigest(): string {
  const hash = createHash('sha256');
  const files = [
    ...INPUT_FOLDERS.flatMap((folder) => filesUnder(join(REPO_ROOT, folder)).map((name) => join(folder, name))),
    ...INPUT_FILES,
  ];
  for (const file of files) {
    hash.update(`${file}\0`);
    try {
      hash.update(readFileSync(join(REPO_ROOT, file)));
    } catch {
      hash.update('(missing)');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * Every output file's path, size and modification time: what a later edit or deletion in the output folder changes.
 * An empty or missing folder digests to what no build stamps.
 */
function outputsDigest(outdir: string): string {
  const hash = createHash('sha256');
  for (const name of filesUnder(outdir)) {
    const { size, mtimeMs } = statSync(join(outdir, name));
    hash.update(`${name}\0${size}\0${mtimeMs}\0`);
  }
  return hash.digest('hex');
}

const stampPath = (outdir: string): string =>
  join(
    REPO_ROOT,
    'node_modules',
    '.cache',
    'tunekit',
    `build-${createHash('sha256').update(relative(REPO_ROOT, outdir)).digest('hex').slice(0, 16)}.json`,
  );

function readStamp(outdir: string): Stamp | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(stampPath(outdir), 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'inputs' in parsed && 'outputs' in parsed) {
      const { inputs, outputs } = parsed;
      if (typeof inputs === 'string' && typeof outputs === 'string') return { inputs, outputs };
    }
  } catch {
    // No stamp (a fresh clone, another folder) or an unreadable one: build.
  }
  return undefined;
}

/** Whether `outdir` holds the build of the current inputs; returns the inputs' digest to stamp after a build. */
export function upToDate(outdir: string): { fresh: boolean; inputs: string } {
  const inputs = inputsDigest();
  const stamp = readStamp(outdir);
  const fresh = stamp?.inputs === inputs && stamp.outputs === outputsDigest(outdir);
  return { fresh, inputs };
}

/** Records that `outdir` now holds the build of the inputs `upToDate` digested. */
export function stamp(outdir: string, inputs: string): void {
  const path = stampPath(outdir);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify({ inputs, outputs: outputsDigest(outdir) } satisfies Stamp));
}
