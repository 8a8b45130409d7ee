/**
 * The neutral API's mapping tables: every neutral option × provider is mapped to a field of the provider's own request
 * or refused with a ValidationError that names the provider, the option and why, before anything is sent. The
 * mapping table in docs/mapping.md is rendered from the same data.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTuner, ValidationError, type JobRequest } from '../../src/index.js';
import { NEUTRAL_OPTIONS, type NeutralOption, type OptionRule } from '../../src/workflow/neutral.js';
import { azureMapping } from '../../src/providers/azure/tuning.js';
import { nebiusMapping } from '../../src/providers/nebius/tuning.js';
import { openaiMapping } from '../../src/providers/openai/tuning.js';
import { togetherMapping } from '../../src/providers/together/tuning.js';
import { providerRequest } from '../../src/workflow/tuner.js';
import { repoRoot } from '../support/prism.js';

const base = { model: 'm', trainingFile: 'file-1' };
/** A value of each option that every provider that maps it accepts. */
const sample: Record<NeutralOption, unknown> = {
  method: { type: 'dpo', beta: 0.2 },
  validationFile: 'file-2',
  epochs: 3,
  batchSize: 8,
  learningRate: 0.0001,
  warmupRatio: 0.1,
  weightDecay: 0.01,
  lora: { rank: 16, alpha: 32, dropout: 0.05 },
  suffix: 'bot',
  fromCheckpoint: { huggingFace: 'org/base-model', revision: 'main' },
  seed: 42,
  tags: ['nightly'],
  metadata: { team: 'search' },
  integrations: { wandb: { project: 'tunekit', name: 'run-1' } },
};
/** What each mapped option becomes, per provider: the request the provider's client is given. */
const expected: Record<'nebius' | 'together' | 'openai' | 'azure', Partial<Record<NeutralOption, unknown>>> = {
  nebius: {
    validationFile: { validation_file: 'file-2' },
    epochs: { hyperparameters: { n_epochs: 3 } },
    batchSize: { hyperparameters: { batch_size: 8 } },
    learningRate: { hyperparameters: { learning_rate: 0.0001 } },
    warmupRatio: { hyperparameters: { warmup_ratio: 0.1 } },
    weightDecay: { hyperparameters: { weight_decay: 0.01 } },
    lora: { hyperparameters: { lora: true, lora_r: 16, lora_alpha: 32, lora_dropout: 0.05 } },
    suffix: { suffix: 'bot' },
    fromCheckpoint: { from_checkpoint: { type: 'hf', repo: 'org/base-model', revision: 'main' } },
    seed: { seed: 42 },
    tags: { tags: ['nightly'] },
  },
  together: {
    method: { training_method: { method: 'dpo', dpo_beta: 0.2 } },
    validationFile: { validation_file: 'file-2' },
    epochs: { n_epochs: 3 },
    batchSize: { batch_size: 8 },
    learningRate: { learning_rate: 0.0001 },
    warmupRatio: { warmup_ratio: 0.1 },
    weightDecay: { weight_decay: 0.01 },
    lora: { training_type: { type: 'Lora', lora_r: 16, lora_alpha: 32, lora_dropout: 0.05 } },
    suffix: { suffix: 'bot' },
    fromCheckpoint: { from_hf_model: 'org/base-model', hf_model_revision: 'main' },
    seed: { random_seed: 42 },
    integrations: { wandb_project_name: 'tunekit', wandb_name: 'run-1' },
  },
  openai: {
    method: { method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.2 } } } },
    validationFile: { validation_file: 'file-2' },
    epochs: { method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 3 } } } },
    batchSize: { method: { type: 'supervised', supervised: { hyperparameters: { batch_size: 8 } } } },
    suffix: { suffix: 'bot' },
    seed: { seed: 42 },
    metadata: { metadata: { team: 'search' } },
    integrations: { integrations: [{ type: 'wandb', wandb: { project: 'tunekit', name: 'run-1' } }] },
  },
  azure: {
    method: { method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.2 } } } },
    validationFile: { validation_file: 'file-2' },
    epochs: { method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 3 } } } },
    batchSize: { method: { type: 'supervised', supervised: { hyperparameters: { batch_size: 8 } } } },
    suffix: { suffix: 'bot' },
    seed: { seed: 42 },
    metadata: { metadata: { team: 'search' } },
    integrations: { integrations: [{ type: 'wandb', wandb: { project: 'tunekit', name: 'run-1' } }] },
  },
};

