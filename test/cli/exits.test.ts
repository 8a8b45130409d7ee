import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { builtCli, CANARY, datasets, json, KEY_ENV, lines, MODEL, tunekit, type Provider, type Run } from './support.js';

/** Exit codes for each class of outcome, messages that name the flag, the value and the rule, and a key never printed. */

let bin = '';
let data: Awaited<ReturnType<typeof datasets>>;
/** Jobs move on every poll. */
let onPoll: Record<Provider, Sandbox>;
/** Jobs never move by themselves (a wait never ends). */
let still: Sandbox;
/** Accepts one key only. */
let locked: Sandbox;

beforeAll(async () => {
  bin = builtCli();
  data = await datasets();
  const [nebius, together, openai] = await Promise.all(
    (['nebius', 'together', 'openai'] as const).map((provider) => startSandbox({ provider, clock: 'on-poll' })),
  );
  onPoll = { nebius: nebius!, together: together!, openai: openai! };
  still = await startSandbox({ provider: 'nebius', clock: 'manual' });
  locked = await startSandbox({ provider: 'openai', clock: 'on-poll', apiKeys: ['the-only-good-key-123'] });
});
afterAll(async () => {
  await Promise.all([...Object.values(onPoll ?? {}), still, locked].map((sandbox) => sandbox?.close()));
  await rm(data.dir, { recursive: true, force: true });
});

/** Several CLIs start at once here: on a loaded 2-core machine a cold start can take seconds, so no tight timeout. */
const WIDE = { timeout: 120_000 };

let keys = 0;
/** Runs against `sandbox` with a key of its own (the sandbox keeps state per key). */
function runner(sandbox: Sandbox, key = `key-${++keys}-abcdef123456`) {
  const provider = sandbox.provider;
  return {
    key,
    run: (...args: string[]) => tunekit(bin, ['--provider', provider, '--base-url', sandbox.url, ...args], { [KEY_ENV[provider]]: key }),
  };
}

const errorOf = (run: Run): Record<string, unknown> => (lines(run.stderr)[0]?.['error'] ?? {}) as Record<string, unknown>;

