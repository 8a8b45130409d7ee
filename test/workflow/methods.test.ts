/**
 * The neutral methods and job options through `train()` on every provider, against the sandbox: a preference job and
 * a continued job where the provider's document allows them (refused with the reason, before any upload, where it
 * does not), reinforcement on OpenAI and Azure OpenAI (whose grader types are fewer), integrations reaching the
 * provider's own fields (as the sandbox received them), misspelled keys refused with the key meant, and a W&B key and a
 * Hugging Face token that never appear in any message, thrown object or log line.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTuner, ValidationError, type TrainRequest } from '../../src/index.js';
import { startSandbox } from '../../src/testing.js';
import { jsonl } from '../support/sandbox.js';
import { preferencePairs } from '../support/jsonl.js';

type Provider = 'nebius' | 'together' | 'openai' | 'azure';
const MODELS: Record<Provider, string> = {
  nebius: 'meta-llama/Llama-3.1-8B-Instruct',
  together: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
  openai: 'gpt-4o-mini-2024-07-18',
  azure: 'gpt-4.1-mini-2025-04-14',
};
/** Secrets that must never be shown. */
const WANDB_KEY = 'wandb-canary-6f1d2c9e8b7a';
const HF_TOKEN = 'hf_canaryToken1234567890';
const GRADER = { type: 'string_check', name: 'exact', input: '{{sample.output_text}}', reference: '{{item.answer}}', operation: 'eq' };
const PYTHON_GRADER = { type: 'python', name: 'py', source: 'def grade(sample, item): return 1.0' };

let dir = '';
let train = '';
let preference = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunekit-methods-'));
  [train, preference] = [join(dir, 'train.jsonl'), join(dir, 'preference.jsonl')];
  await writeFile(train, `${jsonl(40)}\n`);
  await writeFile(preference, preferencePairs(40));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A tuner on a fresh sandbox, and every line it logs. */
async function tunerOn<P extends Provider>(provider: P) {
  const sandbox = await startSandbox({ provider, clock: 'manual', listen: false });
  const logged: string[] = [];
  const log = (...parts: unknown[]): void => void logged.push(parts.map(String).join(' '));
  const tuner = createTuner<Provider>({
    provider,
    apiKey: `methods-key-${provider}`,
    baseUrl: sandbox.url,
    fetch: sandbox.fetch,
    logLevel: 'debug',
    logger: { debug: log, info: log, warn: log, error: log },
  });
  return { sandbox, tuner, logged };
}

/** The body of the one job create the sandbox received. */
function created(requests: readonly { method: string; path: string; body: unknown }[]): Record<string, unknown> {
  const creates = requests.filter((r) => r.method === 'POST' && /fine[-_]tun(es|ing\/jobs)$/.test(r.path));
  expect(creates).toHaveLength(1);
  const body = creates[0]?.body;
  if (typeof body !== 'object' || body === null) throw new Error('no body');
  return Object.fromEntries(Object.entries(body));
}

/** `train` to the end on the sandbox's clock. */
async function trained(provider: Provider, request: Omit<TrainRequest<Provider>, 'model'>) {
  const { sandbox, tuner, logged } = await tunerOn(provider);
  const result = await tuner.train({ model: MODELS[provider], ...request }, { wait: { clock: sandbox.clock } });
  return { sandbox, tuner, logged, result };
}

/** Keys the types would refuse, as a caller without types (JavaScript, JSON) sends them. */
const misplaced = (keys: object): object => keys;

/** The error `run` throws (it must throw). */
async function thrown(run: () => Promise<unknown>): Promise<ValidationError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  if (!(error instanceof ValidationError)) throw new Error('no ValidationError');
  return error;
}

/** Neither canary appears in the error's message, its JSON, its problems, or the log. */
function noSecrets(error: unknown, logged: readonly string[] = []): void {
  const text = [
    error instanceof Error ? error.message : '',
    error instanceof Error ? (error.stack ?? '') : '',
    JSON.stringify(error),
    error instanceof ValidationError ? JSON.stringify(error.problems) : '',
    ...logged,
  ].join('\n');
  expect(text).not.toContain(WANDB_KEY);
  expect(text).not.toContain(HF_TOKEN);
}

