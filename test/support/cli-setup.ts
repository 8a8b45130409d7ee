import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { repoRoot } from './prism.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The `tunekit` bin, bundled from src/ once per run for every tier that runs it. */
    cliBin: string;
  }
}

/** One bundle per run however many tiers use this setup (they share the main process). */
interface Shared {
  users: number;
  built: Promise<{ dir: string; bin: string }>;
}
const shared = globalThis as { tunekitCli?: Shared };

/**
 * Bundles `src/cli/main.ts` the way `npm run build` bundles bins (esbuild, Node ESM, code splitting, packages bundled
 * but gpt-tokenizer), the dataset checker beside it where `check: true` loads it by a computed path. Once per run,
 * not once per test file; the folder goes when the last tier using it ends.
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.tunekitCli ??= { users: 0, built: bundle() };
  const state = shared.tunekitCli;
  state.users++;
  project.provide('cliBin', (await state.built).bin);
  return async () => {
    if (--state.users > 0) return;
    shared.tunekitCli = undefined;
    await rm((await state.built).dir, { recursive: true, force: true });
  };
}