describe.concurrent('exit code 2: usage and bad input, refused before any request', WIDE, () => {
  it('an unknown flag, with a pointer to --help; in --json mode as {"error": …}', async ({ expect }) => {
    const human = await tunekit(bin, ['jobs', 'list', '--bogus']);
    expect(human).toMatchObject({ code: 2, stdout: '' });
    expect(human.stderr).toBe("error unknown option '--bogus'\n(see tunekit --help, or tunekit COMMAND --help)\n");
    const machine = await tunekit(bin, ['--json', 'jobs', 'list', '--bogus']);
    expect(machine).toMatchObject({ code: 2, stdout: '' });
    expect(lines(machine.stderr)).toEqual([{ error: { type: 'UsageError', message: "unknown option '--bogus'", exitCode: 2 } }]);
  });

  it('a flag value that breaks its rule names the flag, the value and the rule', async ({ expect }) => {
    const { run } = runner(onPoll.together);
    const epochs = await run('train', data.train, '--model', 'm', '--epochs', 'zero');
    expect(epochs.code).toBe(2);
    expect(epochs.stderr).toContain("option '--epochs <n>' argument 'zero' is invalid. must be a whole number ≥ 1");
    const inputs = await run('train', data.train, '--model', 'm', '--train-on-inputs', 'maybe');
    expect(inputs.stderr).toContain("option '--train-on-inputs <value>' argument 'maybe' is invalid. must be true, false or auto");
    const wait = await run('jobs', 'wait', 'ft-1', '--max-wait', 'soon');
    expect(wait.stderr).toContain("argument 'soon' is invalid. must be a duration above 0");
    const space = await run('train', data.train, '--model', 'm', '--lora', 'false');
    expect(space.code).toBe(2);
    expect(space.stderr).toContain('--lora takes no value: write --lora=false (or --no-lora)');
  });

  it('a neutral option the provider cannot take, and a value its document forbids: nothing is sent, not even the upload', async ({
    expect,
  }) => {
    await using sandbox = await startSandbox({ provider: 'openai', clock: 'on-poll' });
    const { run } = runner(sandbox);
    const rate = await run('train', data.train, '--model', MODEL.openai, '--learning-rate', '0.0002');
    expect(rate).toMatchObject({ code: 2, stdout: '' });
    expect(rate.stderr).toMatch(/^error --learning-rate 0\.0002 cannot be sent to openai: OpenAI takes learning_rate_multiplier/);
    const inputs = await run('--json', 'train', data.train, '--model', MODEL.openai, '--train-on-inputs', 'false');
    expect(errorOf(inputs)).toMatchObject({
      type: 'ValidationError',
      exitCode: 2,
      problems: [{ field: '--train-on-inputs', value: false }],
    });
    const typo = await run('--json', 'train', data.train, '--model', MODEL.openai, '--option', 'n_epoch=3');
    expect(errorOf(typo)).toMatchObject({ type: 'ValidationError', problems: [{ field: '--option n_epoch', rule: 'unknown field' }] });
    expect(sandbox.requests).toEqual([]);

    await using nebius = await startSandbox({ provider: 'nebius', clock: 'on-poll' });
    const batch = await runner(nebius).run('train', data.train, '--model', MODEL.nebius, '--batch-size', '100', '--learning-rate', '-1');
    expect(batch.code).toBe(2);
    expect(batch.stderr).toContain("option '--learning-rate <x>' argument '-1' is invalid. must be a number ≥ 0");
    const big = await runner(nebius).run('--json', 'train', data.train, '--model', MODEL.nebius, '--batch-size', '100', '--lora-rank', '4');
    expect(errorOf(big)).toMatchObject({
      type: 'ValidationError',
      exitCode: 2,
      problems: [
        { field: '--batch-size', rule: 'maximum 64', value: 100 },
        { field: '--lora-rank', rule: 'minimum 8', value: 4 },
      ],
    });
    expect(nebius.requests).toEqual([]);
  });

  it('--train-on-inputs false is false (Together), and booleans take --flag=false', async ({ expect }) => {
    await using sandbox = await startSandbox({ provider: 'together', clock: 'on-poll' });
    const { run } = runner(sandbox);
    const file = json(await run('--json', 'files', 'upload', data.train)) as { id: string };
    for (const [flags, expected] of [
      [['--train-on-inputs', 'false'], false],
      [['--train-on-inputs', 'auto'], 'auto'],
      [['--train-on-inputs', 'TRUE'], true],
    ] as const) {
      const created = await run(
        '--json',
        'jobs',
        'create',
        '--model',
        MODEL.together,
        '--training-file',
        file.id,
        ...flags,
        '--lora=false',
      );
      expect(created.code).toBe(0);
      const sent = sandbox.requests.filter((r) => r.method === 'POST' && r.operation === 'POST /fine-tunes').at(-1);
      expect(sent?.body).toMatchObject({ train_on_inputs: expected, training_type: { type: 'Full' } });
    }
  });

  it('a missing file, a command of another provider, and no way to choose the provider', async ({ expect }) => {
    const { run } = runner(onPoll.nebius);
    const missing = await run('train', './no-such.jsonl', '--model', 'm');
    expect(missing).toMatchObject({ code: 2, stderr: 'error FILE "./no-such.jsonl" does not exist\n' });
    const pause = await run('jobs', 'pause', 'ftjob-1');
    expect(pause.code).toBe(2);
    expect(pause.stderr).toBe(
      'error jobs pause is a command of openai and azure only; nebius has no such operation\npass --provider openai to use it there\n',
    );
    const two = await tunekit(bin, ['jobs', 'list'], { NEBIUS_API_KEY: 'a-key-12345678', OPENAI_API_KEY: 'b-key-12345678' });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain(
      "more than one provider's API key is set (NEBIUS_API_KEY, OPENAI_API_KEY): say which with --provider nebius|openai or TUNEKIT_PROVIDER",
    );
  });
});

describe.concurrent('exit code 4: authentication', WIDE, () => {
  it('no key in the environment names the variable to set', async ({ expect }) => {
    const none = await tunekit(bin, ['--provider', 'together', 'jobs', 'list']);
    expect(none).toMatchObject({ code: 4, stdout: '' });
    expect(none.stderr).toBe(
      'error no API key for Together AI: set TOGETHER_API_KEY\ntunekit reads API keys only from the environment (never from a flag, which would land in your shell history)\n',
    );
    const nothing = await tunekit(bin, ['--json', 'jobs', 'list']);
    expect(nothing.code).toBe(4);
    expect(errorOf(nothing)).toMatchObject({ exitCode: 4 });
  });

  it('a key the provider refuses (401)', async ({ expect }) => {
    const refused = await runner(locked, 'a-wrong-key-1234567').run('--json', 'jobs', 'list');
    expect(refused).toMatchObject({ code: 4, stdout: '' });
    expect(errorOf(refused)).toMatchObject({ type: 'AuthenticationError', status: 401, exitCode: 4 });
    expect((await runner(locked, 'the-only-good-key-123').run('--json', 'jobs', 'list')).code).toBe(0);
  });
});