describe('preference (DPO)', () => {
  it.each(['together', 'openai', 'azure'] as const)("%s: trains a dpo job, its settings in the provider's own field", async (provider) => {
    const { sandbox, result } = await trained(provider, { trainingFile: preference, method: { type: 'dpo', beta: 0.2 }, epochs: 1 });
    await using _ = sandbox;
    expect(result.job.status).toBe('succeeded');
    const body = created(sandbox.requests);
    if (provider === 'together') expect(body['training_method']).toEqual({ method: 'dpo', dpo_beta: 0.2 });
    else expect(body['method']).toEqual({ type: 'dpo', dpo: { hyperparameters: { beta: 0.2, n_epochs: 1 } } });
  });

  it('together: every preference setting its document has', async () => {
    const { sandbox } = await trained('together', {
      trainingFile: preference,
      method: { type: 'dpo', beta: 0.3, rpoAlpha: 0.5, simpoGamma: 1, normalizeByLength: true, referenceFree: false },
    });
    await using _ = sandbox;
    expect(created(sandbox.requests)['training_method']).toEqual({
      method: 'dpo',
      dpo_beta: 0.3,
      rpo_alpha: 0.5,
      simpo_gamma: 1,
      dpo_normalize_logratios_by_length: true,
      dpo_reference_free: false,
    });
  });

  it('nebius: refused before any upload, naming the methods its document has', async () => {
    const { sandbox, tuner } = await tunerOn('nebius');
    await using _ = sandbox;
    const error = await thrown(() => tuner.train({ model: MODELS.nebius, trainingFile: preference, method: 'dpo' }));
    expect(error.message).toContain("Nebius's document has the methods supervised and spec-draft");
    expect(error.field).toBe('method');
    expect(sandbox.requests).toHaveLength(0);
  });

  it("openai: a preference setting OpenAI's DPO does not have is refused; a beta outside its document's range too", async () => {
    const { sandbox, tuner } = await tunerOn('openai');
    await using _ = sandbox;
    const other = await thrown(() => tuner.train({ model: MODELS.openai, trainingFile: preference, method: { type: 'dpo', rpoAlpha: 1 } }));
    expect(other.message).toContain("OpenAI's DPO takes beta only (its document has no rpoAlpha)");
    const range = await thrown(() => tuner.train({ model: MODELS.openai, trainingFile: preference, method: { type: 'dpo', beta: 3 } }));
    expect(range.message).toContain('method.dpo.hyperparameters.beta = 3 breaks');
    expect(sandbox.requests).toHaveLength(0);
  });
});

describe('reinforcement', () => {
  it.each(['openai', 'azure'] as const)("%s: trains with a grader in OpenAI's shape", async (provider) => {
    const { sandbox, result } = await trained(provider, {
      trainingFile: train,
      method: { type: 'reinforcement', grader: GRADER, reasoningEffort: 'low' },
    });
    await using _ = sandbox;
    expect(result.job.status).toBe('succeeded');
    expect(created(sandbox.requests)['method']).toEqual({
      type: 'reinforcement',
      reinforcement: { grader: GRADER, hyperparameters: { reasoning_effort: 'low' } },
    });
  });

  it('openai takes a python grader; azure refuses it, naming the grader types its document has', async () => {
    const { sandbox: a, result } = await trained('openai', {
      trainingFile: train,
      method: { type: 'reinforcement', grader: PYTHON_GRADER },
    });
    await using _a = a;
    expect(result.job.status).toBe('succeeded');
    const { sandbox, tuner } = await tunerOn('azure');
    await using _ = sandbox;
    const error = await thrown(() =>
      tuner.train({ model: MODELS.azure, trainingFile: train, method: { type: 'reinforcement', grader: PYTHON_GRADER } }),
    );
    expect(error.message).toContain("Azure OpenAI's grader type is one of string_check, text_similarity, score_model, multi, not python");
    expect(sandbox.requests).toHaveLength(0);
  });

  it('a grader that breaks the document is refused before any upload', async () => {
    const { sandbox, tuner } = await tunerOn('openai');
    await using _ = sandbox;
    const error = await thrown(() =>
      tuner.train({
        model: MODELS.openai,
        trainingFile: train,
        method: { type: 'reinforcement', grader: { ...GRADER, operation: 'equals' } },
      }),
    );
    expect(error.message).toContain('method.reinforcement.grader');
    expect(sandbox.requests).toHaveLength(0);
  });

  it.each(['nebius', 'together'] as const)('%s: refused, naming its methods', async (provider) => {
    const { sandbox, tuner } = await tunerOn(provider);
    await using _ = sandbox;
    const error = await thrown(() =>
      tuner.train({ model: MODELS[provider], trainingFile: train, method: { type: 'reinforcement', grader: GRADER } }),
    );
    expect(error.message).toMatch(/document has the methods .+, not reinforcement/);
    expect(sandbox.requests).toHaveLength(0);
  });
});

