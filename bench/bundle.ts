/**
 * Bundle size of tiny "retrieve one job" programs (and "wait for one job"): esbuild JS API, ESM, minified, platform
 * node, `node:*` external; bytes minified and min+gzip (zlib level 9), in two forms: one file (esbuild without
 * splitting: every dynamic import inlined) and code-split (what Vite, Rollup and webpack emit by default): the
 * chunks a program loads at start (its entry and what that imports statically) and all its chunks. The clients load
 * their upload and wait machinery with `import()`, so a program that never uploads or waits never loads it.
 * tunekit resolves to the BUILT package (see package.ts: the `npm run build` compile, installed under
 * .tmp/bench-pkg/node_modules/tunekit).
 * Also checks that the Nebius program carries no Together/OpenAI code, and that `import('tunekit/nebius')`
 * at runtime loads no other provider's module.
 * Run alone: `npx tsx bench/bundle.ts`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { buildPackage, builtProviders, CONSUMER } from './package.js';
import { isMain, table, verdict } from './stats.js';

/**
 * The retrieve-one-job programs before the provider folders (issue 14, commit 7fa681c, min+gzip bytes): what a
 * program that retrieves one job loads may not grow past them. Azure's may not pass OpenAI's.
 */
export const BUNDLE_BEFORE: Record<string, number> = {
  'tunekit/nebius': 15_785,
  'tunekit/together': 14_978,
  'tunekit/openai': 16_275,
  'tunekit/azure': 16_275,
};

export interface BundleRow {
  name: string;
  minified: number;
  gzipped: number;
  /** Code-split: min+gzip bytes of the chunks loaded at start (the entry and its static imports), and of all chunks. */
  atStart: number;
  allChunks: number;
  chunks: number;
  /** Input files of the bundle, relative to the consumer directory. */
  inputs: string[];
  /** Minified bytes each input contributes, largest first. */
  contributions: [string, number][];
  text: string;
}

export interface BundleResult {
  rows: BundleRow[];
  /** Per tunekit provider program: other providers' base URLs or modules found in its bundle. */
  leaks: Record<string, string[]>;
  /** Modules `import('tunekit/<provider>')` loaded at runtime that belong to another provider. */
  runtimeLeaks: Record<string, string[]>;
  runtimeModules: Record<string, number>;
}

const programs: Record<string, string> = {
  'tunekit/nebius': `import { createNebiusClient } from 'tunekit/nebius';
const client = createNebiusClient({ apiKey: process.env.KEY });
console.log(await client.jobs.retrieve('ftjob-123'));`,
  'tunekit/together': `import { createTogetherClient } from 'tunekit/together';
const client = createTogetherClient({ apiKey: process.env.KEY });
console.log(await client.jobs.retrieve('ft-123'));`,
  'tunekit/openai': `import { createOpenAIClient } from 'tunekit/openai';
const client = createOpenAIClient({ apiKey: process.env.KEY });
console.log(await client.jobs.retrieve('ftjob-123'));`,
  'tunekit/azure': `import { createAzureOpenAIClient } from 'tunekit/azure';
const client = createAzureOpenAIClient({ apiKey: process.env.KEY, resource: 'my-resource' });
console.log(await client.jobs.retrieve('ftjob-123'));`,
  'tunekit/nebius + jobs.wait': `import { createNebiusClient } from 'tunekit/nebius';
const client = createNebiusClient({ apiKey: process.env.KEY });
console.log(await client.jobs.wait('ftjob-123'));`,
  'tunekit/openai + jobs.wait': `import { createOpenAIClient } from 'tunekit/openai';
const client = createOpenAIClient({ apiKey: process.env.KEY });
console.log(await client.jobs.wait('ftjob-123'));`,
  'openapi-fetch alone': `import createClient from 'openapi-fetch';
const client = createClient({ baseUrl: 'https://api.tokenfactory.nebius.com', headers: { Authorization: 'Bearer ' + process.env.KEY } });
console.log(await client.GET('/v1/fine_tuning/jobs/{job_id}', { params: { path: { job_id: 'ftjob-123' } } }));`,
  'openai@6 SDK': `import OpenAI from 'openai';
const client = new OpenAI({ apiKey: process.env.KEY });
console.log(await client.fineTuning.jobs.retrieve('ftjob-123'));`,
  'together-ai SDK': `import Together from 'together-ai';
const client = new Together({ apiKey: process.env.KEY });
console.log(await client.fineTuning.retrieve('ft-123'));`,
};

/** What marks a provider's code in a bundle: its default base URL and its module file. */
const markers: Record<string, { url: string; module: string }> = {
  nebius: { url: 'api.tokenfactory.nebius.com', module: 'providers/nebius/' },
  together: { url: 'api.together.ai', module: 'providers/together/' },
  openai: { url: 'api.openai.com', module: 'providers/openai/' },
  azure: { url: 'openai.azure.com', module: 'providers/azure/' },
};

const gzipped = (bytes: Uint8Array): number => gzipSync(bytes, { level: 9 }).byteLength;

