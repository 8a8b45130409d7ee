/**
 * `npm run pack:check`: what `npm pack` would publish, compared with what the package must contain, exactly: the
 * build (every file of dist/, which `npm run build` made), package.json, README.md, LICENSE, CHANGELOG.md and the
 * third-party licence notices; every path package.json `exports` and `bin` name; nothing else (no tests, no .ts
 * sources, no docs sources, no .tmp). Fails with the unexpected and the missing paths.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from './lib/args.js';
import { isMain, runCli } from './lib/cli.js';
import { readManifest } from './lib/entries.js';
import { REPO_ROOT } from './lib/providers.js';

const USAGE = `usage: npm run pack:check

Runs npm pack --dry-run and fails unless the tarball holds exactly dist/ (build it first), package.json,
README.md, LICENSE, CHANGELOG.md and dist/THIRD-PARTY-LICENSES.md, naming every unexpected or missing path.`;

/** Files shipped besides the build. */
const DOCUMENTS = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/THIRD-PARTY-LICENSES.md'];
/** What a built file may be: JavaScript for Node, CommonJS or browsers, and its declarations. */
const BUILT = /^dist\/(src|cjs|browser|generated)\/.+\.(js|cjs|d\.ts|d\.cts)$/;

/** Every path package.json `exports` and `bin` point at. */
function declaredPaths(): string[] {
  const manifest = readManifest();
  const paths: string[] = [];
  const walk = (target: unknown): void => {
    if (typeof target === 'string') paths.push(target.replace(/^\.\//, ''));
    else if (target && typeof target === 'object') for (const value of Object.values(target)) walk(value);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  return paths;
}

/** The paths `npm pack` would put in the tarball, without running `prepare` (the build is checked as it is). */
function packedPaths(): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const [pack] = JSON.parse(output) as { files: { path: string }[] }[];
  if (!pack) throw new Error('npm pack --dry-run --json printed no package');
  return pack.files.map((file) => file.path);
}

async function main(argv: string[]): Promise<number> {
  parseArgs(argv, [], []);
  if (!existsSync(join(REPO_ROOT, 'dist'))) throw new Error('dist/ is missing: run npm run build first');
  const built = readdirSync(join(REPO_ROOT, 'dist'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) =>
      join(entry.parentPath, entry.name)
        .slice(REPO_ROOT.length + 1)
        .replace(/\\/g, '/'),
    );
  const expected = new Set([...DOCUMENTS, ...built]);
  const packed = new Set(packedPaths());
  const unexpected = [...packed]
    .filter((path) => !expected.has(path) || (path.startsWith('dist/') && !DOCUMENTS.includes(path) && !BUILT.test(path)))
    .sort();
  const missing = [...new Set([...expected, ...declaredPaths()])].filter((path) => !packed.has(path)).sort();
  for (const path of unexpected) process.stderr.write(`unexpected in the package: ${path}\n`);
  for (const path of missing) process.stderr.write(`missing from the package: ${path}\n`);
  if (unexpected.length || missing.length) {
    process.stderr.write(
      `\nThe package's contents changed: fix package.json "files" (or the build), or, if the change is meant, scripts/pack-check.ts.\n`,
    );
    return 1;
  }
  process.stdout.write(`package contents as expected: ${packed.size} files (dist/ and ${DOCUMENTS.length} documents)\n`);
  return 0;
}

if (isMain(import.meta.url)) runCli(main, USAGE);
