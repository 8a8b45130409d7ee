import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { repoRoot } from '../support/prism.js';
import { chatLines, cleanEnv, cliFixture, KEY_ENV, MODEL, tunekit, type Provider, type Run } from './support.js';

/** Issue 15 item 15, each piece of polish on the real bin against real sandboxes. */

const fixture = cliFixture();
let onPoll: Record<Provider, Sandbox>;
beforeAll(async () => {
  const [nebius, together, openai] = await Promise.all(
    (['nebius', 'together', 'openai'] as const).map((provider) => startSandbox({ provider, clock: 'on-poll' })),
  );
  onPoll = { nebius: nebius!, together: together!, openai: openai! };
});
afterAll(async () => {
  await Promise.all(Object.values(onPoll ?? {}).map((sandbox) => sandbox.close()));
});

let keys = 0;
function run(provider: Provider, args: string[], sandbox: Sandbox = onPoll[provider], env: Record<string, string> = {}): Promise<Run> {
  return tunekit(fixture.bin, ['--provider', provider, '--base-url', sandbox.url, ...args], {
    [KEY_ENV[provider]]: `polish-key-${++keys}-abcdef`,
    ...env,
  });
}

describe.concurrent('polish', () => {
  it('no library name in a CLI error: check on a folder, a sandbox on a taken port', async ({ expect }) => {
    const folder = await tunekit(fixture.bin, ['check', fixture.data.dir, '--provider', 'openai']);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(`error FILE "${fixture.data.dir}" is a folder: give a JSONL file (or - for stdin)\n`);
    const port = new URL(onPoll.nebius.url).port;
    const taken = await tunekit(fixture.bin, ['sandbox', '--port', port]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(new RegExp(`^error cannot listen on 127\\.0\\.0\\.1:${port}: port ${port} is in use\\n`));
    expect(folder.stderr + taken.stderr).not.toMatch(/checkDataset|startSandbox|nothing was sent/);
  });

  it('counts in words that agree with them, with thousands separators; the estimate says it counts the framing', async ({ expect }) => {
    const one = join(fixture.data.dir, 'one.jsonl');
    await writeFile(one, `${chatLines(1)}${chatLines(1)}`);
    const small = await tunekit(fixture.bin, ['check', one, '--provider', 'nebius']);
    expect(small.stdout).toMatch(/· 2 examples · 0 errors, 1 warning\n/);
    const many = join(fixture.data.dir, 'many.jsonl');
    await writeFile(many, chatLines(1_200));
    const big = await tunekit(fixture.bin, ['check', many, '--provider', 'nebius']);
    expect(big.stdout).toMatch(/· 1,200 examples · 0 errors, 0 warnings\n/);
    expect(big.stdout).toMatch(/on 1,200 lines, [\d,]+ bytes/);
    expect(big.stdout).toContain("tokens (estimate, characters ÷ 4, plus each message's framing)");
  });

  it("a sandbox script's wrong status reads as a sentence", async ({ expect }) => {
    expect(() => onPoll.openai.script({ fail: { at: 'bogus' as 'queued' } })).toThrow(
      /status "bogus" is not a status a job passes through/,
    );
  });

  it('Ctrl-C while watching is told as an interruption, not as an error', async ({ expect }) => {
    await using still = await startSandbox({ provider: 'openai', clock: 'manual' });
    const key = { OPENAI_API_KEY: 'polish-ctrl-c-key-abcdef' };
    const created = await tunekit(
      fixture.bin,
      ['--provider', 'openai', '--base-url', still.url, 'jobs', 'create', '--model', MODEL.openai, '--training-file', 'file-x'],
      key,
    );
    expect(created.code, created.stderr).toBe(0);
    const id = created.stdout.trim();
    const waited = await tunekit(
      fixture.bin,
      ['--provider', 'openai', '--base-url', still.url, 'jobs', 'wait', id, '--poll-interval', '100ms'],
      { ...key, FORCE_COLOR: '1' },
      (child) => {
        setTimeout(() => child.kill('SIGINT'), 1_500);
      },
    );
    expect(waited.code).toBe(130);
    expect(waited.stderr).toMatch(/^\x1b\[33minterrupted\x1b\[39m stopped watching job/m);
    expect(waited.stderr).not.toMatch(/\x1b\[31m/);
  });

  it('--lora is echoed as written, and the learning-rate refusal names the flag to use', async ({ expect }) => {
    const lora = await run('openai', ['train', fixture.data.train, '--model', MODEL.openai, '--lora']);
    expect(lora.code).toBe(2);
    expect(lora.stderr).toMatch(/^error --lora cannot be sent to openai: /);
    const noLora = await run('openai', ['train', fixture.data.train, '--model', MODEL.openai, '--no-lora']);
    expect(noLora.stderr).toMatch(/^error --no-lora cannot be sent to openai: /);
    const rate = await run('openai', ['train', fixture.data.train, '--model', MODEL.openai, '--learning-rate', '0.0002']);
    expect(rate.stderr).toContain('set it with --option method.supervised.hyperparameters.learning_rate_multiplier=…');
    expect(rate.stderr).not.toContain('providerOptions');
  });

  it('train prints each plain line once: no second "uploaded", no 100% beside it, no restart of the upload lines on a retry', async ({
    expect,
  }) => {
    await using sandbox = await startSandbox({ provider: 'openai', clock: 'on-poll' });
    sandbox.script({ fault: 503, times: 2, match: 'POST /files' });
    const trained = await run('openai', ['train', fixture.data.train, '--model', MODEL.openai, '--poll-interval', '100ms'], sandbox);
    expect(trained.code).toBe(0);
    const lines = trained.stderr.split('\n').map((line) => line.replace(/^\[\d:\d\d:\d\d\] /, ''));
    expect(lines.filter((line) => /^uploaded the training file: file-/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => / is uploaded$/.test(line))).toEqual([]);
    expect(lines.filter((line) => /^uploading .*\(100%\)$/.test(line))).toEqual([]);
    const uploading = lines.filter((line) => line.startsWith('uploading the training file'));
    expect(new Set(uploading).size).toBe(uploading.length);
  });

  it('-o and --html to a folder that does not exist: a usage error before any request, never ENOENT', async ({ expect }) => {
    const before = onPoll.openai.requests.length;
    const content = await run('openai', ['files', 'content', 'file-x', '-o', '/nonexistent/folder/out.jsonl']);
    expect(content.code).toBe(2);
    expect(content.stderr).toBe(
      'error -o "/nonexistent/folder/out.jsonl": the folder /nonexistent/folder does not exist\ncreate it first, or write somewhere else\n',
    );
    const html = await run('openai', ['jobs', 'metrics', 'ftjob-x', '--html', '/nonexistent/loss.html']);
    expect(html.code).toBe(2);
    expect(html.stderr).toContain('--html "/nonexistent/loss.html": the folder /nonexistent does not exist');
    expect(content.stderr + html.stderr).not.toContain('ENOENT');
    expect(onPoll.openai.requests.length).toBe(before);
  });

  it('check reads stdin (-) and process substitution', async ({ expect }) => {
    const stdin = spawnSync(process.execPath, [fixture.bin, 'check', '-', '--provider', 'openai'], {
      input: chatLines(12),
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(stdin.status).toBe(0);
    expect(stdin.stdout).toMatch(/^stdin: OK for openai · chat format · 12 examples/);
    const substituted = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${fixture.bin}" check <(cat "${fixture.data.train}") --provider openai`],
      { env: cleanEnv(), encoding: 'utf8' },
    );
    expect(substituted.status).toBe(0);
    expect(substituted.stdout).toMatch(/^\/dev\/fd\/\d+: OK for openai · chat format · 40 examples/);
  });

  it("a command's --help lists the global flags too", async ({ expect }) => {
    const help = await tunekit(fixture.bin, ['jobs', 'list', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--provider <name>', '--base-url <url>', '--json', '--log <level>']) expect(help.stdout).toContain(flag);
  });

  it('dates carry their zone', async ({ expect }) => {
    const as = (args: string[], env: Record<string, string> = {}) =>
      tunekit(fixture.bin, ['--provider', 'nebius', '--base-url', onPoll.nebius.url, ...args], {
        NEBIUS_API_KEY: 'polish-dates-key-abcdef',
        ...env,
      });
    const created = await as(['jobs', 'create', '--model', MODEL.nebius, '--training-file', 'file-x']);
    expect(created.code, created.stderr).toBe(0);
    const shown = await as(['jobs', 'get', created.stdout.trim()], { TZ: 'Asia/Kolkata' });
    expect(shown.stdout).toMatch(/^created +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+05:30$/m);
  });
});

describe('the demo', () => {
  it('ends its step bar at the last step', async ({ expect }) => {
    const demo = await new Promise<{ code: number | null; stdout: string }>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'examples/demo.ts'), '--provider', 'openai'], {
        cwd: repoRoot,
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.once('close', (code) => done({ code, stdout }));
    });
    expect(demo.code).toBe(0);
    const steps = [...demo.stdout.matchAll(/step +(\d+)\/(\d+) /g)];
    expect(steps.at(-1)?.[1]).toBe(steps.at(-1)?.[2]);
  }, 60_000);
});