async function bundle(name: string, source: string): Promise<BundleRow> {
  const options = {
    stdin: { contents: source, resolveDir: CONSUMER, sourcefile: `${name.replace(/\W+/g, '-')}.mjs`, loader: 'js' as const },
    bundle: true,
    format: 'esm' as const,
    platform: 'node' as const,
    target: 'node20',
    minify: true,
    external: ['node:*'],
    write: false as const,
    metafile: true as const,
    logLevel: 'silent' as const,
  };
  const result = await build(options);
  const output = result.outputFiles[0];
  if (!output) throw new Error(`${name}: esbuild wrote nothing`);
  const outdir = join(CONSUMER, 'split');
  rmSync(outdir, { recursive: true, force: true });
  const split = await build({ ...options, splitting: true, outdir });
  const bytesOf = new Map(split.outputFiles.map((file) => [file.path, file.contents]));
  const outputs = split.metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined);
  const atStart = new Set<string>();
  for (const stack = entry === undefined ? [] : [entry]; stack.length;) {
    const path = stack.pop() ?? '';
    if (atStart.has(path)) continue;
    atStart.add(path);
    for (const imported of outputs[path]?.imports ?? [])
      if (imported.kind === 'import-statement' && outputs[imported.path]) stack.push(imported.path);
  }
  const sizeOf = (path: string): number => {
    const bytes = bytesOf.get(resolve(path));
    if (!bytes) throw new Error(`${name}: no bytes for chunk ${path}`);
    return gzipped(bytes);
  };
  return {
    name,
    minified: output.contents.byteLength,
    gzipped: gzipped(output.contents),
    atStart: [...atStart].reduce((sum, path) => sum + sizeOf(path), 0),
    allChunks: Object.keys(outputs).reduce((sum, path) => sum + sizeOf(path), 0),
    chunks: Object.keys(outputs).length,
    inputs: Object.keys(result.metafile.inputs),
    contributions: Object.entries(Object.values(result.metafile.outputs)[0]?.inputs ?? {})
      .map(([input, info]): [string, number] => [input.replace(/^.*node_modules\//, ''), info.bytesInOutput])
      .sort((a, b) => b[1] - a[1]),
    text: output.text,
  };
}

/** Module URLs a fresh Node loads for `import(specifier)`, recorded by a module `load` hook. */
function loadedModules(specifier: string): string[] {
  const record = join(CONSUMER, 'loaded.txt');
  writeFileSync(
    join(CONSUMER, 'record-hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.BENCH_LOADED, url + '\\n');
  return next(url, context);
}
`,
  );
  writeFileSync(
    join(CONSUMER, 'record.mjs'),
    `import { register } from 'node:module';
register('./record-hooks.mjs', import.meta.url);
`,
  );
  writeFileSync(record, '');
  execFileSync(process.execPath, ['--import', './record.mjs', '--input-type=module', '-e', `await import(${JSON.stringify(specifier)});`], {
    cwd: CONSUMER,
    env: { ...process.env, BENCH_LOADED: record },
    stdio: 'pipe',
  });
  return readFileSync(record, 'utf8')
    .split('\n')
    .filter((line) => line.includes('/node_modules/'));
}

export async function runBundle(log: (line: string) => void = console.log): Promise<BundleResult> {
  buildPackage(log);
  const providers = builtProviders();
  const rows: BundleRow[] = [];
  for (const [name, source] of Object.entries(programs)) {
    const provider = /^tunekit\/(\w+)/.exec(name)?.[1];
    if (provider !== undefined && !providers.includes(provider)) continue;
    rows.push(await bundle(name, source));
  }
  const leaks: Record<string, string[]> = {};
  const runtimeLeaks: Record<string, string[]> = {};
  const runtimeModules: Record<string, number> = {};
  for (const provider of providers) {
    const row = rows.find((r) => r.name === `tunekit/${provider}`);
    // The bundle holds each chunk of the code-split form too: a leak may hide in a lazy chunk.
    if (!row) continue;
    const others = Object.entries(markers).filter(([name]) => name !== provider);
    leaks[provider] = others.flatMap(([name, marker]) => [
      ...(row.text.includes(marker.url) ? [`${name} base URL ${marker.url} in the bundle`] : []),
      ...row.inputs.filter((input) => input.includes(marker.module)).map((input) => `${name} module ${input} bundled`),
    ]);
    const loaded = loadedModules(`tunekit/${provider}`);
    runtimeModules[provider] = loaded.filter((url) => url.includes('/node_modules/tunekit/')).length;
    runtimeLeaks[provider] = loaded.filter((url) => others.some(([, marker]) => url.includes(marker.module)));
  }
  return { rows, leaks, runtimeLeaks, runtimeModules };
}

export function formatBundle(result: BundleResult): string {
  const kB = (bytes: number): string => `${(bytes / 1024).toFixed(2)} kB`;
  const lines = [
    table(
      ['program (esbuild ESM, minified, platform node)', 'one file: min', 'min+gzip', 'code-split: loaded at start', 'all chunks'],
      result.rows.map((row) => [row.name, String(row.minified), kB(row.gzipped), kB(row.atStart), `${kB(row.allChunks)} in ${row.chunks}`]),
    ),
  ];
  for (const row of result.rows) {
    const before = BUNDLE_BEFORE[row.name];
    if (before === undefined) continue;
    lines.push(
      `what a retrieve-one-job program loads ≤ before the provider folders (${kB(before)}): ${row.name} ${kB(row.atStart)} → ${verdict(row.atStart <= before)}`,
    );
  }
  const nebius = result.rows.find((r) => r.name === 'tunekit/nebius');
  if (nebius) {
    lines.push(
      `tunekit/nebius minified bytes by input: ${nebius.contributions
        .filter(([, n]) => n > 0)
        .map(([input, n]) => `${input} ${n}`)
        .join(', ')}`,
    );
  }
  for (const [provider, found] of Object.entries(result.leaks)) {
    lines.push(
      `tunekit/${provider} bundle, other providers' code: ${found.length ? found.join('; ') : 'none (no other base URL, no other provider module)'}`,
    );
  }
  for (const [provider, found] of Object.entries(result.runtimeLeaks)) {
    lines.push(
      `import('tunekit/${provider}') at runtime: ${result.runtimeModules[provider]} tunekit modules loaded, other providers' modules: ${found.length ? found.join(', ') : 'none'}`,
    );
  }
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  const result = await runBundle();
  console.log(`\n${formatBundle(result)}`);
}
