import { execFile, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNebiusClient, createTogetherClient } from '../../src/index.js';
import { Output } from '../../src/cli/output.js';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { chatLines, cliFixture, MODEL } from '../cli/support.js';
import { packedTarball } from '../support/packed.js';
import { repoRoot } from '../support/prism.js';

/**
 * The README, read and run as a reader would (issue 15 items 3 and 4): every ```ts block is RUN, in the README's
 * order (a few at a time), against four sandboxes (the quickstarts' `createNebiusClient()` & co. read the keys and base URLs from the
 * environment), in a folder holding the `./train.jsonl` and `./valid.jsonl` they upload. The ids a reader would
 * replace with their own (`ftjob-123`, `file-123`) are a real job's and file's. And the README's claims about the
 * package and the command line hold.
 */

interface Block {
  line: number;
  code: string;
}

function tsBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[n] ?? '')) continue;
    let end = n + 1;
    while (end < lines.length && !(lines[end] ?? '').startsWith('```')) end++;
    blocks.push({ line: n + 2, code: lines.slice(n + 1, end).join('\n') });
    n = end;
  }
  return blocks;
}

/** Blocks that cannot run on their own here, and why; every other block runs. */
const NOT_RUN: { match: RegExp; why: string }[] = [
  { match: /from 'vitest'/, why: 'a vitest file: test/sandbox/user-test.test.ts runs this pattern' },
  { match: /Prefer: 'code=422'/, why: 'needs the Prism mock (npm run mock), which the contract tests run' },
  {
    match: /sandbox\.script\(\{ fail: \{ at: 'running', code: 'out_of_memory'/,
    why: 'a list of scripts for an existing sandbox and job: test/sandbox/*.test.ts run each',
  },
];

const dir = join(repoRoot, '.tmp', 'readme-run');
/** Blocks run at once (each a cold `node`, most of its time a wait for a simulated job). */
const IN_FLIGHT = 4;
const sandboxes: Partial<Record<'nebius' | 'together' | 'openai' | 'azure', Sandbox>> = {};
const env: Record<string, string> = {};
/** What a reader substitutes: their own ids. */
const ids: Record<string, string> = {};

beforeAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'train.jsonl'), chatLines(40));
  await writeFile(join(dir, 'valid.jsonl'), chatLines(10, 'v'));
  // Fast enough that a job ends between two polls of jobs.wait (50 simulated minutes in 30 ms).
  for (const provider of ['nebius', 'together', 'azure'] as const)
    sandboxes[provider] = await startSandbox({ provider, clock: { speed: 100_000 } });
  // OpenAI's quickstart pauses a running job: a job that stays running for seconds, as a real one does for longer.
  sandboxes.openai = await startSandbox({ provider: 'openai', clock: { speed: 600 } });
  const key = 'readme-reader-key';
  Object.assign(env, {
    NEBIUS_API_KEY: key,
    NEBIUS_BASE_URL: sandboxes.nebius?.url ?? '',
    TOGETHER_API_KEY: key,
    TOGETHER_BASE_URL: sandboxes.together?.url ?? '',
    OPENAI_API_KEY: key,
    OPENAI_BASE_URL: sandboxes.openai?.url ?? '',
    AZURE_OPENAI_API_KEY: key,
    AZURE_OPENAI_BASE_URL: sandboxes.azure?.url ?? '',
  });
  // A reader's own job and file, for the snippets that name one by id.
  const nebius = createNebiusClient({ apiKey: key, baseUrl: env['NEBIUS_BASE_URL'] });
  const file = await nebius.files.upload(new File([chatLines(20)], 'mine.jsonl'));
  const job = await nebius.jobs.create({ model: MODEL.nebius, training_file: file.id });
  await nebius.jobs.wait(job.id, { clock: sandboxes.nebius?.clock });
  ids['ftjob-123'] = job.id;
  const together = createTogetherClient({ apiKey: key, baseUrl: env['TOGETHER_BASE_URL'] });
  ids['file-123'] = (await together.files.upload(new File([chatLines(20)], 'mine.jsonl'))).id;
  // The blocks import the package as a reader's project does, by its name: from this folder inside the clone, Node
  // resolves `tunekit/…` through the package's own exports to dist/, which the run's one `npm pack` has just built
  // from the sources if they changed (scripts/build.ts skips an up-to-date dist/).
  await packedTarball();
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(sandboxes).map((sandbox) => sandbox.close()));
});