describe('a continued job (fromCheckpoint)', () => {
  it("together: from a job's checkpoint at a step, then from a Hugging Face model (its token never shown)", async () => {
    const { sandbox, tuner, logged, result } = await trained('together', { trainingFile: train, epochs: 2 });
    await using _ = sandbox;
    const step = result.checkpoints[0]?.step ?? 1;
    const next = await tuner.train(
      { model: MODELS.together, trainingFile: result.trainingFile, fromCheckpoint: { job: result.job.id, step } },
      { wait: { clock: sandbox.clock } },
    );
    expect(next.job.status).toBe('succeeded');
    const creates = sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/fine-tunes'));
    expect(creates[1]?.body).toMatchObject({ from_checkpoint: `${result.job.id}:${step}` });
    if (next.job.provider === 'together') expect(next.job.raw).toMatchObject({ from_checkpoint: `${result.job.id}:${step}` });
    const hf = await tuner.train(
      {
        model: MODELS.together,
        trainingFile: result.trainingFile,
        fromCheckpoint: { huggingFace: 'org/llama-tuned', revision: 'main', token: HF_TOKEN },
      },
      { wait: { clock: sandbox.clock } },
    );
    expect(hf.job.status).toBe('succeeded');
    // The token reached the provider's own field (recorded redacted: the sandbox never keeps a secret).
    expect(sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/fine-tunes'))[2]?.body).toMatchObject({
      from_hf_model: 'org/llama-tuned',
      hf_model_revision: 'main',
      hf_api_token: '[redacted]',
    });
    noSecrets(undefined, [...logged, JSON.stringify(hf)]);
  });

  it.each(['openai', 'azure'] as const)('%s: from the fine-tuned model a job made, sent as model', async (provider) => {
    const { sandbox, tuner, result } = await trained(provider, { trainingFile: train });
    await using _ = sandbox;
    const model = result.model ?? '';
    const next = await tuner.train(
      { model: MODELS[provider], trainingFile: result.trainingFile, fromCheckpoint: { checkpoint: model } },
      { wait: { clock: sandbox.clock } },
    );
    expect(next.job.status).toBe('succeeded');
    expect(next.job.model).toBe(model);
    const job = await thrown(() => tuner.train({ model: MODELS[provider], trainingFile: train, fromCheckpoint: { job: result.job.id } }));
    expect(job.message).toContain('continues from a fine-tuned model, not a job');
  });

  it("nebius: from a Hugging Face model (its token never shown); a job's checkpoint refused with the reason", async () => {
    const { sandbox, logged, result } = await trained('nebius', {
      trainingFile: train,
      fromCheckpoint: { huggingFace: 'org/llama-tuned', token: HF_TOKEN },
    });
    await using _ = sandbox;
    expect(result.job.status).toBe('succeeded');
    expect(created(sandbox.requests)['from_checkpoint']).toEqual({ type: 'hf', repo: 'org/llama-tuned', token: '[redacted]' });
    if (result.job.provider === 'nebius')
      expect(result.job.raw.from_checkpoint).toEqual({ type: 'hf', repo: 'org/llama-tuned', revision: null });
    noSecrets(undefined, [...logged, JSON.stringify(result)]);
    const { sandbox: other, tuner } = await tunerOn('nebius');
    await using _other = other;
    const error = await thrown(() =>
      tuner.train({ model: MODELS.nebius, trainingFile: train, fromCheckpoint: { job: 'ftjob-1', step: 2 } }),
    );
    expect(error.message).toContain("Nebius's document names no job or checkpoint to continue from");
    expect(other.requests).toHaveLength(0);
  });
});

