import { afterAll, beforeAll, describe, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { cliFixture, KEY_ENV, lines, MODEL, tunekit, type Provider, type Run } from './support.js';

/**
 * What a new user hit in tunekit's second hour (issue 15), on the real bin against real sandboxes: each refusal is a
 * usage error (exit 2) that names the flag or variable, the value and the rule, before anything is sent.
 */

const fixture = cliFixture();
let sandboxes: Record<Provider, Sandbox>;
beforeAll(async () => {
  const [nebius, together, openai] = await Promise.all(
    (['nebius', 'together', 'openai'] as const).map((provider) => startSandbox({ provider, clock: 'on-poll' })),
  );
  sandboxes = { nebius: nebius!, together: together!, openai: openai! };
});
afterAll(async () => {
  await Promise.all(Object.values(sandboxes ?? {}).map((sandbox) => sandbox.close()));
});

let keys = 0;
function run(provider: Provider, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const sandbox = sandboxes[provider];
  return tunekit(fixture.bin, ['--provider', provider, '--base-url', sandbox.url, ...args], {
    [KEY_ENV[provider]]: `second-hour-key-${++keys}`,
    ...env,
  });
}
const errorOf = (run: Run): Record<string, unknown> => (lines(run.stderr)[0]?.['error'] ?? {}) as Record<string, unknown>;

describe.concurrent('commands printed for the user to run', () => {
  it('start with npx tunekit when tunekit was run through npm (npx, npm exec), else tunekit (item 2)', async ({ expect }) => {
    await using still = await startSandbox({ provider: 'openai', clock: 'manual' });
    const env = { OPENAI_API_KEY: 'printed-commands-key', npm_command: 'exec' };
    const base = ['--provider', 'openai', '--base-url', still.url];
    // The file's processing needs simulated time; the job then stands still (nothing moves the clock).
    const ticking = setInterval(() => still.advance(10_000), 50);
    const created = await tunekit(
      fixture.bin,
      [...base, 'train', fixture.data.train, '--model', MODEL.openai, '--no-wait', '--poll-interval', '100ms'],
      env,
    ).finally(() => clearInterval(ticking));
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    expect(created.stderr).toContain(`follow it: npx tunekit --provider openai --base-url ${still.url} jobs wait ${id}`);
    const waited = await tunekit(fixture.bin, [...base, 'jobs', 'wait', id, '--max-wait', '1s', '--poll-interval', '200ms'], env);
    expect(waited.code).toBe(3);
    expect(waited.stderr).toContain(`resume watching: npx tunekit --provider openai --base-url ${still.url} jobs wait ${id}`);
    const usage = await tunekit(fixture.bin, ['jobs', 'list', '--bogus'], env);
    expect(usage.stderr).toContain('(see npx tunekit --help, or npx tunekit COMMAND --help)');
    // Run as an installed bin (no npm around it): plain tunekit.
    const direct = await tunekit(fixture.bin, [...base, 'jobs', 'wait', id, '--max-wait', '1s', '--poll-interval', '200ms'], {
      OPENAI_API_KEY: 'printed-commands-key',
    });
    expect(direct.stderr).toContain(`resume watching: tunekit --provider openai --base-url ${still.url} jobs wait ${id}`);
  });
});

describe.concurrent('refused before anything is sent', () => {
  it('--option n_epoch=3 suggests the nested field (and its flag) on every provider (item 6)', async ({ expect }) => {
    for (const provider of ['nebius', 'together', 'openai'] as const) {
      const typo = await run(provider, ['train', fixture.data.train, '--model', MODEL[provider], '--option', 'n_epoch=3']);
      expect(typo.code, provider).toBe(2);
      expect(typo.stderr, provider).toMatch(
        /--option n_epoch: n_epoch = 3 is not a field the document names \(did you mean (--epochs|n_epochs)/,
      );
    }
    const nebius = await run('nebius', ['--json', 'train', fixture.data.train, '--model', MODEL.nebius, '--option', 'n_epoch=3']);
    expect(errorOf(nebius)).toMatchObject({
      problems: [{ field: '--option n_epoch', suggestion: '--epochs (or --option hyperparameters.n_epochs=…)' }],
    });
    const openai = await run('openai', ['--json', 'train', fixture.data.train, '--model', MODEL.openai, '--option', 'n_epoch=3']);
    expect(errorOf(openai)).toMatchObject({
      problems: [
        {
          field: '--option n_epoch',
          suggestion: expect.stringMatching(/^--epochs \(or --option (method\.supervised\.)?hyperparameters\.n_epochs=…\)$/),
        },
      ],
    });
    const batch = await run('nebius', ['--json', 'train', fixture.data.train, '--model', MODEL.nebius, '--option', 'bach_size=8']);
    expect(errorOf(batch)).toMatchObject({ problems: [{ suggestion: '--batch-size (or --option hyperparameters.batch_size=…)' }] });
  });

  it('--timeout 700h is refused by the CLI, and timeoutMs ≥ 2³¹ by the library, instead of firing at once (item 7)', async ({ expect }) => {
    const cli = await run('openai', ['--timeout', '700h', 'jobs', 'list']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(
      "option '--timeout <duration>' argument '700h' is invalid. must be at most 24d (596h), the longest timer Node can arm",
    );
    expect(cli.stderr).not.toContain('TimeoutOverflowWarning');
    const ok = await run('openai', ['--timeout', '24d', 'jobs', 'list']);
    expect(ok.code).toBe(0);

    const { createOpenAIClient } = await import('../../src/providers/openai/client.js');
    expect(() => createOpenAIClient({ apiKey: 'k', baseUrl: sandboxes.openai.url, timeoutMs: 2 ** 31 })).toThrow(
      /timeoutMs = 2147483648 must be at most 2147483647 ms/,
    );
    const client = createOpenAIClient({ apiKey: 'library-timeout-key', baseUrl: sandboxes.openai.url });
    const before = sandboxes.openai.requests.length;
    await expect(client.jobs.list({}, { timeoutMs: 700 * 3_600_000 })).rejects.toThrow(
      /options\.timeoutMs = 2520000000 must be at most 2147483647 ms/,
    );
    expect(sandboxes.openai.requests.length).toBe(before);
    // Within the limit, a long deadline is a long deadline: the call succeeds.
    await expect(client.jobs.list({}, { timeoutMs: 2 ** 31 - 1 })).resolves.toMatchObject({ items: [] });
  });

  it('a bad TUNEKIT_LOG is a usage error about the variable (item 10)', async ({ expect }) => {
    const bad = await run('openai', ['jobs', 'list'], { TUNEKIT_LOG: 'verbose' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error TUNEKIT_LOG "verbose" is not a log level: use one of off, error, warn, info, debug\n/);
    expect(bad.stderr).not.toContain('logLevel');
    const json = await run('openai', ['--json', 'jobs', 'list'], { TUNEKIT_LOG: 'verbose' });
    expect(errorOf(json)).toMatchObject({ type: 'UsageError', exitCode: 2 });
    const check = await tunekit(fixture.bin, ['check', fixture.data.train, '--provider', 'openai'], { TUNEKIT_LOG: 'loud' });
    expect(check.code).toBe(2);
    // --log wins over the variable; a good value still works.
    expect((await run('openai', ['--log', 'off', 'jobs', 'list'], { TUNEKIT_LOG: 'verbose' })).code).toBe(0);
    const debug = await run('openai', ['jobs', 'list'], { TUNEKIT_LOG: 'DEBUG' });
    expect(debug.code).toBe(0);
    expect(debug.stderr).toContain('[tunekit] ');
  });

  it('--option model=… beside --model is refused, not dropped (item 11)', async ({ expect }) => {
    const before = sandboxes.nebius.requests.length;
    const model = await run('nebius', ['train', fixture.data.train, '--model', MODEL.nebius, '--option', 'model=other/model']);
    expect(model.code).toBe(2);
    expect(model.stderr).toContain(`--option model="other/model" contradicts --model ${MODEL.nebius}: set it in one place (--model)`);
    const file = await run('nebius', [
      'jobs',
      'create',
      '--model',
      MODEL.nebius,
      '--training-file',
      'file-a',
      '--option',
      'training_file=file-b',
    ]);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('--option training_file="file-b" contradicts --training-file file-a');
    expect(sandboxes.nebius.requests.length).toBe(before);
    // The same value twice is no contradiction.
    const same = await run('nebius', [
      '--json',
      'jobs',
      'create',
      '--model',
      MODEL.nebius,
      '--training-file',
      'file-a',
      '--option',
      `model=${MODEL.nebius}`,
    ]);
    expect(errorOf(same)['type']).not.toBe('ValidationError');
  });
});
