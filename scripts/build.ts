/**
 * `npm run build` → dist/, three builds of every entry point (see ENTRIES):
 * - `dist/src/` ESM for Node: one file per entry point, the shared core (and openapi-fetch's small runtime) in
 *   chunks, so an import loads a few files; `.d.ts` from tsc beside them.
 * - `dist/cjs/` CommonJS for `require()`: one `.cjs` module per source file (never a bundle per entry point, so
 *   `require('tunekit')` and `require('tunekit/nebius')` share one core and `instanceof` holds between them), with
 *   `.d.cts` types mirrored from the `.d.ts` ones.
 * - `dist/browser/` ESM for browsers and edge runtimes (the `browser` export condition): as the Node ESM build, with
 *   `src/platform/files.ts` and `http.ts` (the only `node:fs` and `node:http` users) swapped for their `.browser.ts` twins.
 * Bins (the CLI, the sandbox) are Node ESM only. `--out DIR` builds elsewhere (bench).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { parseArgs } from './lib/args.js';
import { stamp, upToDate } from './lib/build-stamp.js';
import { isMain, runCli } from './lib/cli.js';
import { REPO_ROOT } from './lib/providers.js';
import { providerEntry, registeredProviders } from './lib/registry.js';

const USAGE = `usage: npm run build -- [--out DIR] [--force]

Builds dist/ (ESM for Node, CommonJS, ESM for browsers, .d.ts/.d.cts types) from src/ and generated/. Skips the
work when the folder already holds the build of the same inputs (sources, scripts, manifests, tsconfig) untouched.
  --out DIR   build into DIR instead of dist/ (the benchmarks use this)
  --force     build even if nothing changed`;

/**
 * What the package publishes. Each group is bundled on its own (its shared code in chunks of its own), so a client
 * entry point loads a few files, not fragments cut to fit the tools' needs too. The copies this makes of the core in
 * the tools and bins are harmless: tunekit's errors are `instanceof` across copies (src/core/errors.ts).
 */
const ENTRIES = {
  /** The client library, `tunekit` and each registered provider's `tunekit/<name>` (added in main): all three builds. */
  clients: ['src/index.ts'],
  /** The dataset checker: all three builds. */
  dataset: ['src/dataset/index.ts'],
  /** Node-only library entry points (they need a file system or a server): ESM and CommonJS. */
  nodeLibrary: ['src/testing.ts'],
  /** Bins: Node ESM only. */
  bins: ['src/sandbox/cli.ts', 'src/cli/main.ts'],
};

const existing = (files: string[]): string[] =>
  files.filter((file) => {
    try {
      readFileSync(resolve(REPO_ROOT, file));
      return true;
    } catch {
      return false;
    }
  });

/** Browser build: the platform modules (`files`, `http`) without `node:` imports. */
const browserPlatform: Plugin = {
  name: 'tunekit-browser-platform',
  setup(context) {
    context.onResolve({ filter: /platform\/(files|http)\.js$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.replace(/\.js$/, '.browser.ts')),
    }));
  },
};

