/**
 * The neutral method and job-option flags of `tunekit train`: mapped to each provider's own fields (as the sandbox
 * received them) or refused with the reason and exit 2 before anything is sent; the W&B key and the Hugging Face
 * token come from the environment only and never appear in stdout or stderr, human or --json.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testing.js';
import { builtCli, datasets, KEY_ENV, lines, MODEL, tunekit } from './support.js';
import { preferencePairs } from '../support/jsonl.js';

const WANDB_KEY = 'wandb-cli-canary-5e4d3c2b1a';
const HF_TOKEN = 'hf_cliCanaryToken0987654321';
let bin = '';
let data: Awaited<ReturnType<typeof datasets>>;
/** Preference pairs: what a dpo job's file must hold (train checks the file for the job's method). */
let preference = '';
beforeAll(async () => {
  bin = builtCli();
  data = await datasets();
  preference = join(data.dir, 'preference.jsonl');
  await writeFile(preference, preferencePairs(40));
}, 120_000);
afterAll(async () => {
  await rm(data.dir, { recursive: true, force: true });
});

const run = (sandbox: Sandbox, ...args: string[]) =>
  tunekit(bin, ['--provider', sandbox.provider, '--base-url', sandbox.url, ...args], {
    [KEY_ENV[sandbox.provider]]: 'key-methods-abcdef123456',
    WANDB_API_KEY: WANDB_KEY,
    HF_TOKEN,
  });

const creates = (sandbox: Sandbox) => sandbox.requests.filter((r) => r.method === 'POST' && /fine[-_]tun(es|ing\/jobs)$/.test(r.path));

describe.concurrent('tunekit train: methods and job options', { timeout: 120_000 }, () => {
  it('together: dpo, a Hugging Face start, seed and W&B reach its own fields; no secret in any output', async ({ expect }) => {
    await using sandbox = await startSandbox({ provider: 'together', clock: 'on-poll' });
    for (const json of [[], ['--json']]) {
      const result = await run(
        sandbox,
        ...json,
        'train',
        preference,
        '--model',
        MODEL.together,
        '--method',
        'dpo',
        '--dpo-beta',
        '0.2',
        '--from-checkpoint',
        'hf:org/llama-tuned@main',
        '--seed',
        '3',
        '--wandb-project',
        'tunekit',
        '--wandb-name',
        'run-1',
        '--no-wait',
      );
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(WANDB_KEY);
      expect(result.stdout + result.stderr).not.toContain(HF_TOKEN);
    }
    expect(creates(sandbox)[0]?.body).toMatchObject({
      training_method: { method: 'dpo', dpo_beta: 0.2 },
      from_hf_model: 'org/llama-tuned',
      hf_model_revision: 'main',
      hf_api_token: '[redacted]',
      random_seed: 3,
      wandb_project_name: 'tunekit',
      wandb_name: 'run-1',
      wandb_api_key: '[redacted]',
    });
  });

  it('openai: the W&B key stays in the organization (not sent); tags refused with the reason, exit 2, nothing sent', async ({ expect }) => {
    await using sandbox = await startSandbox({ provider: 'openai', clock: 'on-poll' });
    const tags = await run(sandbox, '--json', 'train', data.train, '--model', MODEL.openai, '--tag', 'x', '--wandb-project', 'p');
    expect(tags.code).toBe(2);
    expect(lines(tags.stderr)[0]).toMatchObject({ error: { type: 'ValidationError', problems: [{ field: '--tag' }] } });
    expect(tags.stderr).toContain('OpenAI has no job tags');
    expect(sandbox.requests).toEqual([]);
    const wandb = await run(sandbox, 'train', data.train, '--model', MODEL.openai, '--wandb-project', 'p', '--seed', '5', '--no-wait');
    expect(wandb.code).toBe(0);
    expect(creates(sandbox)[0]?.body).toMatchObject({ seed: 5, integrations: [{ type: 'wandb', wandb: { project: 'p' } }] });
    expect(JSON.stringify(sandbox.requests)).not.toContain(WANDB_KEY);
    expect(wandb.stdout + wandb.stderr).not.toContain(WANDB_KEY);
  });

  it('nebius: dpo refused naming its methods; --dpo-beta without --method dpo is a usage error', async ({ expect }) => {
    await using sandbox = await startSandbox({ provider: 'nebius', clock: 'on-poll' });
    const dpo = await run(sandbox, 'train', data.train, '--model', MODEL.nebius, '--method', 'dpo');
    expect(dpo.code).toBe(2);
    expect(dpo.stderr).toContain("Nebius's document has the methods supervised and spec-draft");
    const beta = await run(sandbox, 'train', data.train, '--model', MODEL.nebius, '--dpo-beta', '0.1');
    expect(beta.code).toBe(2);
    expect(beta.stderr).toContain('--dpo-beta goes with --method dpo');
    expect(sandbox.requests).toEqual([]);
  });
});