/** What a snippet may use without declaring it, as a reader's session has it: the clients, a job of theirs. */
function preamble(code: string): string {
  const given: [string, string][] = [
    ['nebius', "const nebius = (await import('tunekit/nebius')).createNebiusClient();"],
    ['together', "const together = (await import('tunekit/together')).createTogetherClient();"],
    ['openai', "const openai = (await import('tunekit/openai')).createOpenAIClient();"],
    ['azure', "const azure = (await import('tunekit/azure')).createAzureOpenAIClient();"],
    ['id', `const id = ${JSON.stringify(ids['ftjob-123'])};`],
    ['job', `const job = { id: ${JSON.stringify(ids['ftjob-123'])} };`],
  ];
  const declares = (name: string): boolean =>
    new RegExp(`^\\s*(?:const|let|await using)\\s+(?:${name}\\b|\\{[^}]*\\b${name}\\b)`, 'm').test(code) ||
    new RegExp(`import\\s*\\{[^}]*\\b${name}\\b`).test(code);
  // A name used on its own (`job.id` is not `id`).
  const lines = given.filter(([name]) => new RegExp(`(?<![.\\w])${name}\\b`).test(code) && !declares(name)).map(([, line]) => line);
  const exported = [
    'createNebiusClient',
    'createTogetherClient',
    'createOpenAIClient',
    'createAzureOpenAIClient',
    'createTuner',
    'NotFoundError',
    'RateLimitError',
    'JobFailedError',
    'WaitAbortedError',
  ];
  const needed = exported.filter((name) => new RegExp(`\\b${name}\\b`).test(code) && !declares(name));
  if (needed.length) lines.unshift(`const { ${needed.join(', ')} } = await import('tunekit');`);
  return lines.join('\n');
}

describe('the README and its guides, run', () => {
  it('every ts block runs against the sandboxes, started in order (the README, then docs/), without an error', async () => {
    const guides = (await readdir(join(repoRoot, 'docs')))
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => join('docs', name));
    const blocks: (Block & { file: string })[] = [];
    for (const file of ['README.md', ...guides])
      blocks.push(...tsBlocks(await readFile(join(repoRoot, file), 'utf8')).map((block) => ({ ...block, file })));
    const skipped = blocks.filter((block) => NOT_RUN.some((rule) => rule.match.test(block.code)));
    expect(skipped.map((block) => NOT_RUN.find((rule) => rule.match.test(block.code))?.why)).toHaveLength(NOT_RUN.length);
    // Each block is a process of its own with its own jobs and files (the ids it is given are only read): they run a
    // few at a time, as most of a block's time is a cold start and a wait for a simulated job, not CPU. The failures
    // are reported in the README's order.
    const runs = blocks.filter((block) => !skipped.includes(block));
    const failures: (string | undefined)[] = new Array(runs.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < runs.length) {
        const index = next++;
        const block = runs[index]!;
        let code = block.code;
        for (const [placeholder, real] of Object.entries(ids)) code = code.replaceAll(`'${placeholder}'`, `'${real}'`);
        const file = join(dir, `${block.file.replace(/\W+/g, '-')}-${block.line}.mjs`);
        // TypeScript to JavaScript (types only: esbuild's transform, which checks nothing; snippets.test.ts type-checks).
        const { code: javascript } = await transform(`${preamble(code)}\n${code}\n`, { loader: 'ts', format: 'esm', target: 'node20' });
        await writeFile(file, javascript);
        failures[index] = await promisify(execFile)(process.execPath, [file], {
          cwd: dir,
          env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...env },
          timeout: 60_000,
        }).then(
          () => undefined,
          (error: { stderr?: string; code?: number }) =>
            `${block.file}:${block.line}: exit ${error.code ?? '?'}: ${(error.stderr ?? '')
              .split('\n')
              .filter((l) => /Error|error/.test(l))
              .slice(0, 2)
              .join(' | ')}`,
        );
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(failures.filter(Boolean)).toEqual([]);
  }, 600_000);
});

describe("the README's claims (item 3)", () => {
  const fixture = cliFixture();

  it('names every runtime dependency', async () => {
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
    const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const sentence = /[^.]*runtime dependenc[^.]*\./.exec(readme)?.[0] ?? '';
    for (const name of Object.keys(manifest.dependencies)) expect(sentence, name).toContain(`\`${name}\``);
  });

  it('with several keys set and no --provider, tunekit refuses (exit 2), as the CLI guide says', async () => {
    const guide = await readFile(join(repoRoot, 'docs', 'cli.md'), 'utf8');
    expect(guide).toContain('with several keys set and no choice, tunekit refuses, exit 2');
    const run = spawnSync(process.execPath, [fixture.bin, 'jobs', 'list'], {
      env: { PATH: process.env['PATH'] ?? '', OPENAI_API_KEY: 'k1', NEBIUS_API_KEY: 'k2' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('NEBIUS_API_KEY, OPENAI_API_KEY');
  });

  it('NO_COLOR on a terminal keeps the tables (no colour) and drops the live view, as the Output section says', () => {
    const tty = Object.assign(Object.create(process.stdout) as NodeJS.WriteStream, { isTTY: true, columns: 100 });
    const out = new Output(false, tty, tty, { NO_COLOR: '1', TERM: 'xterm-256color' });
    expect(out.tty).toBe(true);
    expect(out.live).toBe(false);
    expect(out.out.bold('x')).toBe('x');
  });

  it("tunekit --help promises no command it does not have (no 'compare')", () => {
    const help = spawnSync(process.execPath, [fixture.bin, '--help'], { env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' });
    expect(help.status).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]);
    expect(commands).not.toContain('compare');
    expect(help.stdout).not.toMatch(/\bcompare\b/);
  });
});
