/**
 * The package's library entry points, read from package.json `exports` and nowhere else: each export's
 * `import.types` path `./dist/src/X.d.ts` is built from the source `src/X.ts`. The API reports, the reference and
 * the pack check all take their list from here, so moving a source file means editing package.json only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './providers.js';

export interface EntryPoint {
  /** What a user imports: `tunekit`, `tunekit/nebius`. */
  specifier: string;
  /** A file-name-safe form of the specifier: `tunekit`, `tunekit-nebius`. */
  slug: string;
  /** The built declaration file, relative to the repository: `dist/src/providers/nebius.d.ts`. */
  declaration: string;
  /** The source it is built from, relative to the repository: `src/providers/nebius.ts`. */
  source: string;
}

interface ConditionalExport {
  import?: { types?: string };
}

interface Manifest {
  name: string;
  exports: Record<string, string | ConditionalExport>;
  bin?: Record<string, string>;
}

/** package.json, as far as the entry points need it. */
export function readManifest(root = REPO_ROOT): Manifest {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
}

/** Every library entry point of package.json `exports` (not `./package.json`), in the order they are declared. */
export function entryPoints(manifest = readManifest()): EntryPoint[] {
  const entries: EntryPoint[] = [];
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string') continue;
    const types = target.import?.types;
    if (!types) throw new Error(`package.json exports["${subpath}"] has no import.types path`);
    const match = /^\.\/dist\/(src\/.+)\.d\.ts$/.exec(types);
    if (!match?.[1]) throw new Error(`package.json exports["${subpath}"].import.types = ${types} is not ./dist/src/….d.ts`);
    const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, '')}`;
    entries.push({ specifier, slug: specifier.replace(/\//g, '-'), declaration: types.replace(/^\.\//, ''), source: `${match[1]}.ts` });
  }
  return entries;
}

/** The sources of package.json `bin` (`./dist/src/cli/main.js` is built from `src/cli/main.ts`). */
export function binSources(manifest = readManifest()): string[] {
  return Object.entries(manifest.bin ?? {}).map(([name, target]) => {
    const match = /^\.\/dist\/(src\/.+)\.js$/.exec(target);
    if (!match?.[1]) throw new Error(`package.json bin["${name}"] = ${target} is not ./dist/src/….js`);
    return `${match[1]}.ts`;
  });
}
