import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { repoRoot } from './prism.js';
import { sharedSetup } from './shared-setup.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The `tunekit` bin, bundled from src/ once per run for every tier that runs it. */
    cliBin: string;
  }
}

/**
 * Bundles `src/cli/main.ts` the way `npm run build` bundles bins (esbuild, Node ESM, code splitting, packages bundled
 * but gpt-tokenizer), the dataset checker beside it where `check: true` loads it by a computed path.
 */
async function bundle(): Promise<{ dir: string; bin: string }> {
  await mkdir(join(repoRoot, '.tmp'), { recursive: true });
  const dir = await mkdtemp(join(repoRoot, '.tmp', 'cli-test-'));
  await build({
    absWorkingDir: repoRoot,
    entryPoints: ['src/cli/main.ts', 'src/dataset/index.ts'],
    outdir: dir,
    outbase: '.',
    chunkNames: 'src/chunks/[name]-[hash]',
    bundle: true,
    packages: 'bundle',
    external: ['gpt-tokenizer', 'gpt-tokenizer/*'],
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  return { dir, bin: join(dir, 'src', 'cli', 'main.js') };
}

/** One bundle per run however many tiers use it; its folder goes when the last of them ends. */
const cli = sharedSetup('cli', bundle, ({ dir }) => rm(dir, { recursive: true, force: true }));

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('cliBin', (await cli.use()).bin);
  return () => cli.done();
}
