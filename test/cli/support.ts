import { providers, type ProviderName } from '../../src/providers/registry/providers.js';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, inject } from 'vitest';
import { repoRoot } from '../support/prism.js';

/** The CLI tests' shared parts: the bin bundled as the package builds it, a runner, per-provider facts, datasets. */

export type Provider = 'nebius' | 'together' | 'openai';
export const PROVIDERS: readonly Provider[] = ['nebius', 'together', 'openai'];

/** Every registered provider's key variable, from its facts (a sandbox's `provider` may be any of them). */
export const KEY_ENV: Record<ProviderName, string> = {
  nebius: providers.nebius.env.apiKey,
  together: providers.together.env.apiKey,
  openai: providers.openai.env.apiKey,
  azure: providers.azure.env.apiKey,
};
export const MODEL: Record<Provider, string> = {
  nebius: 'meta-llama/Llama-3.1-8B-Instruct',
  together: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
  openai: 'gpt-4o-mini-2024-07-18',
};

/** A key that must never appear in any output (long enough to be redacted by every layer). */
export const CANARY = 'sk-canary-7f3a9c1e5b2d4f6a8c0e';

/**
 * The `tunekit` bin this run's global setup bundled once for every file (test/support/cli-setup.ts: esbuild, as
 * `npm run build` bundles bins).
 */
export function builtCli(): string {
  return inject('cliBin');
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment a run gets: no key or provider from the machine, only what the test gives. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), LANG: 'C.UTF-8' };
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

/** Runs the bin with `args`; resolves when it exits (killed after 60 s: a stuck run, not a slow machine). `started` sees the child (to signal it). */
export function tunekit(
  bin: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  started?: (child: ChildProcess) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    // 'close', not 'exit': the process can exit before its last output has been read from the pipes.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    started?.(child);
  });
}

/** The one JSON value on stdout. */
export function json(run: Run): unknown {
  return JSON.parse(run.stdout);
}

/** NDJSON lines on stdout (or stderr). */
export function lines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** `n` chat examples as JSONL. */
export function chatLines(n: number, tag = 'q'): string {
  return `${Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `${tag} ${i}: what is ${i} + ${i}?` },
        { role: 'assistant', content: `${i} + ${i} is ${2 * i}.` },
      ],
    }),
  ).join('\n')}\n`;
}

/** A folder with a good dataset (`train.jsonl`, 40 examples), a validation set (10 examples, OpenAI's minimum) and a broken one. */
export async function datasets(): Promise<{ dir: string; train: string; validation: string; broken: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tunekit-cli-'));
  const train = join(dir, 'train.jsonl');
  const validation = join(dir, 'validation.jsonl');
  const broken = join(dir, 'broken.jsonl');
  await writeFile(train, chatLines(40));
  await writeFile(validation, chatLines(10, 'v'));
  await writeFile(broken, `${chatLines(2)}{"messages": [{"role": "user", "content": "no answer"}]}\n{"messages": oops\n`);
  return { dir, train, validation, broken };
}

/**
 * Make sure tmux is installed (the terminal tests run the CLI in a real pseudo-terminal): when it is missing and this
 * process may install Debian packages (root, apt-get), install it; otherwise say how. `undefined` when it is there.
 */
export function ensureTmux(): string | undefined {
  const has = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
  if (has('tmux')) return undefined;
  if (process.getuid?.() !== 0 || !has('apt-get')) return 'tmux is not installed: sudo apt-get install -y tmux';
  const installed = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux'], {
    stdio: 'ignore',
    timeout: 10 * 60_000,
  });
  return installed.status === 0 && has('tmux') ? undefined : 'could not install tmux with apt-get';
}

/** Where tests leave pictures for people (git-ignored). */
export const ARTIFACTS = join(repoRoot, '.tmp', 'artifacts');

/** The bin and the datasets of one test file: built and written before its tests, the datasets removed after. */
export function cliFixture(): { bin: string; data: Awaited<ReturnType<typeof datasets>> } {
  const fixture = { bin: '', data: { dir: '', train: '', validation: '', broken: '' } };
  beforeAll(async () => {
    fixture.bin = builtCli();
    fixture.data = await datasets();
  });
  afterAll(async () => {
    if (fixture.data.dir) await rm(fixture.data.dir, { recursive: true, force: true });
  });
  return fixture;
}

/** A tmux server of the test file's own (`-L socket`): `tmux(...args)` runs a tmux command on it. */
export function tmuxOn(socket: string): (...args: string[]) => string {
  return (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

/**
 * Runs the bin with `args` in a fresh tmux window `name` of `columns`×`rows` (a clean environment: `env`, a `HOME`, a
 * colour terminal), calling `onScreen` with every screen that differs from the one before, until the window prints
 * `EXIT=n` (or 90 s pass); resolves with the exit code and the last screen.
 */
export async function inTmux(
  tmux: (...args: string[]) => string,
  run: { name: string; bin: string; home: string; env: Record<string, string>; args: string[]; size?: { columns: number; rows: number } },
  onScreen: (screen: string) => void = () => undefined,
): Promise<{ exit: number; screen: string }> {
  const { name, bin, home, env, args, size = { columns: 100, rows: 42 } } = run;
  const assignments = Object.entries({ PATH: process.env['PATH'] ?? '', HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8', ...env }).map(
    ([k, v]) => `${k}='${v}'`,
  );
  const command = `env -i ${assignments.join(' ')} ${process.execPath} ${bin} ${args.map((a) => `'${a}'`).join(' ')}; echo EXIT=$?; sleep 60`;
  tmux('new-session', '-d', '-s', name, '-x', String(size.columns), '-y', String(size.rows), command);
  const deadline = Date.now() + 90_000;
  let last: string | undefined;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', name);
    if (screen !== last) onScreen(screen);
    last = screen;
    const exit = /EXIT=(\d+)/.exec(screen);
    if (exit) {
      tmux('kill-session', '-t', name);
      return { exit: Number(exit[1]), screen };
    }
    if (Date.now() > deadline) throw new Error(`no EXIT after 90 s; last screen:\n${screen}`);
    await sleep(40);
  }
}
