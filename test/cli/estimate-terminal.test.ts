import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { builtCli, chatLines, datasets, ensureTmux, inTmux, lines, MODEL, tmuxOn, tunekit } from './support.js';

/**
 * The cost confirmation of `train`, in a real pseudo-terminal (tmux): the estimate is printed before the job is
 * created; above `--confirm-above` the command asks, and `n` (or Enter) creates nothing (the uploaded file is deleted,
 * exit code 1), `y` creates the job; `-y` and `--json` never ask, nor does a run whose stdin or stdout is not a
 * terminal. Also `tunekit estimate`.
 */

const socket = `tunekit-estimate-test-${process.pid}`;
const tmux = tmuxOn(socket);
const QUESTION = 'Create the job? [y/N]';

let bin = '';
let data: Awaited<ReturnType<typeof datasets>>;
/** 3,000 examples: enough tokens for the sandbox's Together price ($0.48 per million tokens) to be more than a cent. */
let big = '';
let openai: Sandbox;
let together: Sandbox;
beforeAll(async () => {
  const problem = ensureTmux();
  if (problem) throw new Error(problem);
  // A window that outlives the tests: the server never exits between one run's kill-session and the next run's
  // new-session (a race that failed a run in 22 ms once).
  tmux('new-session', '-d', '-s', 'keep-alive', 'sleep 3600');
  bin = builtCli();
  data = await datasets();
  big = join(data.dir, 'big.jsonl');
  await writeFile(big, chatLines(3000));
  [openai, together] = await Promise.all([
    startSandbox({ provider: 'openai', clock: { speed: 3000 } }),
    startSandbox({ provider: 'together', clock: { speed: 3000 } }),
  ]);
}, 600_000);
afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
  await Promise.all([openai?.close(), together?.close()]);
});

/** Runs the bin in a fresh tmux window; when the screen shows the question, types `answer` (if given) and Enter. */
async function inTerminal(
  name: string,
  env: Record<string, string>,
  args: string[],
  answer?: string,
): Promise<{ screen: string; asked: boolean; exit: number }> {
  let asked = false;
  const run = await inTmux(tmux, { name, bin, home: data.dir, env, args, size: { columns: 160, rows: 50 } }, (screen) => {
    if (asked || !screen.includes(QUESTION)) return;
    asked = true;
    if (answer === undefined) return;
    if (answer) tmux('send-keys', '-t', name, '-l', answer);
    tmux('send-keys', '-t', name, 'Enter');
  });
  return { ...run, asked };
}

const togetherEnv = (): Record<string, string> => ({ TOGETHER_API_KEY: 'a-key-for-the-estimate', TOGETHER_BASE_URL: together.url });
const openaiEnv = (): Record<string, string> => ({ OPENAI_API_KEY: 'a-key-for-the-estimate', OPENAI_BASE_URL: openai.url });
const created = (sandbox: Sandbox): number =>
  sandbox.requests.filter((r) => r.operation === 'POST /fine_tuning/jobs' || r.operation === 'POST /fine-tunes').length;

