import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ValidationError,
  createNebiusClient,
  createOpenAIClient,
  createTogetherClient,
  type NebiusJobCreateParams,
  type OpenAIJobCreateParams,
  type TogetherJobCreateParams,
} from '../../src/index.js';
import { json, startLocalServer, type LocalServer } from '../support/local-server.js';

// Every case must be refused before a request leaves: the server answers, but must never be asked.
let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer((_req, res) => json(res, 200, { id: 'x' }));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function clients() {
  const options = { apiKey: 'test-key-123456', baseUrl: server.url, maxRetries: 0 };
  return { nebius: createNebiusClient(options), together: createTogetherClient(options), openai: createOpenAIClient(options) };
}
type Clients = ReturnType<typeof clients>;

const nebiusJob: NebiusJobCreateParams = { model: 'meta-llama/Llama-3.1-8B-Instruct', training_file: 'file-123' };
const togetherJob: TogetherJobCreateParams = { model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', training_file: 'file-123' };
const openaiJob: OpenAIJobCreateParams = { model: 'gpt-4o-mini', training_file: 'file-abc123' };

interface Case {
  name: string;
  send: (c: Clients) => Promise<unknown>;
  /** The operation named in the message, the field path, the value as shown, the rule. */
  operation: string;
  field: string;
  shown: string;
  rule: string;
  /** Further problems the message lists after the first, when the case breaks more than one rule. */
  more?: string[];
}

const NEBIUS_CREATE = 'nebius POST /v1/fine_tuning/jobs';
const nebiusHp = (hyperparameters: NebiusJobCreateParams['hyperparameters']) => (c: Clients) =>
  c.nebius.jobs.create({ ...nebiusJob, hyperparameters });

const nebiusCases: Case[] = [
  {
    name: 'batch_size above 64',
    send: nebiusHp({ batch_size: 100 }),
    operation: NEBIUS_CREATE,
    field: 'body.hyperparameters.batch_size',
    shown: '100',
    rule: 'maximum 64',
  },
  {
    name: 'batch_size below 1',
    send: nebiusHp({ batch_size: 0 }),
    operation: NEBIUS_CREATE,
    field: 'body.hyperparameters.batch_size',
    shown: '0',
    rule: 'minimum 1',
  },
  {
    name: 'batch_size not an integer',
    send: nebiusHp({ batch_size: 8.5 }),
    operation: NEBIUS_CREATE,
    field: 'body.hyperparameters.batch_size',
    shown: '8.5',
    rule: 'type integer',
  },
  {
    name: 'n_epochs above 20',
    send: nebiusHp({ n_epochs: 21 }),
    operation: NEBIUS_CREATE,
    field: 'body.hyperparameters.n_epochs',
    shown: '21',
    rule: 'maximum 20',
  },
  {
    name: 'n_epochs below 1',
    send: nebiusHp({ n_epochs: 0 }),
    operation: NEBIUS_CREATE,
    field: 'body.hyperparameters.n_epochs',
    shown: '0',
    rule: 'minimum 1',
  },
  {
    name: 'context_length below 8192',
    send: nebiusHp({ context_length: 4096 }),
    operation: NEBIUS_CREATE,
    field: 'body.hyperparameters.context_length',
    shown: '4096',
    rule: 'minimum 8192',
  },
  {
    name: 'context_length above 131072',
    send: nebiusHp({ context_length: 262144 }),
    operation: NEBIUS_CREATE,
    field: 'body.hyperparameters.context_length',
    shown: '262144',
    rule: 'maximum 131072',
  },
  {
    name: 'lora_r below 8',
    send: nebiusHp({ lora: true, lora_r: 4 }),
    operation: NEBIUS_CREATE,
    field: 'body.hyperparameters.lora_r',
    shown: '4',
    rule: 'minimum 8',
  },
  {
    name: 'lora_r above 128',
    send: nebiusHp({ lora: true, lora_r: 256 }),
    operation: NEBIUS_CREATE,
    field: 'body.hyperparameters.lora_r',
    shown: '256',
    rule: 'maximum 128',
  },
  {
    name: 'negative learning_rate',
    send: nebiusHp({ learning_rate: -0.1 }),
    operation: NEBIUS_CREATE,
    field: 'body.hyperparameters.learning_rate',
    shown: '-0.1',
    rule: 'minimum 0',
  },
  {
    name: 'max_grad_norm 0',
    send: nebiusHp({ max_grad_norm: 0 }),
    operation: NEBIUS_CREATE,
    field: 'body.hyperparameters.max_grad_norm',
    shown: '0',
    rule: 'exclusiveMinimum 0',
  },
  {
    name: 'warmup_ratio above 1',
    send: nebiusHp({ warmup_ratio: 1.5 }),
    operation: NEBIUS_CREATE,
    field: 'body.hyperparameters.warmup_ratio',
    shown: '1.5',
    rule: 'maximum 1',
  },
  {
    name: 'model missing',
    // @ts-expect-error -- model is required
    send: (c) => c.nebius.jobs.create({ training_file: 'file-123' }),
    operation: NEBIUS_CREATE,
    field: 'body.model',
    shown: 'undefined',
    rule: 'required',
  },
  {
    name: 'training_file a number',
    // @ts-expect-error -- training_file is a string
    send: (c) => c.nebius.jobs.create({ ...nebiusJob, training_file: 123 }),
    operation: NEBIUS_CREATE,
    field: 'body.training_file',
    shown: '123',
    rule: 'type string',
  },
  {
    name: 'suffix longer than 64',
    send: (c) => c.nebius.jobs.create({ ...nebiusJob, suffix: 'x'.repeat(65) }),
    operation: NEBIUS_CREATE,
    field: 'body.suffix',
    shown: `"${'x'.repeat(40)}…"`,
    rule: 'maxLength 64',
  },
  {
    name: 'seed a string',
    // @ts-expect-error -- seed is an integer
    send: (c) => c.nebius.jobs.create({ ...nebiusJob, seed: '42' }),
    operation: NEBIUS_CREATE,
    field: 'body.seed',
    shown: '"42"',
    rule: 'type integer|null',
  },
  {
    name: 'a tag not a string',
    // @ts-expect-error -- tags are strings
    send: (c) => c.nebius.jobs.create({ ...nebiusJob, tags: [7] }),
    operation: NEBIUS_CREATE,
    field: 'body.tags[0]',
    shown: '7',
    rule: 'type string',
  },
  {
    name: 'supervised method batch_size above 64',
    send: (c) =>
      c.nebius.jobs.create({ ...nebiusJob, method: { type: 'supervised', supervised: { hyperparameters: { batch_size: 65 } } } }),
    operation: NEBIUS_CREATE,
    field: 'body.method.supervised.hyperparameters.batch_size',
    shown: '65',
    rule: 'maximum 64',
  },
  {
    name: 'supervised method without its config',
    // @ts-expect-error -- supervised is required
    send: (c) => c.nebius.jobs.create({ ...nebiusJob, method: { type: 'supervised' } }),
    operation: NEBIUS_CREATE,
    field: 'body.method.supervised',
    shown: 'undefined',
    rule: 'required',
  },
  {
    name: 'spec-draft learning_rate 1',
    send: (c) =>
      c.nebius.jobs.create({ ...nebiusJob, method: { type: 'spec-draft', spec_draft: { hyperparameters: { learning_rate: 1 } } } }),
    operation: NEBIUS_CREATE,
    field: 'body.method.spec_draft.hyperparameters.learning_rate',
    shown: '1',
    rule: 'exclusiveMaximum 1',
  },
  {
    name: 'wandb integration without api_key',
    // @ts-expect-error -- api_key is required
    send: (c) => c.nebius.jobs.create({ ...nebiusJob, integrations: [{ type: 'wandb', wandb: { project: 'p' } }] }),
    operation: NEBIUS_CREATE,
    field: 'body.integrations[0].wandb.api_key',
    shown: 'undefined',
    rule: 'required',
  },
  {
    name: 'a secret is never shown',
    // @ts-expect-error -- api_key is a string
    send: (c) => c.nebius.jobs.create({ ...nebiusJob, integrations: [{ type: 'wandb', wandb: { project: 'p', api_key: 4242424242 } }] }),
    operation: NEBIUS_CREATE,
    field: 'body.integrations[0].wandb.api_key',
    shown: '[redacted]',
    rule: 'type string',
  },
  {
    name: 'list limit a string',
    // @ts-expect-error -- limit is an integer
    send: (c) => c.nebius.jobs.list({ limit: 'ten' }),
    operation: 'nebius GET /v1/fine_tuning/jobs',
    field: 'query.limit',
    shown: '"ten"',
    rule: 'type integer|null',
  },
  {
    name: 'file purpose not in the enum',
    // @ts-expect-error -- purpose is batch or fine-tune
    send: (c) => c.nebius.files.list({ purpose: 'train' }),
    operation: 'nebius GET /v1/files',
    field: 'query.purpose',
    shown: '"train"',
    rule: 'enum ["batch","fine-tune"]',
  },
  {
    name: 'retrieve without an id',
    // @ts-expect-error -- the id is required
    send: (c) => c.nebius.jobs.retrieve(undefined),
    operation: 'nebius GET /v1/fine_tuning/jobs/{job_id}',
    field: 'path.job_id',
    shown: 'undefined',
    rule: 'required',
  },
  {
    name: 'retrieve with a numeric id',
    // @ts-expect-error -- the id is a string
    send: (c) => c.nebius.jobs.retrieve(123),
    operation: 'nebius GET /v1/fine_tuning/jobs/{job_id}',
    field: 'path.job_id',
    shown: '123',
    rule: 'type string',
  },
  {
    name: 'checkpoint without its id',
    // @ts-expect-error -- the checkpoint id is required
    send: (c) => c.nebius.jobs.checkpoint('ftjob-1', undefined),
    operation: 'nebius GET /v1/fine_tuning/jobs/{job_id}/checkpoints/{checkpoint_id}',
    field: 'path.checkpoint_id',
    shown: 'undefined',
    rule: 'required',
  },
];

const TOGETHER_CREATE = 'together POST /fine-tunes';
const togetherCases: Case[] = [
  {
    name: 'model missing',
    // @ts-expect-error -- model is required
    send: (c) => c.together.jobs.create({ training_file: 'file-123' }),
    operation: TOGETHER_CREATE,
    field: 'body.model',
    shown: 'undefined',
    rule: 'required',
  },
  {
    name: 'training_file a number',
    // @ts-expect-error -- training_file is a string
    send: (c) => c.together.jobs.create({ ...togetherJob, training_file: 1 }),
    operation: TOGETHER_CREATE,
    field: 'body.training_file',
    shown: '1',
    rule: 'type string',
  },
  {
    name: 'n_epochs not an integer',
    send: (c) => c.together.jobs.create({ ...togetherJob, n_epochs: 1.5 }),
    operation: TOGETHER_CREATE,
    field: 'body.n_epochs',
    shown: '1.5',
    rule: 'type integer',
  },
  {
    name: 'batch_size a word other than max',
    // @ts-expect-error -- an integer or "max"
    send: (c) => c.together.jobs.create({ ...togetherJob, batch_size: 'big' }),
    operation: TOGETHER_CREATE,
    field: 'body.batch_size',
    shown: '"big"',
    rule: 'enum ["max"]',
  },
  {
    name: 'batch_size neither integer nor string',
    send: (c) => c.together.jobs.create({ ...togetherJob, batch_size: 2.5 }),
    operation: TOGETHER_CREATE,
    field: 'body.batch_size',
    shown: '2.5',
    rule: 'type integer or type string',
  },
  {
    name: 'unknown lr scheduler',
    // @ts-expect-error -- linear or cosine
    send: (c) => c.together.jobs.create({ ...togetherJob, lr_scheduler: { lr_scheduler_type: 'step' } }),
    operation: TOGETHER_CREATE,
    field: 'body.lr_scheduler.lr_scheduler_type',
    shown: '"step"',
    rule: 'enum ["linear","cosine"]',
  },
  {
    name: 'lr scheduler without its type',
    // @ts-expect-error -- lr_scheduler_type is required
    send: (c) => c.together.jobs.create({ ...togetherJob, lr_scheduler: {} }),
    operation: TOGETHER_CREATE,
    field: 'body.lr_scheduler.lr_scheduler_type',
    shown: 'undefined',
    rule: 'required',
  },
  {
    name: 'unknown training method',
    // @ts-expect-error -- sft or dpo
    send: (c) => c.together.jobs.create({ ...togetherJob, training_method: { method: 'rl' } }),
    operation: TOGETHER_CREATE,
    field: 'body.training_method.method',
    shown: '"rl"',
    rule: 'enum ["sft"] or enum ["dpo"]',
  },
  {
    name: 'LoRA without lora_r',
    // @ts-expect-error -- lora_r and lora_alpha are required
    send: (c) => c.together.jobs.create({ ...togetherJob, training_type: { type: 'Lora' } }),
    operation: TOGETHER_CREATE,
    field: 'body.training_type.lora_r',
    shown: 'undefined',
    rule: 'required',
    more: ['body.training_type.lora_alpha = undefined breaks required'],
  },
  {
    name: 'LoRA rank a string',
    // @ts-expect-error -- lora_r is an integer
    send: (c) => c.together.jobs.create({ ...togetherJob, training_type: { type: 'Lora', lora_r: 'x', lora_alpha: 16 } }),
    operation: TOGETHER_CREATE,
    field: 'body.training_type.lora_r',
    shown: '"x"',
    rule: 'type integer',
  },
  {
    name: 'train_on_inputs a word other than auto',
    // @ts-expect-error -- a boolean or "auto"
    send: (c) => c.together.jobs.create({ ...togetherJob, train_on_inputs: 'yes' }),
    operation: TOGETHER_CREATE,
    field: 'body.train_on_inputs',
    shown: '"yes"',
    rule: 'enum ["auto"]',
  },
  {
    name: 'a Together secret is never shown',
    // @ts-expect-error -- the key is a string
    send: (c) => c.together.jobs.create({ ...togetherJob, wandb_api_key: 1234567890 }),
    operation: TOGETHER_CREATE,
    field: 'body.wandb_api_key',
    shown: '[redacted]',
    rule: 'type string',
  },
  {
    name: 'price estimate without a training file',
    // @ts-expect-error -- training_file is required
    send: (c) => c.together.jobs.estimatePrice({ n_epochs: 2 }),
    operation: 'together POST /fine-tunes/estimate-price',
    field: 'body.training_file',
    shown: 'undefined',
    rule: 'required',
  },
  {
    name: 'download of an unknown kind',
    // @ts-expect-error -- merged, adapter or model_output_path
    send: (c) => c.together.jobs.download('ft-123', { checkpoint: 'full' }),
    operation: 'together GET /finetune/download',
    field: 'query.checkpoint',
    shown: '"full"',
    rule: 'enum ["merged","adapter","model_output_path"]',
  },
  {
    name: 'download of a fractional step',
    send: (c) => c.together.jobs.download('ft-123', { checkpoint_step: 1.5 }),
    operation: 'together GET /finetune/download',
    field: 'query.checkpoint_step',
    shown: '1.5',
    rule: 'type integer',
  },
  {
    name: 'retrieve without an id',
    // @ts-expect-error -- the id is required
    send: (c) => c.together.jobs.retrieve(),
    operation: 'together GET /fine-tunes/{id}',
    field: 'path.id',
    shown: 'undefined',
    rule: 'required',
  },
  {
    name: 'file retrieve with a numeric id',
    // @ts-expect-error -- the id is a string
    send: (c) => c.together.files.retrieve(42),
    operation: 'together GET /files/{id}',
    field: 'path.id',
    shown: '42',
    rule: 'type string',
  },
];

const OPENAI_CREATE = 'openai POST /fine_tuning/jobs';
const openaiMethod =
  (hyperparameters: NonNullable<NonNullable<OpenAIJobCreateParams['method']>['supervised']>['hyperparameters']) => (c: Clients) =>
    c.openai.jobs.create({ ...openaiJob, method: { type: 'supervised', supervised: { hyperparameters } } });
const openaiCases: Case[] = [
  {
    name: 'model missing',
    // @ts-expect-error -- model is required
    send: (c) => c.openai.jobs.create({ training_file: 'file-abc123' }),
    operation: OPENAI_CREATE,
    field: 'body.model',
    shown: 'undefined',
    rule: 'required',
  },
  {
    name: 'empty suffix',
    send: (c) => c.openai.jobs.create({ ...openaiJob, suffix: '' }),
    operation: OPENAI_CREATE,
    field: 'body.suffix',
    shown: '""',
    rule: 'minLength 1',
  },
  {
    name: 'suffix of 65 characters (astral ones count once)',
    send: (c) => c.openai.jobs.create({ ...openaiJob, suffix: '🙂'.repeat(65) }),
    operation: OPENAI_CREATE,
    field: 'body.suffix',
    shown: `"${'🙂'.repeat(20)}…"`,
    rule: 'maxLength 64',
  },
  {
    name: 'negative seed',
    send: (c) => c.openai.jobs.create({ ...openaiJob, seed: -1 }),
    operation: OPENAI_CREATE,
    field: 'body.seed',
    shown: '-1',
    rule: 'minimum 0',
  },
  {
    name: 'seed above int32',
    send: (c) => c.openai.jobs.create({ ...openaiJob, seed: 2 ** 31 }),
    operation: OPENAI_CREATE,
    field: 'body.seed',
    shown: '2147483648',
    rule: 'maximum 2147483647',
  },
  {
    name: 'n_epochs above 50',
    send: openaiMethod({ n_epochs: 51 }),
    operation: OPENAI_CREATE,
    field: 'body.method.supervised.hyperparameters.n_epochs',
    shown: '51',
    rule: 'maximum 50',
  },
  {
    name: 'batch_size above 256',
    send: openaiMethod({ batch_size: 512 }),
    operation: OPENAI_CREATE,
    field: 'body.method.supervised.hyperparameters.batch_size',
    shown: '512',
    rule: 'maximum 256',
  },
  {
    name: 'learning_rate_multiplier 0',
    send: openaiMethod({ learning_rate_multiplier: 0 }),
    operation: OPENAI_CREATE,
    field: 'body.method.supervised.hyperparameters.learning_rate_multiplier',
    shown: '0',
    rule: 'exclusiveMinimum 0',
  },
  {
    name: 'n_epochs a word other than auto',
    // @ts-expect-error -- "auto" or an integer
    send: openaiMethod({ n_epochs: 'max' }),
    operation: OPENAI_CREATE,
    field: 'body.method.supervised.hyperparameters.n_epochs',
    shown: '"max"',
    rule: 'enum ["auto"]',
  },
  {
    name: 'unknown method type',
    // @ts-expect-error -- supervised, dpo or reinforcement
    send: (c) => c.openai.jobs.create({ ...openaiJob, method: { type: 'rlhf' } }),
    operation: OPENAI_CREATE,
    field: 'body.method.type',
    shown: '"rlhf"',
    rule: 'enum ["supervised","dpo","reinforcement"]',
  },
  {
    name: 'dpo beta above 2',
    send: (c) => c.openai.jobs.create({ ...openaiJob, method: { type: 'dpo', dpo: { hyperparameters: { beta: 3 } } } }),
    operation: OPENAI_CREATE,
    field: 'body.method.dpo.hyperparameters.beta',
    shown: '3',
    rule: 'maximum 2',
  },
  {
    name: 'reinforcement without a grader',
    // @ts-expect-error -- grader is required
    send: (c) => c.openai.jobs.create({ ...openaiJob, method: { type: 'reinforcement', reinforcement: {} } }),
    operation: OPENAI_CREATE,
    field: 'body.method.reinforcement.grader',
    shown: 'undefined',
    rule: 'required',
  },
  {
    name: 'string-check grader with an unknown operation',
    send: (c) =>
      c.openai.jobs.create({
        ...openaiJob,
        method: {
          type: 'reinforcement',
          reinforcement: {
            // @ts-expect-error -- eq, ne, like or ilike
            grader: { type: 'string_check', name: 'g', input: '{{sample.output_text}}', reference: 'x', operation: 'contains' },
          },
        },
      }),
    operation: OPENAI_CREATE,
    field: 'body.method.reinforcement.grader.operation',
    shown: '"contains"',
    rule: 'enum ["eq","ne","like","ilike"]',
  },
  {
    name: 'wandb integration without a project',
    // @ts-expect-error -- project is required
    send: (c) => c.openai.jobs.create({ ...openaiJob, integrations: [{ type: 'wandb', wandb: { name: 'run' } }] }),
    operation: OPENAI_CREATE,
    field: 'body.integrations[0].wandb.project',
    shown: 'undefined',
    rule: 'required',
  },
  {
    name: 'metadata value not a string',
    // @ts-expect-error -- metadata values are strings
    send: (c) => c.openai.jobs.create({ ...openaiJob, metadata: { team: 7 } }),
    operation: OPENAI_CREATE,
    field: 'body.metadata.team',
    shown: '7',
    rule: 'type string',
  },
  {
    name: 'file list order neither asc nor desc',
    // @ts-expect-error -- asc or desc
    send: (c) => c.openai.files.list({ order: 'newest' }),
    operation: 'openai GET /files',
    field: 'query.order',
    shown: '"newest"',
    rule: 'enum ["asc","desc"]',
  },
  {
    name: 'events limit a string',
    // @ts-expect-error -- limit is an integer
    send: (c) => c.openai.jobs.events('ftjob-abc123', { limit: '5' }),
    operation: 'openai GET /fine_tuning/jobs/{fine_tuning_job_id}/events',
    field: 'query.limit',
    shown: '"5"',
    rule: 'type integer',
  },
  {
    name: 'cancel without an id',
    // @ts-expect-error -- the id is required
    send: (c) => c.openai.jobs.cancel(),
    operation: 'openai POST /fine_tuning/jobs/{fine_tuning_job_id}/cancel',
    field: 'path.fine_tuning_job_id',
    shown: 'undefined',
    rule: 'required',
  },
];

describe.each([
  ['nebius', nebiusCases],
  ['together', togetherCases],
  ['openai', openaiCases],
])('%s: a bad request is refused before it is sent', (_provider, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const error: unknown = await c.send(clients()).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ValidationError);
    if (!(error instanceof ValidationError)) return;
    expect(error.message).toBe([`${c.operation}: ${c.field} = ${c.shown} breaks ${c.rule}`, ...(c.more ?? [])].join('; '));
    expect(error.problems).toHaveLength(1 + (c.more?.length ?? 0));
    expect(error.field).toBe(c.field);
    expect(error.rule).toBe(c.rule);
    expect(server.requests).toHaveLength(0);
  });
});

it('has at least 40 cases, 15 of them for Nebius', () => {
  expect(nebiusCases.length).toBeGreaterThanOrEqual(15);
  expect(nebiusCases.length + togetherCases.length + openaiCases.length).toBeGreaterThanOrEqual(40);
});
