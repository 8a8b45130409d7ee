/**
 * `npm pack` / `npm publish` without install scripts in the packed package.json: `prepack` builds dist/ and then
 * removes `prepare` (which builds a clone on `npm ci` and on `npm install git+…`), so installing the tarball runs no
 * script and npm 11 does not warn about one; `postpack` puts the clone's package.json back, byte for byte.
 *
 *   node --import tsx scripts/pack-manifest.ts strip     (prepack: builds, then strips)
 *   node --import tsx scripts/pack-manifest.ts restore   (postpack)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = join(root, 'package.json');
const kept = join(root, '.package.json.prepack');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const USAGE = `usage: tsx scripts/pack-manifest.ts strip|restore

strip     (npm's prepack) build dist/, then remove "prepare" from package.json, keeping the original aside
restore   (npm's postpack) put the original package.json back
`;

const mode = process.argv[2];
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(USAGE);
} else if (mode === 'strip') {
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  // A pack that failed before postpack left the original aside: start from it, never from a stripped copy.
  const text = existsSync(kept) ? readFileSync(kept, 'utf8') : readFileSync(manifest, 'utf8');
  writeFileSync(kept, text);
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed) || !isRecord(parsed['scripts'])) throw new Error('package.json has no scripts');
  const { prepare: _prepare, ...scripts } = parsed['scripts'];
  // Written aside, then renamed over: a test or tool reading package.json meanwhile never sees it half-written.
  const stripped = `${manifest}.stripped`;
  writeFileSync(stripped, `${JSON.stringify({ ...parsed, scripts }, null, 2)}\n`);
  renameSync(stripped, manifest);
} else if (mode === 'restore') {
  if (existsSync(kept)) renameSync(kept, manifest);
} else {
  process.stderr.write(USAGE);
  process.exit(2);
}
