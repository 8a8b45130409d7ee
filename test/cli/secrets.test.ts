/**
 * A Hugging Face token or a W&B key given with `--option` never shows in the CLI's output (human or `--json`, stdout or
 * stderr) when the request around it is invalid: refused with exit code 2 before any request, naming the field the
 * value most nearly breaks. Against the real sandbox, with the bin bundled as the package builds it.
 */
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/testing.js';
import { cliFixture, KEY_ENV, lines, MODEL, tunekit, type Provider } from './support.js';

const cli = cliFixture();
const HF = 'hf_CANARYcli0000000000000000000000000000';
const WANDB = 'CANARYcliwandb0123456789abcdef0123456789';

interface Case {
  name: string;
  provider: Provider;
  canary: string;
  /** The `--option` arguments. */
  options: string[];
  /** A problem `--json` reports (the one the value most nearly breaks). */
  field: string;
  rule: string;
}

const cases: Case[] = [
  {
    name: 'Nebius from_checkpoint from Hugging Face with repo: 42 beside the token',
    provider: 'nebius',
    canary: HF,
    options: ['--option', `from_checkpoint=${JSON.stringify({ type: 'hf', repo: 42, token: HF })}`],
    field: '--option from_checkpoint.repo',
    rule: 'type string',
  },
  {
    name: 'Nebius from_checkpoint with the token under a name no branch knows',
    provider: 'nebius',
    canary: HF,
    options: ['--option', 'from_checkpoint.type=ft', '--option', `from_checkpoint.hf_token=${HF}`],
    field: '--option from_checkpoint.hf_token',
    rule: 'unknown field',
  },
  {
    name: 'Nebius W&B integration with the key one level too high',
    provider: 'nebius',
    canary: WANDB,
    options: ['--option', `integrations=${JSON.stringify([{ type: 'wandb', api_key: WANDB, wandb: { project: 'p' } }])}`],
    field: '--option integrations[0].api_key',
    rule: 'unknown field',
  },
  {
    name: 'Nebius integrations as an object holding the W&B key (a whole value shown as a placeholder)',
    provider: 'nebius',
    canary: WANDB,
    options: ['--option', `integrations=${JSON.stringify({ wandb: { project: 'p', api_key: WANDB }, note: 'n' })}`],
    field: '--option integrations',
    rule: 'type array or type null',
  },
  {
    name: 'Together hf_api_token beside an unknown field',
    provider: 'together',
    canary: HF,
    options: ['--option', `hf_api_token=${HF}`, '--option', 'from_hf_modle=org/model'],
    field: '--option from_hf_modle',
    rule: 'unknown field',
  },
  {
    name: 'Together: a Hugging Face token under a name the document does not know',
    provider: 'together',
    canary: HF,
    options: ['--option', `hf_token=${HF}`],
    field: '--option hf_token',
    rule: 'unknown field',
  },
  {
    name: 'OpenAI W&B integration with a key the document does not name, beside a wrong project',
    provider: 'openai',
    canary: WANDB,
    options: ['--option', `integrations=${JSON.stringify([{ type: 'wandb', wandb: { project: 1, api_key: WANDB } }])}`],
    field: '--option integrations[0].wandb.project',
    rule: 'type string',
  },
];

describe('tunekit train --option: a secret beside an invalid request is never printed', () => {
  it.each(cases)('$name', async (c) => {
    await using sandbox = await startSandbox({ provider: c.provider, clock: 'on-poll' });
    const key = `cli-secret-key-${c.provider}-0123456789`;
    const run = (...args: string[]) =>
      tunekit(cli.bin, ['--provider', c.provider, '--base-url', sandbox.url, ...args], { [KEY_ENV[c.provider]]: key });
    const args = ['train', cli.data.train, '--model', MODEL[c.provider], ...c.options];
    const human = await run(...args);
    const machine = await run('--json', ...args);
    for (const result of [human, machine]) {
      expect(result.code).toBe(2);
      expect(result.stdout + result.stderr).not.toContain(c.canary);
      expect(result.stdout + result.stderr).not.toContain(key);
    }
    expect(human.stderr).toContain(c.field);
    const error = lines(machine.stderr)[0]?.['error'];
    expect(error).toMatchObject({
      type: 'ValidationError',
      problems: expect.arrayContaining([expect.objectContaining({ field: c.field, rule: c.rule })]),
    });
    // Refused before any request: nothing uploaded, no job.
    expect(sandbox.requests).toEqual([]);
  });
});