/** CommonJS build: every relative import of another source file stays a `require` of its `.cjs` twin. */
const perFileCommonJs: Plugin = {
  name: 'tunekit-cjs-per-file',
  setup(context) {
    context.onResolve({ filter: /^\.\.?\// }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: args.path.replace(/\.js$/, '.cjs'), external: true },
    );
  },
};

/** Every `.ts` source the CommonJS build turns into a `.cjs` module. */
function sources(dir: string): string[] {
  return readdirSync(resolve(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.browser.ts'))
    .map((file) => join(dir, file));
}

/** `.d.ts` → `.d.cts` beside the CommonJS files, with relative `.js` specifiers as `.cjs`. */
function mirrorTypes(outdir: string): void {
  for (const file of readdirSync(outdir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.d.ts') || file.startsWith('cjs') || file.startsWith('browser')) continue;
    const text = readFileSync(join(outdir, file), 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.js\2/g, '$1$2$3.cjs$2');
    const target = join(outdir, 'cjs', file.replace(/\.d\.ts$/, '.d.cts'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}

/** The licence of every package bundled into dist/ (openapi-fetch in the library; the CLI's packages in the bin). */
function thirdPartyLicenses(packages: string[]): string {
  const sections = packages.map((name) => {
    const dir = resolve(REPO_ROOT, 'node_modules', name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string; license?: string };
    const file = readdirSync(dir).find((entry) => /^licen[cs]e/i.test(entry));
    const text = file
      ? readFileSync(join(dir, file), 'utf8').trim()
      : `(${manifest.license ?? 'no licence'} per its package.json; no licence file)`;
    return `## ${name}@${manifest.version ?? '?'} (${manifest.license ?? '?'})\n\n${text}\n`;
  });
  return `# Third-party licences\n\nCode of these packages is bundled into this package's dist/.\n\n${sections.join('\n')}`;
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['--out'], ['--force']);
  const outdir = resolve(REPO_ROOT, args.values.get('--out') ?? 'dist');
  const { fresh, inputs } = upToDate(outdir);
  if (fresh && !args.flags.has('--force')) {
    process.stdout.write(
      `${relative(process.cwd(), outdir) || outdir} is up to date (no input changed since it was built; --force builds anyway)\n`,
    );
    return;
  }
  rmSync(outdir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', outdir], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  const clients = existing([...ENTRIES.clients, ...(await registeredProviders()).map(providerEntry)]);
  const dataset = existing(ENTRIES.dataset);
  const nodeLibrary = existing(ENTRIES.nodeLibrary);
  const bins = existing(ENTRIES.bins);
  // Runtime dependencies stay packages, except openapi-fetch's tiny runtime, which is bundled (it is on every call).
  // gpt-tokenizer (large token tables) is imported by the dataset checker only when exact counts are asked for,
  // hyparquet only when a Parquet file is checked: both stay packages (dependencies), imported at run time (their
  // files import each other by relative paths, which the per-file CommonJS build cannot bundle).
  const common = {
    absWorkingDir: REPO_ROOT,
    bundle: true,
    packages: 'bundle' as const,
    external: ['gpt-tokenizer', 'gpt-tokenizer/*', 'hyparquet'],
    logLevel: 'warning' as const,
    metafile: true,
  };
  const bundled = new Set<string>();
  const note = (result: { metafile?: { inputs: Record<string, unknown> } }): void => {
    for (const input of Object.keys(result.metafile?.inputs ?? {})) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match?.[1]) bundled.add(match[1]);
    }
  };
  /** One group of ESM entry points, bundled together (code they share in chunks). */
  const esm = async (entryPoints: string[], platform: 'node' | 'browser'): Promise<void> => {
    if (!entryPoints.length) return;
    note(
      await build({
        ...common,
        entryPoints,
        outdir: platform === 'node' ? outdir : join(outdir, 'browser'),
        outbase: '.',
        chunkNames: 'src/chunks/[name]-[hash]',
        splitting: true,
        format: 'esm',
        platform,
        target: platform === 'node' ? 'node20' : 'es2022',
        plugins: platform === 'browser' ? [browserPlatform] : [],
      }),
    );
  };
  for (const group of [clients, [...dataset, ...nodeLibrary], bins]) await esm(group, 'node');
  for (const group of [clients, dataset]) await esm(group, 'browser');
  note(
    await build({
      ...common,
      entryPoints: [...sources('src'), ...sources('generated')].filter((file) => !bins.includes(file)),
      outdir: join(outdir, 'cjs'),
      outbase: '.',
      outExtension: { '.js': '.cjs' },
      // CommonJS has no import.meta: the one reader of it (src/platform/files.ts) takes __filename there.
      define: { 'import.meta.url': 'undefined' },
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      plugins: [perFileCommonJs],
    }),
  );
  mirrorTypes(outdir);
  writeFileSync(join(outdir, 'THIRD-PARTY-LICENSES.md'), thirdPartyLicenses([...bundled].sort()));
  stamp(outdir, inputs);
  process.stdout.write(`built ${relative(process.cwd(), outdir) || outdir}\n`);
}

if (isMain(import.meta.url)) runCli(main, USAGE);