describe('every neutral option on every provider: mapped or refused, never dropped', () => {
  const cases = (['nebius', 'together', 'openai', 'azure'] as const).flatMap((provider) =>
    NEUTRAL_OPTIONS.map((option) => [provider, option] as const),
  );
  it.each(cases)('%s %s', (provider, option) => {
    const request: JobRequest<never> = { ...base, [option]: sample[option] };
    const mapped = expected[provider][option];
    if (mapped !== undefined) {
      expect(providerRequest(provider, request)).toEqual({ model: 'm', training_file: 'file-1', ...mapped });
      return;
    }
    let error: unknown;
    try {
      providerRequest(provider, request);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(
      new RegExp(`^${provider} jobs\\.create: ${option} = .+ cannot be sent to ${provider}: .{10,}`),
    );
    expect((error as ValidationError).field).toBe(option);
  });
});

describe('mapping details', () => {
  it('refuses a value a provider cannot take, naming the option and the rule', () => {
    expect(() => providerRequest('nebius', { ...base, batchSize: 'max' })).toThrow(
      'nebius jobs.create: batchSize = "max" cannot be sent to nebius: Nebius takes a number of examples (1–64), not "max"',
    );
    expect(() => providerRequest('openai', { ...base, batchSize: 'max' })).toThrow(
      'openai jobs.create: batchSize = "max" cannot be sent to openai: OpenAI takes a number of examples or "auto", not "max"',
    );
    expect(() => providerRequest('together', { ...base, epochs: 1.5 })).toThrow(
      'together jobs.create: epochs = 1.5 cannot be sent to together: must be a whole number ≥ 1',
    );
    expect(() => providerRequest('together', { ...base, lora: { rank: 8, scale: 2 } as never })).toThrow(
      'lora takes rank, alpha and dropout, not scale',
    );
  });

  it('reports every refused option at once', () => {
    let error: unknown;
    try {
      providerRequest('openai', { ...base, learningRate: 1e-4, warmupRatio: 0.1, lora: true });
    } catch (thrown) {
      error = thrown;
    }
    expect((error as ValidationError).problems.map((p) => p.field)).toEqual(['learningRate', 'warmupRatio', 'lora']);
  });

  it('Together: lora true is its default rank 8 and alpha 16; lora false is full fine-tuning', () => {
    expect(providerRequest('together', { ...base, lora: true })).toMatchObject({
      training_type: { type: 'Lora', lora_r: 8, lora_alpha: 16 },
    });
    expect(providerRequest('together', { ...base, lora: false })).toMatchObject({ training_type: { type: 'Full' } });
    expect(providerRequest('nebius', { ...base, lora: false })).toMatchObject({ hyperparameters: { lora: false } });
  });

  it('providerOptions reach the request, and a neutral option that contradicts them is refused', () => {
    expect(providerRequest('nebius', { ...base, epochs: 2, providerOptions: { hyperparameters: { packing: true }, seed: 7 } })).toEqual({
      model: 'm',
      training_file: 'file-1',
      seed: 7,
      hyperparameters: { packing: true, n_epochs: 2 },
    });
    expect(() => providerRequest('nebius', { ...base, epochs: 2, providerOptions: { hyperparameters: { n_epochs: 5 } } })).toThrow(
      'epochs = 2 cannot be sent to nebius: providerOptions.hyperparameters.n_epochs is 5 already; set it in one place',
    );
    expect(
      providerRequest('openai', {
        ...base,
        epochs: 2,
        providerOptions: { method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.1 } } } },
      }),
    ).toMatchObject({ method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.1, n_epochs: 2 } } } });
  });

  it('a refused option stops jobs.create before any request (the tuner maps first)', async () => {
    const tuner = createTuner({ provider: 'openai', apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });
    await expect(tuner.jobs.create({ ...base, learningRate: 1e-4 })).rejects.toBeInstanceOf(ValidationError);
  });
});

/** The markdown table of `options` × provider, from the mapping data (a `|` in a cell escaped). */
export function mappingTable(options: readonly NeutralOption[]): string {
  const cell = (rule: OptionRule<never>): string =>
    ('refused' in rule ? `refused: ${rule.refused}` : `\`${rule.field}\`${rule.note ? ` ${rule.note}` : ''}`).replaceAll('|', '\\|');
  return [
    '| option | Nebius | Together | OpenAI | Azure OpenAI |',
    '|---|---|---|---|---|',
    ...options.map(
      (o) =>
        `| \`${o}\` | ${cell(nebiusMapping[o])} | ${cell(togetherMapping[o])} | ${cell(openaiMapping[o])} | ${cell(azureMapping[o])} |`,
    ),
  ].join('\n');
}

/** The options beyond hyperparameters, as the README's table lists them. */
const JOB_OPTIONS: readonly NeutralOption[] = ['method', 'fromCheckpoint', 'seed', 'tags', 'metadata', 'integrations'];

describe('docs/mapping.md and the README document the tables as they are', () => {
  it('docs/mapping.md has the whole mapping table rendered from the data', async () => {
    expect(await readFile(join(repoRoot, 'docs', 'mapping.md'), 'utf8')).toContain(mappingTable(NEUTRAL_OPTIONS));
  });
  it("the README has the methods and job options' table rendered from the data", async () => {
    expect(await readFile(join(repoRoot, 'README.md'), 'utf8')).toContain(mappingTable(JOB_OPTIONS));
  });
});