describe.concurrent('exit codes 1, 3 and 130 while a job is watched', WIDE, () => {
  it("1: the job fails, with the provider's code and message", async ({ expect }) => {
    const { key, run } = runner(onPoll.openai);
    onPoll.openai.script({ apiKey: key, fail: { at: 'running', code: 'out_of_memory', message: 'The job ran out of memory' } });
    const failed = await run('train', data.train, '--model', MODEL.openai, '--poll-interval', '5ms');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/error openai job ftjob-\S+ failed: The job ran out of memory \(out_of_memory\)\n$/);
    const job = failed.stderr.match(/job (ftjob-\S+) failed/)?.[1] ?? '';
    const again = await run('--json', 'jobs', 'wait', job);
    expect(errorOf(again)).toEqual({
      type: 'JobFailedError',
      message: expect.any(String),
      exitCode: 1,
      jobId: job,
      code: 'out_of_memory',
      providerMessage: 'The job ran out of memory',
    });
  });

  it('3: --max-wait passes while the job runs on; the error says how to resume', async ({ expect }) => {
    const { run } = runner(still);
    const file = json(await run('--json', 'files', 'upload', data.train)) as { id: string };
    const job = json(await run('--json', 'jobs', 'create', '--model', MODEL.nebius, '--training-file', file.id)) as { id: string };
    const waited = await run('jobs', 'wait', job.id, '--max-wait', '2s', '--poll-interval', '20ms');
    expect(waited.code).toBe(3);
    expect(waited.stderr).toContain(
      `error job ${job.id} is still validating after --max-wait; it keeps running\nresume watching: tunekit --provider nebius --base-url ${still.url} jobs wait ${job.id}\n`,
    );
    const machine = await run('--json', 'jobs', 'wait', job.id, '--max-wait', '1s', '--poll-interval', '20ms');
    expect(machine.code).toBe(3);
    expect(lines(machine.stderr).at(-1)).toEqual({
      error: {
        type: 'WaitTimeout',
        message: expect.any(String),
        exitCode: 3,
        jobId: job.id,
        status: 'validating',
        resume: `tunekit --provider nebius --base-url ${still.url} jobs wait ${job.id}`,
        hint: expect.any(String),
      },
    });
  });

  it('130: Ctrl-C stops watching, never the job, and prints the command that resumes', async ({ expect }) => {
    const { key, run } = runner(still);
    const file = json(await run('--json', 'files', 'upload', data.train)) as { id: string };
    const job = json(await run('--json', 'jobs', 'create', '--model', MODEL.nebius, '--training-file', file.id)) as { id: string };
    const args = ['--provider', 'nebius', '--base-url', still.url, 'jobs', 'wait', job.id, '--poll-interval', '20ms'];
    // Ctrl-C once the first progress line is out (plain mode: stderr is not a terminal).
    const interrupted = await tunekit(bin, args, { NEBIUS_API_KEY: key }, (child) =>
      child.stderr?.once('data', () => child.kill('SIGINT')),
    );
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/^\[\d:\d\d:\d\d\] /);
    expect(interrupted.stderr).toContain(
      `interrupted stopped watching job ${job.id}; the job keeps running\nresume watching: tunekit --provider nebius --base-url ${still.url} jobs wait ${job.id}\n`,
    );
    expect(still.requests.some((r) => r.path.endsWith('/cancel'))).toBe(false);
    expect((json(await run('--json', 'jobs', 'get', job.id)) as { status: string }).status).toBe('validating');
  });
});

describe.concurrent('the API key is never printed', WIDE, () => {
  it('not in output, logs (--log debug) or errors, in either mode', async ({ expect }) => {
    const { run } = runner(onPoll.together, CANARY);
    const runs = [
      await run('--log', 'debug', 'files', 'upload', data.train),
      await run('--log', 'debug', '--json', 'jobs', 'list'),
      await run('--log', 'debug', 'jobs', 'get', 'ft-missing'),
      await run('--log', 'debug', '--json', 'jobs', 'get', 'ft-missing'),
      await run('--log', 'debug', 'train', data.train, '--model', MODEL.together, '--poll-interval', '5ms'),
      await runner(locked, CANARY).run('--log', 'debug', 'jobs', 'list'),
      await runner(locked, CANARY).run('--log', 'debug', '--json', 'jobs', 'list'),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 1, 1, 0, 4, 4]);
    expect(runs[2]?.stderr).toContain('[tunekit] together GET /v1/fine-tunes/ft-missing');
    for (const result of runs) {
      expect(result.stdout).not.toContain(CANARY);
      expect(result.stderr).not.toContain(CANARY);
      expect(result.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // never a stack trace
    }
  });
});
