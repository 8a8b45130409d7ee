import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createOpenAIClient, createTogetherClient } from '../../src/index.js';
import { startSandbox } from '../../src/testing.js';
import { repoRoot } from '../support/prism.js';
import { dataset, MINUTE } from '../support/sandbox.js';

/** The sandbox in a new user's second hour (issue 15 items 12, 13, 14). */

/** Whether a process is still running (an exited one no parent has reaped yet, a zombie, is not). */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
};

describe('npx tunekit-sandbox … & then kill $! (item 12)', () => {
  it('stops, and frees its port, when the npm exec that started it is killed without passing the signal on', async () => {
    // What `npx tunekit-sandbox --port 0 &` runs: npm exec (npm_command=exec) → sh -c → the bin. Killed, npm exec ends
    // its shell and exits, and the bin never gets a signal (seen with npm 11: the bin is handed to init).
    const bin = `${process.execPath} --import tsx ${resolve(repoRoot, 'src/sandbox/cli.ts')} --provider openai --port 0`;
    const launcher = `
      const { spawn } = require('node:child_process');
      const shell = spawn('sh', ['-c', process.argv[1]], { stdio: 'inherit', env: { ...process.env, npm_command: 'exec' } });
      process.on('SIGTERM', () => { shell.kill('SIGTERM'); process.exit(143); });
      setInterval(() => {}, 1000);`;
    const sandboxPids = () =>
      new Promise<number[]>((done) => {
        const ps = spawn('pgrep', ['-f', `${resolve(repoRoot, 'src/sandbox/cli.ts')} --provider openai --port 0`]);
        let out = '';
        ps.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        ps.once('close', () => done(out.split('\n').filter(Boolean).map(Number)));
      });
    // Only this test's processes count (another run's sandbox may be about).
    const before = await sandboxPids();
    const npm = spawn(process.execPath, ['-e', launcher, bin], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    npm.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    for (let i = 0; i < 200 && !stdout.includes('\n'); i++) await sleep(50);
    const url = stdout.split('\n')[0] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const health = (await (await fetch(`${new URL(url).origin}/_sandbox/health`)).json()) as Record<string, unknown>;
    expect(health['status']).toBe('ok');
    const pids = (await sandboxPids()).filter((pid) => pid !== npm.pid && !before.includes(pid));
    expect(pids.length).toBeGreaterThan(0);
    npm.kill('SIGTERM');
    let stopped = false;
    for (let i = 0; i < 60 && !stopped; i++) {
      await sleep(100);
      stopped = await fetch(url).then(
        () => false,
        () => true,
      );
    }
    expect(stopped).toBe(true);
    for (const pid of pids) {
      for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
      expect(alive(pid), `pid ${pid}`).toBe(false);
    }
  });
});

describe('OpenAI pause and resume (item 13)', () => {
  it.each([0, 60_000])('a resume %i ms after the pause is an event of its own, with an id not seen before', async (gap) => {
    await using sandbox = await startSandbox({ provider: 'openai' });
    const openai = createOpenAIClient({ apiKey: 'resume-key', baseUrl: sandbox.url, fetch: sandbox.fetch });
    const file = await openai.files.upload(dataset(20));
    const job = await openai.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    sandbox.advance(12 * MINUTE);
    await openai.jobs.pause(job.id);
    const paused = (await openai.jobs.events(job.id, { limit: 100 })).items;
    expect(paused[0]?.message).toBe('Fine-tuning job paused');
    sandbox.advance(gap);
    await openai.jobs.resume(job.id);
    const resumed = (await openai.jobs.events(job.id, { limit: 100 })).items;
    expect(resumed.map((e) => e.message).slice(0, 2)).toEqual(['Fine-tuning job resumed', 'Fine-tuning job paused']);
    expect(paused.map((e) => e.id)).not.toContain(resumed[0]?.id);
    expect(resumed[1]?.id).toBe(paused[0]?.id);
  });

  it('jobs.wait delivers the resumed event to a watcher that saw the pause', async () => {
    await using sandbox = await startSandbox({ provider: 'openai' });
    const openai = createOpenAIClient({ apiKey: 'resume-wait-key', baseUrl: sandbox.url, fetch: sandbox.fetch });
    const file = await openai.files.upload(dataset(20));
    const job = await openai.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    sandbox.advance(12 * MINUTE);
    await openai.jobs.pause(job.id);
    const seen: string[] = [];
    let resumed = false;
    await openai.jobs.wait(job.id, {
      clock: sandbox.clock,
      onProgress: (p) => {
        seen.push(...p.events.map((e) => e.message));
        if (p.status === 'paused' && !resumed) {
          resumed = true;
          void openai.jobs.resume(job.id);
        }
      },
    });
    expect(seen).toContain('Fine-tuning job paused');
    expect(seen).toContain('Fine-tuning job resumed');
  });
});

describe("Together's own create example (item 13)", () => {
  it('training_method {"method": "sft"} is accepted (train_on_inputs has a default), by the client and the sandbox', async () => {
    await using sandbox = await startSandbox({ provider: 'together' });
    const together = createTogetherClient({ apiKey: 'sft-key', baseUrl: sandbox.url, fetch: sandbox.fetch });
    const file = await together.files.upload(dataset(20));
    const job = await together.jobs.create({
      model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
      training_file: file.id,
      training_method: { method: 'sft' },
    });
    expect(job.id).toMatch(/^ft-/);
    const raw = await fetch(`${sandbox.url}/fine-tunes`, {
      method: 'POST',
      headers: { authorization: 'Bearer sft-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
        training_file: file.id,
        training_method: { method: 'sft' },
      }),
    });
    expect(raw.status).toBe(200);
  });
});

