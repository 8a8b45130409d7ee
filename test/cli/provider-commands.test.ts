import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { startSandbox } from '../../src/testing.js';
import { cliFixture, json, KEY_ENV, lines, MODEL, tunekit, type Provider } from './support.js';

/** Each provider's own commands (declared as data in src/cli/providers/), in --json mode and for people. */

const cli = cliFixture();

const MINUTE = 60_000;

function runner(provider: Provider, url: string, key = `key-${provider}-${Math.random().toString(36).slice(2)}`) {
  return (...args: string[]) => tunekit(cli.bin, ['--provider', provider, '--base-url', url, ...args], { [KEY_ENV[provider]]: key });
}

describe.concurrent('provider commands', () => {
  it('openai: jobs pause and jobs resume', async ({ expect }) => {
    await using sandbox = await startSandbox({ provider: 'openai', clock: 'manual' });
    const run = runner('openai', sandbox.url);
    const file = json(await run('--json', 'files', 'upload', cli.data.train)) as { id: string };
    const job = json(await run('--json', 'jobs', 'create', '--model', MODEL.openai, '--training-file', file.id)) as { id: string };
    sandbox.advance(30 * MINUTE);
    const paused = await run('--json', 'jobs', 'pause', job.id);
    expect(paused).toMatchObject({ code: 0, stderr: '' });
    expect(json(paused)).toMatchObject({ provider: 'openai', id: job.id, status: 'paused', providerStatus: 'paused' });
    const resumed = await run('jobs', 'resume', job.id);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`^✓ resumed ${job.id}: now \\w+\\n$`));
    expect(resumed.stdout).toMatch(new RegExp(`^id\\s+${job.id}\\nprovider\\s+openai\\nstatus\\s+`));
  });

  it('together: jobs price, jobs download, jobs delete', async ({ expect }) => {
    await using sandbox = await startSandbox({ provider: 'together', clock: 'on-poll' });
    const run = runner('together', sandbox.url);
    const file = json(await run('--json', 'files', 'upload', cli.data.train)) as { id: string };
    const price = await run('--json', 'jobs', 'price', '--model', MODEL.together, '--training-file', file.id, '--epochs', '3', '--no-lora');
    expect(price).toMatchObject({ code: 0, stderr: '' });
    expect(json(price)).toEqual({
      estimated_total_price: expect.any(Number),
      allowed_to_proceed: true,
      user_limit: 100,
      estimated_train_token_count: expect.any(Number),
      estimated_eval_token_count: expect.any(Number),
    });
    const sent = sandbox.requests.find((r) => r.operation === 'POST /fine-tunes/estimate-price');
    expect(sent?.body).toEqual({ training_file: file.id, model: MODEL.together, n_epochs: 3, training_type: { type: 'Full' } });
    const priced = await run('jobs', 'price', '--model', MODEL.together, '--training-file', file.id);
    expect(priced.stdout).toMatch(/^estimated price\s+\$\d+\.\d\d\ntraining tokens\s+[\d,]+\n/);

    const trained = lines((await run('--json', 'train', file.id, '--model', MODEL.together, '--poll-interval', '5ms')).stdout).at(-1) as {
      job: { id: string };
    };
    const target = join(cli.data.dir, 'weights.tar.zst');
    const downloaded = await run('--json', 'jobs', 'download', trained.job.id, '--checkpoint', 'adapter', '-o', target);
    expect(downloaded).toMatchObject({ code: 0, stderr: '' });
    const { size } = await stat(target);
    expect(json(downloaded)).toEqual({ id: trained.job.id, path: target, bytes: size });
    expect(size).toBeGreaterThan(0);
    expect(sandbox.requests.find((r) => r.path.endsWith('/finetune/download'))?.query).toEqual({
      ft_id: trained.job.id,
      checkpoint: 'adapter',
    });
    const badStep = await run('jobs', 'download', trained.job.id, '--checkpoint', 'latest');
    expect(badStep).toMatchObject({ code: 2, stderr: 'error --checkpoint "latest" must be merged, adapter or a step number\n' });

    const deleted = await run('--json', 'jobs', 'delete', trained.job.id);
    expect(deleted.code).toBe(0);
    expect(json(deleted)).toMatchObject({ id: trained.job.id });
    expect((await run('--json', 'jobs', 'get', trained.job.id)).code).toBe(1);
  });

  it('nebius: train --deploy ends with a model to call; models list, get, delete', async ({ expect }) => {
    await using sandbox = await startSandbox({ provider: 'nebius', clock: 'on-poll' });
    const run = runner('nebius', sandbox.url, 'key-nebius-models');
    const trained = await run(
      '--json',
      'train',
      cli.data.train,
      '--model',
      MODEL.nebius,
      '--deploy',
      '--deploy-name',
      'cli-bot',
      '--poll-interval',
      '5ms',
    );
    expect(trained).toMatchObject({ code: 0, stderr: '' });
    const stream = lines(trained.stdout);
    const result = stream.at(-1) as { model: string; job: { status: string } };
    expect(result).toMatchObject({ type: 'result', job: { status: 'succeeded' }, model: expect.stringContaining('cli-bot') });
    expect(
      stream
        .filter((l) => l['type'] === 'deploy')
        .map((l) => l['status'])
        .at(-1),
    ).toBe('active');

    const models = json(await run('--json', 'models', 'list')) as { name: string }[];
    expect(models.map((m) => m.name)).toEqual([result.model]);
    const got = json(await run('--json', 'models', 'get', result.model)) as { name: string; status: string; created_at: number };
    expect(got).toMatchObject({ name: result.model, status: 'active' });
    // The CREATED column is the model's created_at (seconds) in the terminal's time zone, here UTC.
    const table = await tunekit(cli.bin, ['--provider', 'nebius', '--base-url', sandbox.url, 'models', 'list'], {
      [KEY_ENV.nebius]: 'key-nebius-models',
      TZ: 'UTC',
    });
    const created = new Date(got.created_at * 1000).toISOString().slice(0, 19).replace('T', ' ') + ' +00:00'; // the CLI runs with TZ=UTC; dates carry their offset
    expect(table.stdout).toBe(`${result.model}\tactive\t${MODEL.nebius}\t${created}\n`);
    expect(json(await run('--json', 'models', 'delete', result.model))).toMatchObject({ name: result.model });
    expect(json(await run('--json', 'models', 'list'))).toEqual([]);

    const refused = await runner('openai', sandbox.url)('train', cli.data.train, '--model', 'm', '--deploy');
    expect(refused).toMatchObject({
      code: 2,
      stderr:
        'error --deploy cannot be used with openai: an OpenAI job names its model itself (fine_tuned_model); there is nothing to deploy\n',
    });
  });

  it('files content without -o writes the exact bytes to stdout', async ({ expect }) => {
    await using sandbox = await startSandbox({ provider: 'openai', clock: 'on-poll' });
    const run = runner('openai', sandbox.url);
    const file = json(await run('--json', 'files', 'upload', cli.data.train)) as { id: string };
    const content = await run('files', 'content', file.id);
    expect(content).toMatchObject({ code: 0, stderr: '' });
    expect(content.stdout).toBe(await readFile(cli.data.train, 'utf8'));
  });
});
