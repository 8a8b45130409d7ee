import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOpenAIClient } from '../../src/index.js';
import { startSandbox } from '../../src/testing.js';
import { repoRoot } from '../support/prism.js';
import { dataset } from '../support/sandbox.js';

const CLI = resolve(repoRoot, 'src/sandbox/cli.ts');

/** The bin, run from source as its built form would be. */
function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((done) => {
    child.once('exit', (code, signal) => done({ code, signal, stdout, stderr }));
  });
  const firstLine = () =>
    new Promise<string>((ready, fail) => {
      const check = (): void => {
        if (stdout.includes('\n')) ready(stdout.split('\n')[0] ?? '');
      };
      child.stdout.on('data', check);
      check();
      void exited.then((result) => fail(new Error(`exited ${result.code}: ${result.stderr}`)));
    });
  return { child, exited, firstLine };
}

describe('tunekit-sandbox', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'prints its base URL first, serves the API and the controls, and stops cleanly on %s',
    async (signal) => {
      const { child, exited, firstLine } = run(['--provider', 'openai', '--port', '0', '--speed', '600']);
      const url = await firstLine();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const openai = createOpenAIClient({ apiKey: 'cli-key', baseUrl: url });
      const file = await openai.files.upload(dataset(4));
      expect((await openai.files.retrieve(file.id)).id).toBe(file.id);
      const health = await (await fetch(`${new URL(url).origin}/_sandbox/health`)).json();
      expect(health).toMatchObject({ status: 'ok', provider: 'openai', clock: { mode: 'speed', speed: 600 } });
      child.kill(signal);
      const result = await exited;
      expect(result).toMatchObject({ code: 0, signal: null });
      expect(result.stderr).toMatch(
        /^tunekit sandbox: openai \(clock: 600× real time\); controls at http:\/\/127\.0\.0\.1:\d+\/_sandbox\. Ctrl-C to stop\.\n$/,
      );
      await expect(fetch(url)).rejects.toThrow(TypeError);
    },
  );

  it('explains a wrong call in one line (exit 2) and a taken port (exit 1), never with a stack', async () => {
    await using taken = await startSandbox({ provider: 'nebius' });
    const port = new URL(taken.url).port;
    const [unknown, provider, both, busy, help] = await Promise.all([
      run(['--bogus']).exited,
      run(['--provider', 'vertex']).exited,
      run(['--speed', '10', '--clock', 'manual']).exited,
      run(['--port', port]).exited,
      run(['--help']).exited,
    ]);
    expect(unknown).toMatchObject({ code: 2, stdout: '', stderr: "tunekit-sandbox: Unknown option '--bogus' (see --help)\n" });
    expect(provider).toMatchObject({
      code: 2,
      stderr: 'tunekit-sandbox: --provider "vertex" must be one of nebius, together, openai, azure (see --help)\n',
    });
    expect(both).toMatchObject({ code: 2, stderr: 'tunekit-sandbox: --speed and --clock cannot be used together (see --help)\n' });
    expect(busy).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `tunekit-sandbox: cannot listen on 127.0.0.1:${port}: port ${port} is in use\n`,
    });
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: tunekit-sandbox /);
  });
});