describe('sandbox ids (item 14)', () => {
  async function firstJobId(seed?: string): Promise<string> {
    await using sandbox = await startSandbox({ provider: 'openai', ...(seed === undefined ? {} : { seed }) });
    const openai = createOpenAIClient({ apiKey: 'same-key', baseUrl: sandbox.url, fetch: sandbox.fetch });
    const file = await openai.files.upload(dataset(10));
    return (await openai.jobs.create({ model: 'gpt-4o-mini', training_file: file.id })).id;
  }

  it('differ between sandboxes (and after a reset) unless a seed is asked for; a seed gives the same ids every time', async () => {
    const [a, b] = [await firstJobId(), await firstJobId()];
    expect(a).toMatch(/^ftjob-\w{24}$/);
    expect(a).not.toBe(b);
    expect(await firstJobId('snapshot')).toBe(await firstJobId('snapshot'));
    expect(await firstJobId('snapshot')).not.toBe(await firstJobId('other'));

    await using sandbox = await startSandbox({ provider: 'openai' });
    const openai = createOpenAIClient({ apiKey: 'reset-key', baseUrl: sandbox.url, fetch: sandbox.fetch });
    const before = (await openai.files.upload(dataset(10))).id;
    sandbox.reset();
    expect((await openai.files.upload(dataset(10))).id).not.toBe(before);
  });

  it('tunekit-sandbox --seed', async () => {
    const run = (seed: string) =>
      new Promise<string>((done, fail) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', resolve(repoRoot, 'src/sandbox/cli.ts'), '--provider', 'openai', '--port', '0', '--seed', seed],
          { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        child.stdout.on('data', async (chunk: Buffer) => {
          out += chunk.toString();
          if (!out.includes('\n')) return;
          try {
            const openai = createOpenAIClient({ apiKey: 'seed-key', baseUrl: out.split('\n')[0] ?? '' });
            done((await openai.files.upload(dataset(10))).id);
          } catch (error) {
            fail(error);
          } finally {
            child.kill('SIGTERM');
          }
        });
      });
    expect(await run('s1')).toBe(await run('s1'));
  });
});
