import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { schemasOf, type Rules } from '../../src/core/schemas.js';
import { checkValue } from '../../src/core/validate.js';
import {
  ValidationError,
  createAzureOpenAIClient,
  createNebiusClient,
  createOpenAIClient,
  createTogetherClient,
  type ClientOptions,
} from '../../src/index.js';
import { json, startLocalServer, type LocalServer } from '../support/local-server.js';

// Secrets in request bodies (Hugging Face tokens, W&B keys, MLflow passwords, keys the document does not name) are
// never shown, whatever else is wrong with the request: not in the message, `problems`, the JSON or `util.inspect` of
// the error, its stack, nor a log line. Each case sends through a real client to a real server that must never be asked.
let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer((_req, res) => json(res, 200, { id: 'x' }));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

/** Every log line the clients write, at the most talkative level. */
const logged: string[] = [];
const logger = {
  error: (line: string) => logged.push(line),
  warn: (line: string) => logged.push(line),
  info: (line: string) => logged.push(line),
  debug: (line: string) => logged.push(line),
};

function clients() {
  const options: ClientOptions = { apiKey: 'test-key-123456', baseUrl: server.url, maxRetries: 0, logLevel: 'debug', logger };
  return {
    nebius: createNebiusClient(options),
    together: createTogetherClient(options),
    openai: createOpenAIClient(options),
    azure: createAzureOpenAIClient(options),
  };
}
type Clients = ReturnType<typeof clients>;

/** The error `send` throws, checked to be a ValidationError that shows `canary` nowhere, with nothing sent. */
async function refused(send: (c: Clients) => Promise<unknown>, canary: string): Promise<ValidationError> {
  logged.length = 0;
  const error: unknown = await send(clients()).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  if (!(error instanceof ValidationError)) throw new Error('not a ValidationError');
  expect(server.requests).toHaveLength(0);
  for (const [where, text] of Object.entries({
    message: error.message,
    problems: JSON.stringify(error.problems),
    value: JSON.stringify(error.value) ?? '',
    json: JSON.stringify(error),
    inspect: inspect(error, { depth: null, showHidden: true }),
    stack: error.stack ?? '',
    string: String(error),
    log: logged.join('\n'),
  })) {
    expect(text, `the canary in ${where}`).not.toContain(canary);
  }
  return error;
}

// Bodies broken on purpose: extra fields go in as a record (a record's keys are not checked against the typed
// parameters), so that each case can hold what the types forbid.
const nebiusJob = (extra: Record<string, unknown>) => (c: Clients) =>
  c.nebius.jobs.create(Object.assign({ model: 'meta-llama/Llama-3.1-8B-Instruct', training_file: 'file-123' }, extra));
