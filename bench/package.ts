/**
 * The built package, laid out as a consumer installs it: `.tmp/bench-pkg/node_modules/tunekit/` holds
 * package.json and `dist/` built by the same `scripts/build.ts` as `npm run build`, only with
 * another out dir, so the bench never deletes or races the repository's own `dist/` (test/package packs it).
 * `.tmp/bench-pkg/` is the consumer: scripts run there resolve `tunekit`, `tunekit/nebius`, … through
 * the package's `exports`, and openapi-fetch / openai / together-ai from the repository's node_modules.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CONSUMER = join(ROOT, '.tmp', 'bench-pkg');
export const INSTALLED = join(CONSUMER, 'node_modules', 'tunekit');

let built = false;

/** Compile src/ + generated/ into the consumer's node_modules/tunekit (once per process). */
export function buildPackage(log: (line: string) => void = console.log): string {
  if (built) return INSTALLED;
  rmSync(INSTALLED, { recursive: true, force: true });
  mkdirSync(INSTALLED, { recursive: true });
  const began = performance.now();
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'build.ts'), '--out', join(INSTALLED, 'dist')], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  copyFileSync(join(ROOT, 'package.json'), join(INSTALLED, 'package.json'));
  writeFileSync(join(CONSUMER, 'package.json'), JSON.stringify({ name: 'bench-consumer', private: true, type: 'module' }, null, 2));
  if (!existsSync(join(INSTALLED, 'dist', 'src', 'index.js'))) throw new Error('build: dist/src/index.js was not emitted');
  log(`build: scripts/build.ts (as npm run build) → ${INSTALLED}/dist in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  built = true;
  return INSTALLED;
}

/** Which tunekit subpaths exist in the build (providers other helpers may still be writing). */
export function builtProviders(): string[] {
  return ['nebius', 'together', 'openai', 'azure'].filter((name) =>
    existsSync(join(INSTALLED, 'dist', 'src', 'providers', name, 'index.js')),
  );
}
