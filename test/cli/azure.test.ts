/**
 * `tunekit --provider azure` against the Azure sandbox, as a user runs it: train from a local file (the upload is
 * processed first; the result names the fine-tuned model), `jobs copy-checkpoint` (a copy, then its status),
 * `jobs pause` refused by the sandbox, `train --deploy` refused with Azure's deployment words, and the key never
 * printed.
 */
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/testing.js';
import { cliFixture, json, lines, tunekit } from './support.js';

const cli = cliFixture();
const KEY = 'azure-cli-key-0d9e1c7b5a3f';
const MODEL = 'gpt-4.1-mini-2025-04-14';
const FAST = ['--poll-interval', '5ms'];
const DESTINATION = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/other';

describe('tunekit --provider azure', () => {
  it('trains from a local file to a succeeded job, copies a checkpoint and reads the copy, never printing the key', async () => {
    await using sandbox = await startSandbox({ provider: 'azure', clock: 'on-poll' });
    const run = (...args: string[]) =>
      tunekit(cli.bin, ['--provider', 'azure', '--base-url', sandbox.url, ...args], { AZURE_OPENAI_API_KEY: KEY });

    const trained = await run('--json', 'train', cli.data.train, '--model', MODEL, '--epochs', '2', ...FAST);
    expect(trained).toMatchObject({ code: 0, stderr: '' });
    const stream = lines(trained.stdout);
    expect(stream.some((line) => line['type'] === 'processing')).toBe(true);
    const result = stream.at(-1) as { type: string; job: { id: string; status: string }; model?: string; checkpoints: { id: string }[] };
    expect(result).toMatchObject({
      type: 'result',
      job: { status: 'succeeded' },
      model: expect.stringMatching(/^gpt-4\.1-mini-2025-04-14\.ft-[0-9a-f]{32}$/),
    });
    const checkpoint = result.checkpoints.at(-1)?.id ?? '';
    expect(checkpoint).toMatch(/^ftckpt_/);

    const copied = await run(
      '--json',
      'jobs',
      'copy-checkpoint',
      result.job.id,
      checkpoint,
      '--destination',
      DESTINATION,
      '--region',
      'swedencentral',
    );
    expect(copied).toMatchObject({ code: 0, stderr: '' });
    expect(json(copied)).toMatchObject({
      fineTuningJobId: result.job.id,
      copiedAccountDetails: [{ destinationResourceId: DESTINATION, region: 'swedencentral', status: 'InProgress' }],
    });
    const status = await run('jobs', 'copy-checkpoint', result.job.id, checkpoint);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/InProgress\tswedencentral\t\/subscriptions\/0000/);
    const half = await run('jobs', 'copy-checkpoint', result.job.id, checkpoint, '--region', 'swedencentral');
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/--destination and --region go together/);

    // For people: the model is named, and how to make it callable is said.
    const human = await run('train', cli.data.train, '--model', MODEL, '--epochs', '1', ...FAST);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/model to call\s+gpt-4\.1-mini-2025-04-14\.ft-[0-9a-f]{32}/);
    expect(human.stderr).toMatch(/deployed: create a deployment of it on your resource through Azure's management API/);

    for (const output of [trained, copied, status, half, human]) expect(`${output.stdout}${output.stderr}`).not.toContain(KEY);
  });

  it('jobs pause is refused by the sandbox (no paused status in the document); train --deploy says how Azure deploys', async () => {
    await using sandbox = await startSandbox({ provider: 'azure', clock: 'on-poll' });
    const run = (...args: string[]) =>
      tunekit(cli.bin, ['--provider', 'azure', '--base-url', sandbox.url, ...args], { AZURE_OPENAI_API_KEY: KEY });
    const created = await run('--json', 'train', cli.data.train, '--model', MODEL, '--no-wait', ...FAST);
    expect(created.code).toBe(0);
    const job = (lines(created.stdout).at(-1) as { job: { id: string } }).job;
    const paused = await run('jobs', 'pause', job.id);
    expect(paused.code).toBe(1);
    expect(paused.stderr).toMatch(/no "paused"/);
    const deploy = await run('train', cli.data.train, '--model', MODEL, '--deploy');
    expect(deploy.code).toBe(2);
    expect(deploy.stderr).toMatch(/management API/);
  });
});
