import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, cliFixture, lines, tunekit } from './support.js';

/** `tunekit sandbox`, and the README's first steps against it (README-cli-section.md: check, train, list, metrics). */

const cli = cliFixture();

describe('tunekit sandbox', () => {
  it('prints its URL first, serves the README walk-through, and stops cleanly on Ctrl-C', async () => {
    const server = spawn(process.execPath, [cli.bin, 'sandbox', '--provider', 'openai', '--port', '0', '--speed', '3000'], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    server.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => server.once('exit', (code) => done(code)));
    const url = await new Promise<string>((ready) => {
      server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('\n')) ready(stdout.split('\n')[0] ?? '');
      });
    });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const env = { OPENAI_API_KEY: 'sandbox', OPENAI_BASE_URL: url, TUNEKIT_PROVIDER: 'openai' };
      const model = 'gpt-4o-mini-2024-07-18';
      expect((await tunekit(cli.bin, ['check', cli.data.train], env)).code).toBe(0);
      const trained = await tunekit(
        cli.bin,
        ['--json', 'train', cli.data.train, '--model', model, '--epochs', '3', '--poll-interval', '200ms'],
        env,
      );
      expect(trained.code).toBe(0);
      const result = lines(trained.stdout).at(-1) as { job: { id: string; status: string }; model: string };
      expect(result).toMatchObject({ job: { status: 'succeeded' }, model: expect.stringMatching(/^ft:gpt-4o-mini-2024-07-18:sandbox::/) });
      expect((await tunekit(cli.bin, ['jobs', 'list'], env)).stdout).toContain(result.job.id);
      const report = join(cli.data.dir, 'loss.html');
      expect((await tunekit(cli.bin, ['jobs', 'metrics', result.job.id, '--html', report], env)).code).toBe(0);
    } finally {
      server.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toMatch(
      /^tunekit sandbox: openai \(clock: 3000× real time\); controls at http:\/\/127\.0\.0\.1:\d+\/_sandbox\. Any API key works\. Ctrl-C to stop\.\n/,
    );
  });

  it('refuses a bad flag with exit code 2', async () => {
    const both = await tunekit(cli.bin, ['sandbox', '--speed', '10', '--clock', 'manual']);
    expect(both).toMatchObject({ code: 2, stdout: '' });
    expect(both.stderr).toContain("option '--clock <mode>' cannot be used with option '--speed <n>'");
  });
});
