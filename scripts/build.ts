/**
 * `npm run build` → dist/: one ESM file per entry point (shared core, and openapi-fetch's small runtime, in
 * chunks) so an import loads a few files, not a module per source file or package; `.d.ts` from tsc beside
 * them (they still import openapi-fetch's types, so it stays a dependency). `--out DIR` builds elsewhere (bench).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist' } } });
const outdir = resolve(root, values.out);

rmSync(outdir, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', outdir], { cwd: root, stdio: 'inherit' });
await build({
  absWorkingDir: root,
  entryPoints: ['src/index.ts', 'src/providers/nebius.ts', 'src/providers/together.ts', 'src/providers/openai.ts'],
  outdir,
  outbase: '.',
  chunkNames: 'src/chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'bundle',
  logLevel: 'warning',
});
copyFileSync(resolve(root, 'node_modules/openapi-fetch/LICENSE'), resolve(outdir, 'openapi-fetch.LICENSE'));
process.stdout.write(`built ${outdir}\n`);
