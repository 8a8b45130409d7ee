/**
 * `npm run bench:versus -- --rev REV`: this tree against an earlier commit, side by side in one run, for the claims
 * "no worse than before" (per-call CPU, the dataset check's speed).
 * - CPU per `jobs.retrieve` on Nebius, Together and OpenAI: both trees' clients in one process against one bench
 *   server, alternating batches (bench/cpu.ts's harness); reported: the median of the pairwise now/before ratios.
 * - The dataset check of a chat file (`--mb`, default 512): each check in a fresh process, the two trees alternating,
 *   after one warm-up each; reported: the median of the pairwise now/before time ratios.
 * The commit is checked out with `git worktree` under .tmp/versus-REV (sharing this tree's node_modules) and removed
 * afterwards. A provider's client is found in either layout (`src/providers/<name>/index.ts` or `src/providers/<name>.ts`).
 *
 *   npm run bench:versus -- --rev 7fa681c [--mb 512] [--rounds 6] [--no-cpu] [--no-dataset]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compareOptions, compareSides } from './cpu.js';
import { JOB_ID, togetherJob } from './fixtures.js';
import { startServer } from './server.js';
import type { Side } from './sides.js';
import { isMain, median, table } from './stats.js';
import { writeChatFile } from '../test/support/jsonl.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = fileURLToPath(import.meta.url);

interface RetrieveClient {
  jobs: { retrieve(id: string): Promise<unknown> };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** `create<Name>Client` of one provider in the tree at `dir`, in either layout. */
async function clientOf(dir: string, provider: string, factory: string, baseUrl: string): Promise<RetrieveClient> {
  const file = [join(dir, 'src/providers', provider, 'index.ts'), join(dir, 'src/providers', `${provider}.ts`)].find(existsSync);
  if (!file) throw new Error(`${dir}: no client module for ${provider}`);
  const module: unknown = await import(pathToFileURL(file).href);
  const create = isRecord(module) ? module[factory] : undefined;
  if (typeof create !== 'function') throw new Error(`${file} has no ${factory}`);
  const client: unknown = create({ apiKey: 'bench-key-not-secret', baseUrl });
  if (!isRecord(client) || !isRecord(client.jobs) || typeof client.jobs.retrieve !== 'function')
    throw new Error(`${factory}: no jobs.retrieve`);
  const retrieve = client.jobs.retrieve;
  return { jobs: { retrieve: (id) => retrieve(id) } };
}

async function cpu(before: string): Promise<string[][]> {
  const server = await startServer();
  try {
    const sides: Side[] = [];
    const providers = [
      { provider: 'nebius', factory: 'createNebiusClient', base: server.url, id: JOB_ID },
      { provider: 'together', factory: 'createTogetherClient', base: `${server.url}/v1`, id: togetherJob.id },
      { provider: 'openai', factory: 'createOpenAIClient', base: `${server.url}/v1`, id: JOB_ID },
    ];
    for (const { provider, factory, base, id } of providers) {
      const old = await clientOf(before, provider, factory, base);
      const now = await clientOf(root, provider, factory, base);
      sides.push({ name: `before: ${provider}`, call: () => old.jobs.retrieve(id), expectId: id });
      sides.push({ name: `now: ${provider}`, baseline: `before: ${provider}`, call: () => now.jobs.retrieve(id), expectId: id });
    }
    const rows = await compareSides(
      sides,
      compareOptions((line) => process.stderr.write(`${line}\n`)),
    );
    return rows
      .filter((row) => row.ratio)
      .map((row) => [
        `CPU per jobs.retrieve, ${row.name.slice('now: '.length)}`,
        row.ratio ? row.ratio.median.toFixed(3) : '',
        row.ratio ? `${row.ratio.p25.toFixed(3)}–${row.ratio.p75.toFixed(3)}` : '',
      ]);
  } finally {
    await server.close();
  }
}

/** In a child: one dataset check with the tree at `dir`; prints its milliseconds. */
async function checkOnce(dir: string, file: string): Promise<void> {
  const module: unknown = await import(pathToFileURL(join(dir, 'src/dataset/index.ts')).href);
  const check = isRecord(module) ? module['checkDataset'] : undefined;
  if (typeof check !== 'function') throw new Error(`${dir}: no checkDataset`);
  const started = performance.now();
  await check(file, { provider: 'together' });
  process.stdout.write(`${performance.now() - started}\n`);
}

function dataset(before: string, mb: number, rounds: number): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-versus-'));
  try {
    const file = join(dir, 'chat.jsonl');
    execFileSync(process.execPath, ['--import', 'tsx', here, '--write', file, String(mb)], { stdio: 'inherit' });
    const time = (tree: string): number =>
      Number(
        execFileSync(process.execPath, ['--import', 'tsx', here, '--check', tree, file], { encoding: 'utf8' }).trim().split('\n').at(-1),
      );
    time(before);
    time(root);
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const [first, second] = round % 2 ? [root, before] : [before, root];
      const times = new Map([first, second].map((tree) => [tree, time(tree)]));
      ratios.push((times.get(root) ?? NaN) / (times.get(before) ?? NaN));
      process.stderr.write(`dataset round ${round + 1}/${rounds}: now/before ${ratios.at(-1)?.toFixed(3)}\n`);
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    return [[`dataset check, ${mb} MB chat file`, median(ratios).toFixed(3), `${sorted[0]?.toFixed(3)}–${sorted.at(-1)?.toFixed(3)}`]];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rev: { type: 'string' },
      mb: { type: 'string', default: '512' },
      rounds: { type: 'string', default: '6' },
      'no-cpu': { type: 'boolean', default: false },
      'no-dataset': { type: 'boolean', default: false },
    },
  });
  if (!values.rev) throw new Error('usage: npm run bench:versus -- --rev REV [--mb 512] [--rounds 6] [--no-cpu] [--no-dataset]');
  const before = join(root, '.tmp', `versus-${values.rev.replace(/\W+/g, '-')}`);
  rmSync(before, { recursive: true, force: true });
  execFileSync('git', ['worktree', 'add', '--detach', before, values.rev], { cwd: root, stdio: 'ignore' });
  symlinkSync(join(root, 'node_modules'), join(before, 'node_modules'));
  try {
    const rows = [
      ...(values['no-cpu'] ? [] : await cpu(before)),
      ...(values['no-dataset'] ? [] : dataset(before, Number(values.mb), Number(values.rounds))),
    ];
    console.log(`\nthis tree against ${values.rev}, side by side (ratios now/before: below 1 is faster now)`);
    console.log(table(['measure', 'median now/before', 'range'], rows));
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', before], { cwd: root, stdio: 'ignore' });
  }
}

if (process.argv[2] === '--write') await writeChatFile(process.argv[3] ?? '', Number(process.argv[4]) * 2 ** 20);
else if (process.argv[2] === '--check') await checkOnce(process.argv[3] ?? '', process.argv[4] ?? '');
else if (isMain(import.meta.url)) await main();
