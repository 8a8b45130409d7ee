/**
 * `tuner.estimate()` on every provider against the sandbox (listening on 127.0.0.1): the trained tokens of a local file
 * from the dataset checker (exact for OpenAI and Azure models, the labelled estimate elsewhere) times the epochs; the
 * price from Together's estimate endpoint for uploaded files (with `allowedToProceed`), else only at the user's rate;
 * nothing uploaded or created. And `train()`'s `estimate` stage, and its `confirm`: declining creates nothing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIUserAbortError,
  createTuner,
  ValidationError,
  type CostEstimate,
  type ProviderName,
  type TrainProgress,
} from '../../src/index.js';
import { checkDataset } from '../../src/dataset/index.js';
import { formatMoney } from '../../src/core/format.js';
import { providers } from '../../src/providers/registry/providers.js';
import { startSandbox } from '../../src/testing.js';
import { failure, jsonl } from '../support/sandbox.js';

const PROVIDERS = ['nebius', 'together', 'openai', 'azure'] as const;
let dir = '';
let train = '';
let valid = '';
let big = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunekit-estimate-'));
  [train, valid, big] = [join(dir, 'train.jsonl'), join(dir, 'valid.jsonl'), join(dir, 'big.jsonl')];
  await writeFile(train, `${jsonl(60)}\n`);
  // Enough tokens for the sandbox's Together price ($0.48 per million tokens, in cents) to be more than nothing.
  await writeFile(big, `${jsonl(3000)}\n`);
  await writeFile(valid, `${jsonl(12, 'v')}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function tunerOn(provider: ProviderName) {
  const sandbox = await startSandbox({ provider, clock: 'manual' });
  const tuner = createTuner<ProviderName>({ provider, apiKey: `estimate-key-${provider}`, baseUrl: sandbox.url });
  return { sandbox, tuner };
}

describe.each(PROVIDERS)('%s: tuner.estimate()', (provider) => {
  const model = providers[provider].exampleModel;

  it('a local file: the checker counts the trained tokens × epochs; nothing is uploaded or created', async () => {
    const { sandbox, tuner } = await tunerOn(provider);
    await using _ = sandbox;
    const estimate = await tuner.estimate({ model, trainingFile: train, epochs: 3 });
    const report = await checkDataset(train, { provider, model, epochs: 3 });
    const perEpoch = report.stats.billedTokens.perEpoch;
    expect(perEpoch).toBeGreaterThan(0);
    expect(estimate.tokens).toEqual({
      perEpoch,
      epochs: 3,
      total: perEpoch * 3,
      // OpenAI's and Azure's models have their own tokenizer in gpt-tokenizer: exact; elsewhere the labelled estimate.
      method: provider === 'openai' || provider === 'azure' ? 'exact' : 'estimate',
      counter: provider === 'openai' || provider === 'azure' ? 'o200k_base' : 'characters ÷ 4',
    });
    expect(estimate.reports.training?.ok).toBe(true);
    // No provider price for a local file: Together prices uploaded files only, the others none at all.
    expect(estimate.price).toBeUndefined();
    expect(estimate.notes.join(' ')).toMatch(provider === 'together' ? /prices uploaded files/ : /answers no price before a job/);
    expect(sandbox.requests).toEqual([]);
  });

  it("the user's rate gives the price, labelled as theirs, in whole cents", async () => {
    const { sandbox, tuner } = await tunerOn(provider);
    await using _ = sandbox;
    const estimate = await tuner.estimate({ model, trainingFile: train, epochs: 3 }, { pricePerMillionTokens: 25 });
    const total = estimate.tokens.total ?? 0;
    expect(estimate.price).toEqual({
      amount: Math.round((total * 25) / 100) / 10_000,
      currency: 'USD',
      source: 'rate',
      ratePerMillionTokens: 25,
    });
    expect(formatMoney(estimate.price?.amount ?? 0)).toMatch(/^(\$\d+\.\d\d|< \$0\.01)$/);
    expect(estimate.notes.join(' ')).not.toMatch(/answers no price/);
  });

  it('a file given by id: its tokens are unknown unless the provider counts them (Together prices it)', async () => {
    const { sandbox, tuner } = await tunerOn(provider);
    await using _ = sandbox;
    const file = await tuner.files.upload(big);
    const before = sandbox.requests.length;
    const estimate = await tuner.estimate({ model, trainingFile: file.id, epochs: 2 }, { pricePerMillionTokens: 10 });
    if (provider === 'together') {
      const answer = sandbox.requests.slice(before).map((r) => r.operation);
      expect(answer).toEqual(['POST /fine-tunes/estimate-price']);
      expect(estimate.tokens.method).toBe('provider');
      expect(estimate.tokens.total).toBeGreaterThan(0);
      // The provider's price wins over the user's rate.
      expect(estimate.price).toMatchObject({ source: 'provider', currency: 'USD', ratePerMillionTokens: undefined });
      expect(estimate.price?.amount).toBeGreaterThan(0);
      expect(estimate.allowedToProceed).toBe(true);
      expect(estimate.creditLimit).toEqual({ amount: 100, currency: 'USD' });
      expect(estimate.providerEstimate?.raw).toMatchObject({ estimated_total_price: estimate.price?.amount });
    } else {
      expect(sandbox.requests.length).toBe(before);
      expect(estimate.tokens).toMatchObject({ total: undefined, method: 'unknown', epochs: 2 });
      expect(estimate.price).toBeUndefined();
      expect(estimate.allowedToProceed).toBeUndefined();
      expect(estimate.notes.join(' ')).toMatch(new RegExp(`${file.id} is already uploaded: its tokens are not read`));
    }
    expect((await tuner.jobs.list()).items).toEqual([]);
  });

  it('refuses a bad rate and an option the provider cannot take before reading anything', async () => {
    const { sandbox, tuner } = await tunerOn(provider);
    await using _ = sandbox;
    const bad = await failure(tuner.estimate({ model, trainingFile: train }, { pricePerMillionTokens: -1 }));
    expect(bad).toBeInstanceOf(ValidationError);
    expect(String(bad)).toMatch(/pricePerMillionTokens = -1 must be a number ≥ 0/);
    const refused = await failure(tuner.estimate({ model, trainingFile: join(dir, 'missing.jsonl'), batchSize: 0 }));
    expect(refused).toBeInstanceOf(ValidationError);
    expect(String(refused)).toMatch(/batchSize = 0/);
    expect(sandbox.requests).toEqual([]);
  });
});

it('Together: the default epochs are its own (1), and the validation file counts its evaluations', async () => {
  const { sandbox, tuner } = await tunerOn('together');
  await using _ = sandbox;
  const estimate = await tuner.estimate({ model: providers.together.exampleModel, trainingFile: train, validationFile: valid });
  expect(estimate.tokens.epochs).toBe(1);
  expect(estimate.tokens.total).toBe(estimate.tokens.perEpoch);
  expect(estimate.reports.validation?.ok).toBe(true);
});

describe.each(PROVIDERS)('%s: train() reports the estimate before creating the job', (provider) => {
  const model = providers[provider].exampleModel;

  it('the estimate stage comes after the uploads and before create, with the checked tokens', async () => {
    const { sandbox, tuner } = await tunerOn(provider);
    await using _ = sandbox;
    const stages: string[] = [];
    let estimate: CostEstimate | undefined;
    await tuner.train(
      { model, trainingFile: train, epochs: 2 },
      {
        check: true,
        estimate: { pricePerMillionTokens: 8 },
        wait: { clock: sandbox.clock },
        onProgress: (p: TrainProgress<ProviderName>) => {
          if (stages.at(-1) !== p.stage) stages.push(p.stage);
          if (p.stage === 'estimate') estimate = p.estimate;
        },
      },
    );
    expect(stages.slice(0, stages.indexOf('create') + 1)).toEqual(['check', 'upload', 'processing', 'estimate', 'create']);
    expect(estimate?.reports.training?.ok).toBe(true);
    expect(estimate?.tokens.total).toBeGreaterThan(0);
    expect(estimate?.price?.source).toBe(provider === 'together' ? 'provider' : 'rate');
    if (provider === 'together') expect(estimate?.allowedToProceed).toBe(true);
  });

  it('declined at confirm: no job is created and the files train uploaded are deleted', async () => {
    const { sandbox, tuner } = await tunerOn(provider);
    await using _ = sandbox;
    const asked: CostEstimate[] = [];
    const error = await failure(
      tuner.train(
        { model, trainingFile: train, validationFile: valid, epochs: 1 },
        { check: true, wait: { clock: sandbox.clock }, confirm: (estimate) => (asked.push(estimate), false) },
      ),
    );
    expect(asked).toHaveLength(1);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(String(error)).toMatch(/declined at the cost estimate; no job was created; deleted the files it uploaded \(.+, .+\)/);
    expect((await tuner.jobs.list()).items).toEqual([]);
    expect((await tuner.files.list()).items).toEqual([]);
    expect(sandbox.requests.some((r) => /^POST .*(fine_tuning\/jobs|fine-tunes)$/.test(r.operation ?? ''))).toBe(false);
  });
});