describe("seed, tags, metadata and integrations reach the provider's own fields", () => {
  const wandb = { project: 'tunekit', name: 'run-1', entity: 'team' };
  it('nebius: seed, tags, W&B (with its key) and MLflow', async () => {
    const { sandbox, logged, result } = await trained('nebius', {
      trainingFile: train,
      seed: 7,
      tags: ['nightly'],
      integrations: {
        wandb: { ...wandb, tags: ['a'], apiKey: WANDB_KEY },
        mlflow: {
          trackingUri: 'https://mlflow.example',
          experimentName: 'exp',
          runName: 'run',
          username: 'me',
          password: 'mlflow-canary-pass',
          certificateFile: 'PEM',
        },
      },
    });
    await using _ = sandbox;
    const body = created(sandbox.requests);
    expect(body).toMatchObject({ seed: 7 });
    // (the client adds its create-once mark to Nebius's tags)
    expect(body['tags']).toEqual(expect.arrayContaining(['nightly']));
    expect(body['integrations']).toEqual([
      { type: 'wandb', wandb: { ...wandb, tags: ['a'], api_key: '[redacted]' } },
      {
        type: 'mlflow',
        mlflow: {
          tracking_uri: 'https://mlflow.example',
          experiment_name: 'exp',
          run_name: 'run',
          username: 'me',
          password: '[redacted]',
          certificate_file: 'PEM',
        },
      },
    ]);
    // The job echoes them as the document describes, without the secrets.
    if (result.job.provider === 'nebius') {
      expect(result.job.raw.integrations?.[0]).toEqual({ type: 'wandb', wandb: { ...wandb, tags: ['a'] } });
      expect(result.job.raw.seed).toBe(7);
    }
    expect(JSON.stringify(result)).not.toContain('mlflow-canary-pass');
    noSecrets(undefined, [...logged, JSON.stringify(result)]);
  });

  it('together: random_seed and the wandb_* fields', async () => {
    const { sandbox, logged, result } = await trained('together', {
      trainingFile: train,
      seed: 7,
      integrations: { wandb: { ...wandb, apiKey: WANDB_KEY } },
    });
    await using _ = sandbox;
    expect(created(sandbox.requests)).toMatchObject({
      random_seed: 7,
      wandb_project_name: 'tunekit',
      wandb_name: 'run-1',
      wandb_entity: 'team',
      wandb_api_key: '[redacted]',
    });
    if (result.job.provider === 'together') expect(result.job.raw).toMatchObject({ wandb_project_name: 'tunekit' });
    noSecrets(undefined, [...logged, JSON.stringify(result)]);
  });

  it.each(['openai', 'azure'] as const)(
    '%s: seed, metadata and the wandb integration (the key stays in the organization)',
    async (provider) => {
      const { sandbox, result } = await trained(provider, {
        trainingFile: train,
        seed: 7,
        metadata: { team: 'search' },
        integrations: { wandb: { ...wandb, tags: ['a'] } },
      });
      await using _ = sandbox;
      expect(created(sandbox.requests)).toMatchObject({
        seed: 7,
        metadata: { team: 'search' },
        integrations: [{ type: 'wandb', wandb: { ...wandb, tags: ['a'] } }],
      });
      expect(result.job.raw).toMatchObject({ seed: 7, integrations: [{ type: 'wandb', wandb: { ...wandb, tags: ['a'] } }] });
    },
  );

  it.each(['openai', 'azure'] as const)('%s: a W&B key in the request is refused, and never shown', async (provider) => {
    const { sandbox, tuner, logged } = await tunerOn(provider);
    await using _ = sandbox;
    const error = await thrown(() =>
      tuner.train({ model: MODELS[provider], trainingFile: train, integrations: { wandb: { project: 'p', apiKey: WANDB_KEY } } }),
    );
    expect(error.message).toContain('reads the W&B API key from your organization');
    expect(error.message).toContain('[redacted]');
    noSecrets(error, logged);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('a W&B key and a Hugging Face token stay hidden whatever else is wrong (nebius, together)', async () => {
    for (const provider of ['nebius', 'together'] as const) {
      const { sandbox, tuner, logged } = await tunerOn(provider);
      await using _ = sandbox;
      const error = await thrown(() =>
        tuner.train({
          model: MODELS[provider],
          trainingFile: train,
          epochs: 0,
          fromCheckpoint: { huggingFace: 'org/m', token: HF_TOKEN },
          integrations: { wandb: { project: 'p', apiKey: WANDB_KEY, tags: ['x'] }, mlflow: undefined },
          metadata: { a: 'b' },
        }),
      );
      expect(error.problems.length).toBeGreaterThan(0);
      noSecrets(error, logged);
    }
  });
});

describe('unknown keys are refused with the key meant, before any upload', () => {
  it('train: a misspelled option, and deploy given in the request', async () => {
    const { sandbox, tuner } = await tunerOn('together');
    await using _ = sandbox;
    const typo = await thrown(() => tuner.train({ model: MODELS.together, trainingFile: train, ...misplaced({ epochz: 3 }) }));
    expect(typo.message).toContain('epochz is not an option of together train (did you mean epochs?)');
    expect(typo.problems[0]?.suggestion).toBe('epochs');
    const deploy = await thrown(() => tuner.train({ model: MODELS.together, trainingFile: train, ...misplaced({ deploy: true }) }));
    expect(deploy.message).toContain("deploy is an option of train's second argument");
    const option = await thrown(() => tuner.train({ model: MODELS.together, trainingFile: train }, { ...misplaced({ epochs: 3 }) }));
    expect(option.message).toContain("epochs belongs in train's request, its first argument");
    const checks = await thrown(() => tuner.train({ model: MODELS.together, trainingFile: train }, { ...misplaced({ chek: true }) }));
    expect(checks.message).toContain('did you mean check?');
    expect(sandbox.requests).toHaveLength(0);
  });

  it('jobs.create and createTuner', async () => {
    const { sandbox, tuner } = await tunerOn('openai');
    await using _ = sandbox;
    const typo = await thrown(() => tuner.jobs.create({ model: MODELS.openai, trainingFile: 'file-1', ...misplaced({ sed: 3 }) }));
    expect(typo.message).toContain('did you mean seed?');
    expect(sandbox.requests).toHaveLength(0);
    expect(() => createTuner({ provider: 'openai', ...misplaced({ apikey: 'k' }) })).toThrow(
      'apikey is not an option of createTuner (openai) (did you mean apiKey?)',
    );
  });
});