const togetherJob = (extra: Record<string, unknown>) => (c: Clients) =>
  c.together.jobs.create(Object.assign({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', training_file: 'file-123' }, extra));
const openaiJob = (extra: Record<string, unknown>) => (c: Clients) =>
  c.openai.jobs.create(Object.assign({ model: 'gpt-4o-mini', training_file: 'file-abc123' }, extra));
const azureJob = (extra: Record<string, unknown>) => (c: Clients) =>
  c.azure.jobs.create(Object.assign({ model: 'gpt-4.1-mini-2025-04-14', training_file: 'file-abc123' }, extra));

interface Case {
  name: string;
  /** The secret: it must show nowhere. */
  canary: string;
  send: (c: Clients) => Promise<unknown>;
  /** The first problem: where, the value as the message shows it, the rule. */
  field: string;
  shown: string;
  rule: string;
}

const HF = 'hf_CANARYaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const WANDB = 'CANARYwandb0123456789abcdef0123456789abcd';
const MLFLOW = 'CANARY-mlflow-password-0123456789';
const KEY = 'CANARY-unnamed-key-0123456789abcdef';
const wandb = { project: 'p', api_key: WANDB };
const mlflow = { tracking_uri: 'https://mlflow.example', experiment_name: 'e', run_name: 'r', certificate_file: 'c', username: 'u' };

const cases: Record<'nebius' | 'together' | 'openai' | 'azure', Case[]> = {
  nebius: [
    {
      name: 'from_checkpoint, Hugging Face branch: repo of the wrong type beside the token',
      canary: HF,
      send: nebiusJob({ from_checkpoint: { type: 'hf', repo: 42, token: HF } }),
      field: 'body.from_checkpoint.repo',
      shown: '42',
      rule: 'type string',
    },
    {
      name: 'from_checkpoint, Hugging Face branch: an unknown key beside the token',
      canary: HF,
      send: nebiusJob({ from_checkpoint: { type: 'hf', repo: 'org/model', revison: 'main', token: HF } }),
      field: 'body.from_checkpoint.revison',
      shown: '"main"',
      rule: 'unknown field',
    },
    {
      name: 'from_checkpoint, Hugging Face branch: the token itself of the wrong type',
      canary: HF,
      send: nebiusJob({ from_checkpoint: { type: 'hf', repo: 'org/model', token: { value: HF } } }),
      field: 'body.from_checkpoint.token',
      shown: '[redacted]',
      rule: 'type string|null',
    },
    {
      name: 'from_checkpoint, fine-tuned branch: a token under a name neither branch knows (by name)',
      canary: HF,
      send: nebiusJob({ from_checkpoint: { type: 'ft', hf_token: HF } }),
      field: 'body.from_checkpoint.hf_token',
      shown: '[redacted]',
      rule: 'unknown field',
    },
    {
      name: 'from_checkpoint of the wrong type altogether (a list holding the token)',
      canary: HF,
      send: nebiusJob({ from_checkpoint: [{ type: 'hf', repo: 'org/model', token: HF }] }),
      field: 'body.from_checkpoint',
      shown: '[…]',
      rule: 'type object or type null',
    },
    {
      name: 'W&B integration: project of the wrong type beside the key',
      canary: WANDB,
      send: nebiusJob({ integrations: [{ type: 'wandb', wandb: { ...wandb, project: 7 } }] }),
      field: 'body.integrations[0].wandb.project',
      shown: '7',
      rule: 'type string',
    },
    {
      name: 'W&B integration: an unknown key beside the key',
      canary: WANDB,
      send: nebiusJob({ integrations: [{ type: 'wandb', wandb: { ...wandb, entitty: 'team' } }] }),
      field: 'body.integrations[0].wandb.entitty',
      shown: '"team"',
      rule: 'unknown field',
    },
    {
      name: 'W&B integration: the key one level too high, where the branch does not know it (by name)',
      canary: WANDB,
      send: nebiusJob({ integrations: [{ type: 'wandb', api_key: WANDB, wandb: { project: 'p' } }] }),
      field: 'body.integrations[0].api_key',
      shown: '[redacted]',
      rule: 'unknown field',
    },
    {
      // (Nebius' W&B branch takes any string as its type: the document's `anyOf: [string, const wandb]`.)
      name: 'W&B and MLflow configs in one integration: the branches tie, the first is reported',
      canary: WANDB,
      send: nebiusJob({ integrations: [{ type: 'mlflow', wandb, mlflow: { ...mlflow, password: 'x' } }] }),
      field: 'body.integrations[0].mlflow',
      shown: '{…}',
      rule: 'unknown field',
    },
    {
      name: 'MLflow integration: tracking_uri of the wrong type beside the password',
      canary: MLFLOW,
      send: nebiusJob({ integrations: [{ type: 'mlflow', mlflow: { ...mlflow, tracking_uri: 5, password: MLFLOW } }] }),
      field: 'body.integrations[0].mlflow.tracking_uri',
      shown: '5',
      rule: 'type string',
    },
    {
      name: 'MLflow integration: the password under the W&B tag, the wrong branch',
      canary: MLFLOW,
      send: nebiusJob({ integrations: [{ type: 'wandb', mlflow: { ...mlflow, password: MLFLOW } }] }),
      field: 'body.integrations[0].mlflow',
      shown: '{…}',
      rule: 'unknown field',
    },
    {
      name: 'Hugging Face export: output_repo_name of the wrong type beside the token',
      canary: HF,
      send: nebiusJob({ integrations: [{ type: 'hf', hf: { output_repo_name: 1, api_token: HF } }] }),
      field: 'body.integrations[0].hf.output_repo_name',
      shown: '1',
      rule: 'type string',
    },
    {
      name: 'integrations not a list: an object holding every secret',
      canary: HF,
      send: nebiusJob({ integrations: { wandb, hf: { output_repo_name: 'o', api_token: HF } } }),
      field: 'body.integrations',
      shown: '{…}',
      rule: 'type array or type null',
    },
  ],
  together: [
    {
      name: 'hf_api_token beside a number of the wrong type',
      canary: HF,
      send: togetherJob({ hf_api_token: HF, from_hf_model: 'org/model', n_epochs: '3' }),
      field: 'body.n_epochs',
      shown: '"3"',
      rule: 'type integer',
    },
    {
      name: 'hf_api_token of the wrong type',
      canary: HF,
      send: togetherJob({ hf_api_token: [HF] }),
      field: 'body.hf_api_token',
      shown: '[redacted]',
      rule: 'type string',
    },
    {
      name: 'a Hugging Face token under a name the document does not know (by name)',
      canary: HF,
      send: togetherJob({ from_hf_model: 'org/model', hf_token: HF }),
      field: 'body.hf_token',
      shown: '[redacted]',
      rule: 'unknown field',
    },
    {
      name: 'wandb_api_key beside an unknown key',
      canary: WANDB,
      send: togetherJob({ wandb_api_key: WANDB, wandb_projct: 'p' }),
      field: 'body.wandb_projct',
      shown: '"p"',
      rule: 'unknown field',
    },
    {
      name: 'wandb_api_key beside the LoRA branch with a rank of the wrong type',
      canary: WANDB,
      send: togetherJob({ wandb_api_key: WANDB, training_type: { type: 'Lora', lora_r: 'x', lora_alpha: 16 } }),
      field: 'body.training_type.lora_r',
      shown: '"x"',
      rule: 'type integer',
    },
    {
      name: 'a W&B key inside the DPO branch, which does not know it (by name)',
      canary: WANDB,
      send: togetherJob({ training_method: { method: 'dpo', dpo_beta: 0.1, wandb_api_key: WANDB } }),
      field: 'body.training_method.wandb_api_key',
      shown: '[redacted]',
      rule: 'unknown field',
    },
    {
      name: 'a Hugging Face token inside a training method of no known kind (every branch wrong)',
      canary: HF,
      send: togetherJob({ training_method: { method: 'ppo', hfToken: HF } }),
      field: 'body.training_method.method',
      shown: '"ppo"',
      rule: 'enum ["sft"] or enum ["dpo"]',
    },
  ],
  openai: [
    {
      name: 'W&B integration: a key the document does not name, beside a project of the wrong type (by name)',
      canary: WANDB,
      send: openaiJob({ integrations: [{ type: 'wandb', wandb: { project: 1, api_key: WANDB } }] }),
      field: 'body.integrations[0].wandb.project',
      shown: '1',
      rule: 'type string',
    },
    {
      name: 'W&B integration: a key the document does not name (by name)',
      canary: WANDB,
      send: openaiJob({ integrations: [{ type: 'wandb', wandb: { project: 'p', apiKey: WANDB } }] }),
      field: 'body.integrations[0].wandb.apiKey',
      shown: '[redacted]',
      rule: 'unknown field',
    },
    {
      name: 'a reinforcement grader (a union) with an authorization header it does not know (by name)',
      canary: KEY,
      send: openaiJob({
        method: {
          type: 'reinforcement',
          reinforcement: {
            grader: {
              type: 'string_check',
              name: 'g',
              input: '{{sample.output_text}}',
              reference: 'x',
              operation: 'eq',
              authorization: `Bearer ${KEY}`,
            },
          },
        },
      }),
      field: 'body.method.reinforcement.grader.authorization',
      shown: '[redacted]',
      rule: 'unknown field',
    },
  ],
  azure: [
    {
      name: 'W&B integration: a key the document does not name, beside its config (by name)',
      canary: WANDB,
      send: azureJob({ integrations: [{ type: 'wandb', wandb_api_key: WANDB }] }),
      field: 'body.integrations[0].wandb_api_key',
      shown: '[redacted]',
      rule: 'unknown field',
    },
    {
      name: 'a reinforcement grader (a union) with a secret it does not know beside a wrong operation (by name)',
      canary: KEY,
      send: azureJob({
        method: {
          type: 'reinforcement',
          reinforcement: {
            grader: {
              type: 'string_check',
              name: 'g',
              input: '{{sample.output_text}}',
              reference: 'x',
              operation: 'equals',
              client_secret: KEY,
            },
          },
        },
      }),
      field: 'body.method.reinforcement.grader.operation',
      shown: '"equals"',
      rule: 'enum ["eq","ne","like","ilike"]',
    },
  ],
};

for (const [provider, list] of Object.entries(cases)) {
  describe(`${provider}: a secret beside an invalid request is shown nowhere`, () => {
    it.each(list)('$name', async (c) => {
      const error = await refused(c.send, c.canary);
      expect({ field: error.field, rule: error.rule }).toEqual({ field: c.field, rule: c.rule });
      expect(error.problems[0]?.message).toEqual(
        c.rule === 'unknown field'
          ? expect.stringMatching(new RegExp(`^${escape(`${c.field} = ${c.shown} is not a field the document names`)}`))
          : `${c.field} = ${c.shown} breaks ${c.rule}`,
      );
    });
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('Nebius from_checkpoint: the branch the value fits is the one reported', () => {
  it('repo: 42 beside a token: repo (type string), not "not a field the document names"', async () => {
    const error = await refused(nebiusJob({ from_checkpoint: { type: 'hf', repo: 42, token: HF } }), HF);
    expect(error.problems).toEqual([
      { field: 'body.from_checkpoint.repo', rule: 'type string', value: 42, message: 'body.from_checkpoint.repo = 42 breaks type string' },
    ]);
    expect(error.message).toBe('nebius POST /v1/fine_tuning/jobs: body.from_checkpoint.repo = 42 breaks type string');
    expect(error.value).toBe(42);
  });
});

describe('checkValue: a field secret in one branch is secret in every branch', () => {
  // A union of two closed objects: one names `pin` and `settings.pin`, secrets by the document only (their names say
  // nothing); the other knows neither, and is the branch the values below fit (it knows two of their three keys).
  const rules: Rules = {
    s: {},
    o: {
      'POST /x': {
        p: {
          body: {
            u: [
              { t: 16, p: { pin: { t: 1, h: 1 }, settings: { t: 16, p: { pin: { t: 1, h: 1 } } } }, x: 1 },
              { t: 16, p: { b: { t: 4 }, c: { t: 4 } }, x: 1 },
            ],
          },
        },
      },
    },
  };
  const schema = schemasOf(rules).operation('POST /x');

  it('reports the nearest branch, and its unknown field that another branch marks secret is redacted', () => {
    expect(schema && checkValue(schema, { body: { pin: 'CANARY-pin-0000', b: 1, c: 'two' } })).toEqual([
      { field: 'body.pin', depth: 2, rule: 'unknown field', value: '[redacted]', secret: true, suggestion: undefined },
      { field: 'body.c', depth: 2, rule: 'type integer', value: 'two' },
    ]);
  });

  it('an object value keeps its shape, its secret fields (by the document in any branch, or by name) redacted', () => {
    const settings = { pin: 'CANARY-pin-0000', note: 'kept', list: [{ sessionToken: 'CANARY-2', n: 1 }] };
    expect(schema && checkValue(schema, { body: { settings, b: 1, c: 2 } })).toEqual([
      {
        field: 'body.settings',
        depth: 2,
        rule: 'unknown field',
        value: { pin: '[redacted]', note: 'kept', list: [{ sessionToken: '[redacted]', n: 1 }] },
        suggestion: undefined,
      },
    ]);
    // The request itself is left as it was.
    expect(settings.pin).toBe('CANARY-pin-0000');
  });
});

describe('checkValue: names that say secret, for fields no branch knows', () => {
  const rules: Rules = { s: {}, o: { 'POST /x': { p: { body: { t: 16, p: { a: { t: 1 } }, x: 1 } } } } };
  const schema = schemasOf(rules).operation('POST /x');
  const shown = (name: string): unknown => schema && checkValue(schema, { body: { [name]: 'CANARY' } })[0]?.value;

  it.each([
    'token',
    'hf_token',
    'hfToken',
    'HF_TOKEN',
    'hftoken',
    'access-token',
    'key',
    'api_key',
    'apiKey',
    'x-api-key',
    'wandb_key',
    'secret',
    'client_secret',
    'password',
    'db_passwd',
    'authorization',
    'Authorization',
    'auth',
    'credentials',
  ])('%s is redacted', (name) => expect(shown(name)).toBe('[redacted]'));

  it.each([
    'tokens',
    'max_tokens',
    'token_count',
    'monkey',
    'keys',
    'keyword',
    'author',
    'secretary',
    'tunekit_create_key',
    'idempotency_key',
    'sort_key',
  ])('%s is shown', (name) => expect(shown(name)).toBe('CANARY'));
});