describe('train on a terminal: the cost confirmation', () => {
  it("declined (n): Together's price was above --confirm-above; no job, the uploaded file deleted, exit 1", async () => {
    const before = created(together);
    const run = await inTerminal(
      'decline',
      togetherEnv(),
      ['train', big, '--model', MODEL.together, '--epochs', '2', '--confirm-above', '0.01', '--no-wait'],
      'n',
    );
    expect(run.asked).toBe(true);
    expect(run.screen).toMatch(
      /estimated: trained tokens [\d,]+ \(2 epochs; Together's estimate\) · price \$\d+\.\d\d \(Together's estimate\)/,
    );
    expect(run.screen).toMatch(
      /The estimated price of this job is \$\d+\.\d\d \(Together's estimate\), above \$0\.01 \(--confirm-above\)\./,
    );
    expect(run.screen).toContain('Pass -y (--yes) to skip this question.');
    expect(run.screen).toMatch(/declined at the cost estimate; no job was created; deleted the files it uploaded \(file-[\w-]+\)/);
    expect(run.exit).toBe(1);
    expect(created(together)).toBe(before);
    const files = await (await fetch(`${together.url}/files`, { headers: { Authorization: 'Bearer x' } })).json();
    expect(files).toEqual({ data: [] });
  });

  it('Enter alone declines too', async () => {
    const before = created(openai);
    const run = await inTerminal(
      'enter',
      openaiEnv(),
      ['train', data.train, '--model', MODEL.openai, '--epochs', '1', '--price-per-mtok', '1000', '--confirm-above', '0.5', '--no-wait'],
      '',
    );
    expect(run.asked).toBe(true);
    expect(run.exit).toBe(1);
    expect(created(openai)).toBe(before);
  });

  it("accepted (y): the job is created; the price is the user's rate, labelled so", async () => {
    const before = created(openai);
    const run = await inTerminal(
      'accept',
      openaiEnv(),
      ['train', data.train, '--model', MODEL.openai, '--epochs', '3', '--price-per-mtok', '1000', '--confirm-above', '0.5', '--no-wait'],
      'y',
    );
    expect(run.asked).toBe(true);
    expect(run.screen).toMatch(
      /estimated: trained tokens [\d,]+ \([\d,]+ per epoch × 3 epochs; exact, o200k_base\) · price \$\d+\.\d\d at your rate of \$1,000\.00 per million tokens/,
    );
    expect(run.screen).toMatch(/created ftjob-\w+/);
    expect(run.exit).toBe(0);
    expect(created(openai)).toBe(before + 1);
  });

  it('-y skips the question; a price under the threshold (default $5) asks nothing', async () => {
    const yes = await inTerminal('yes', openaiEnv(), [
      'train',
      data.train,
      '--model',
      MODEL.openai,
      '--epochs',
      '2',
      '--price-per-mtok',
      '1000',
      '--confirm-above',
      '0.5',
      '-y',
      '--no-wait',
    ]);
    expect(yes.asked).toBe(false);
    expect(yes.exit).toBe(0);
    expect(yes.screen).toMatch(/created ftjob-\w+/);
    // 40 short examples × 3 epochs at $1 per million tokens: far under $5.
    const cheap = await inTerminal('cheap', openaiEnv(), [
      'train',
      data.train,
      '--model',
      MODEL.openai,
      '--epochs',
      '3',
      '--price-per-mtok',
      '1',
      '--no-wait',
    ]);
    expect(cheap.screen).toMatch(/price \$\d+\.\d\d|price < \$0\.01/);
    expect(cheap.asked).toBe(false);
    expect(cheap.exit).toBe(0);
  });

  it('--json never asks, even on a terminal: the estimate is one NDJSON line before the job', async () => {
    const before = created(together);
    const run = await inTerminal('json', togetherEnv(), [
      'train',
      big,
      '--model',
      MODEL.together,
      '--confirm-above',
      '0',
      '--no-wait',
      '--json',
    ]);
    expect(run.asked).toBe(false);
    expect(run.exit).toBe(0);
    expect(created(together)).toBe(before + 1);
  });
});

describe('train not on a terminal', () => {
  it('prints the estimate and never asks (stdin and stdout are pipes), whatever the price', async () => {
    const run = await tunekit(bin, ['train', big, '--model', MODEL.together, '--confirm-above', '0', '--no-wait'], togetherEnv());
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain(QUESTION);
    expect(run.stderr).toMatch(/^\[\d:\d\d:\d\d\] estimated: trained tokens [\d,]+ \(1 epoch; Together's estimate\) · price \$\d+\.\d\d/m);
    const json = await tunekit(bin, ['train', big, '--model', MODEL.together, '--no-wait', '--json'], togetherEnv());
    const estimate = lines(json.stdout).find((line) => line['type'] === 'estimate');
    expect(estimate).toMatchObject({
      provider: 'together',
      tokens: { method: 'provider', epochs: 1 },
      price: { currency: 'USD', source: 'provider' },
      allowedToProceed: true,
      creditLimit: { amount: 100, currency: 'USD' },
    });
    expect(lines(json.stdout).map((line) => line['type'])).toEqual(expect.arrayContaining(['estimate', 'created', 'result']));
    const types = lines(json.stdout).map((line) => line['type']);
    expect(types.indexOf('estimate')).toBeLessThan(types.indexOf('created'));
  });
});

describe('tunekit estimate', () => {
  it('a local file: the trained tokens (exact for an OpenAI model) and the price at the given rate; nothing sent', async () => {
    const before = openai.requests.length;
    const run = await tunekit(
      bin,
      ['estimate', data.train, '--model', MODEL.openai, '--epochs', '3', '--price-per-mtok', '$25'],
      openaiEnv(),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^trained tokens +[\d,]+ \([\d,]+ per epoch × 3 epochs; exact, o200k_base\)$/m);
    expect(run.stdout).toMatch(/^price +(\$\d+\.\d\d|< \$0\.01) at your rate of \$25\.00 per million tokens$/m);
    expect(openai.requests.length).toBe(before);
    const bare = await tunekit(bin, ['estimate', data.train, '--model', MODEL.openai], openaiEnv());
    expect(bare.stdout).toMatch(/^price +unknown$/m);
    expect(bare.stdout).toMatch(/the epochs the provider picks/);
    expect(bare.stderr).toMatch(/OpenAI answers no price before a job: give your rate/);
  });

  it("a Together file id: Together's price and whether the account may proceed (--json)", async () => {
    const upload = await tunekit(bin, ['files', 'upload', big], togetherEnv());
    const id = upload.stdout.trim();
    const run = await tunekit(bin, ['estimate', id, '--model', MODEL.together, '--epochs', '2', '--json'], togetherEnv());
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      tokens: { method: 'provider', epochs: 2, counter: "Together's estimate" },
      price: { source: 'provider', currency: 'USD' },
      allowedToProceed: true,
    });
    const bad = await tunekit(bin, ['estimate', id, '--model', MODEL.together, '--price-per-mtok', 'cheap'], togetherEnv());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--price-per-mtok.*must be an amount of US dollars ≥ 0/);
  });
});
