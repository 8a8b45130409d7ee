/**
 * What a new user hits in the first hour: each mistake gets an error that says what happened and which option,
 * field or path it was, before anything is sent.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  APIConnectionError,
  NotFoundError,
  ValidationError,
  createNebiusClient,
  createOpenAIClient,
  createTogetherClient,
  type NebiusJobCreateParams,
} from '../../src/index.js';
import { json, startLocalServer, type LocalServer } from '../support/local-server.js';

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer((req, res) => json(res, 200, { id: 'x', echo: req.body ? JSON.parse(req.body) : null }));
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
});

const apiKey = 'sk-first-hour-123456';
const errorOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
const thrownBy = (build: () => unknown): unknown => {
  try {
    build();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('a base URL is checked when the client is built, naming the option', () => {
  it.each([['not a url'], ['api.tokenfactory.nebius.com'], ['ftp://files.example.com'], ['']])('baseUrl %j is refused', (baseUrl) => {
    const error = thrownBy(() => createNebiusClient({ apiKey, baseUrl }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      message: `nebius: baseUrl = ${JSON.stringify(baseUrl)} is not an absolute http(s) URL (the default is https://api.tokenfactory.nebius.com)`,
      field: 'baseUrl',
      value: baseUrl,
    });
  });

  it('names the environment variable when the bad value came from it', () => {
    vi.stubEnv('TOGETHER_BASE_URL', 'localhost:4010');
    expect(thrownBy(() => createTogetherClient({ apiKey }))).toMatchObject({
      name: 'ValidationError',
      message: 'together: TOGETHER_BASE_URL = "localhost:4010" is not an absolute http(s) URL (the default is https://api.together.ai/v1)',
    });
  });

  it('checks timeoutMs and maxRetries too', () => {
    expect(thrownBy(() => createOpenAIClient({ apiKey, timeoutMs: 0 }))).toMatchObject({
      field: 'timeoutMs',
      message: 'openai: timeoutMs = 0 must be a number of milliseconds above 0',
    });
    expect(thrownBy(() => createOpenAIClient({ apiKey, maxRetries: 1.5 }))).toMatchObject({
      field: 'maxRetries',
      message: 'openai: maxRetries = 1.5 must be a whole number ≥ 0',
    });
  });

  it('a connection error names the method and the path', async () => {
    const closed = await startLocalServer(() => undefined);
    await closed.close();
    const error = await errorOf(createNebiusClient({ apiKey, baseUrl: closed.url, maxRetries: 0 }).jobs.retrieve('ftjob-1'));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toMatch(/^nebius GET \/v1\/fine_tuning\/jobs\/ftjob-1: connection failed \(.*ECONNREFUSED.*\)$/);
  });
});

describe('a file that cannot be read is a ValidationError naming the path, with nothing sent', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tunekit-first-hour-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['nebius', 'POST /v1/files', () => createNebiusClient({ apiKey, baseUrl: server.url })],
    ['together', 'POST /files/upload', () => createTogetherClient({ apiKey, baseUrl: server.url })],
    ['openai', 'POST /files', () => createOpenAIClient({ apiKey, baseUrl: server.url })],
  ] as const)('%s: a missing file and a directory', async (provider, operation, make) => {
    const client = make();
    const missing = await errorOf(client.files.upload('./does-not-exist.jsonl'));
    expect(missing).toBeInstanceOf(ValidationError);
    expect(missing).toMatchObject({
      message: `${provider} ${operation}: file = "./does-not-exist.jsonl" cannot be read (no such file); nothing was sent`,
      field: 'file',
      value: './does-not-exist.jsonl',
    });
    await expect(client.files.upload(dir)).rejects.toThrow(`file = ${JSON.stringify(dir)} cannot be read (a directory, not a file)`);
    expect(server.requests).toHaveLength(0);
  });
});

describe('a request fetch refuses before sending is never sent, never retried, and says so', () => {
  it.each([
    ['a bad port', 'http://127.0.0.1:9', 'bad port'],
    ['another bad port', 'http://127.0.0.1:6000', 'bad port'],
  ])('%s (%s)', async (_name, baseUrl, reason) => {
    const warnings: string[] = [];
    const logger = { error: () => undefined, warn: (line: string) => warnings.push(line), info: () => undefined, debug: () => undefined };
    // Every wait the client starts goes through its clock: recorded here, so "no back-off" is checked exactly.
    const waits: number[] = [];
    const clock = { now: () => Date.now(), sleep: (ms: number) => Promise.resolve(void waits.push(ms)) };
    const nebius = createNebiusClient({ apiKey, baseUrl, maxRetries: 5, logLevel: 'warn', logger, clock });
    const error = await errorOf(nebius.jobs.create({ model: 'm', training_file: 'f' }));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toBe(
      `nebius POST /v1/fine_tuning/jobs: refused by fetch before sending (${reason}); nothing was sent`,
    );
    expect((error as Error).message).not.toContain('may have acted');
    expect(warnings).toEqual([]); // no retry was even considered
    expect(waits).toEqual([]); // no back-off wait (the default first wait is 375–500 ms)
  });
});

describe('an empty id is a ValidationError naming the parameter, with nothing sent', () => {
  const options = () => ({ apiKey, baseUrl: server.url });
  it.each([
    [
      'nebius jobs.retrieve',
      () => createNebiusClient(options()).jobs.retrieve(''),
      'nebius GET /v1/fine_tuning/jobs/{job_id}',
      'path.job_id',
    ],
    [
      'nebius jobs.checkpoint',
      () => createNebiusClient(options()).jobs.checkpoint('ftjob-1', ''),
      'nebius GET /v1/fine_tuning/jobs/{job_id}/checkpoints/{checkpoint_id}',
      'path.checkpoint_id',
    ],
    ['nebius files.delete', () => createNebiusClient(options()).files.delete(''), 'nebius DELETE /v1/files/{file_id}', 'path.file_id'],
    ['together jobs.cancel', () => createTogetherClient(options()).jobs.cancel(''), 'together POST /fine-tunes/{id}/cancel', 'path.id'],
    [
      'openai jobs.retrieve',
      () => createOpenAIClient(options()).jobs.retrieve(''),
      'openai GET /fine_tuning/jobs/{fine_tuning_job_id}',
      'path.fine_tuning_job_id',
    ],
  ] as const)('%s', async (_name, call, operation, field) => {
    const error = await errorOf(call());
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ message: `${operation}: ${field} = "" breaks minLength 1`, field, rule: 'minLength 1' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('every validation problem is reported at once', () => {
  it('four bad fields: the error lists all four, the message the first three and a count', async () => {
    const body = {
      model: 'm',
      training_file: 'f',
      hyperparameters: { n_epochs: 0, batch_size: 100, learning_rate: -1, warmup_ratio: 2 },
    };
    const error = await errorOf(createNebiusClient({ apiKey, baseUrl: server.url }).jobs.create(body));
    expect(error).toBeInstanceOf(ValidationError);
    if (!(error instanceof ValidationError)) return;
    expect(error.problems.map((p) => [p.field, p.rule])).toEqual([
      ['body.hyperparameters.n_epochs', 'minimum 1'],
      ['body.hyperparameters.batch_size', 'maximum 64'],
      ['body.hyperparameters.learning_rate', 'minimum 0'],
      ['body.hyperparameters.warmup_ratio', 'maximum 1'],
    ]);
    expect(error.message).toBe(
      'nebius POST /v1/fine_tuning/jobs: body.hyperparameters.n_epochs = 0 breaks minimum 1; ' +
        'body.hyperparameters.batch_size = 100 breaks maximum 64; body.hyperparameters.learning_rate = -1 breaks minimum 0; and 1 more',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('a missing field and a wrong type in one body are both reported', async () => {
    const error = await errorOf(
      // @ts-expect-error -- model is missing and n_epochs is a string
      createTogetherClient({ apiKey, baseUrl: server.url }).jobs.create({ training_file: 'f', n_epochs: 'three' }),
    );
    expect(error).toMatchObject({ name: 'ValidationError' });
    expect((error as ValidationError).problems.map((p) => p.field)).toEqual(['body.n_epochs', 'body.model']);
  });
});

describe('a key the document does not name is refused, with the key it most likely meant', () => {
  const cases = [
    [
      'nebius hyperparameters.epochs',
      () =>
        createNebiusClient({ apiKey, baseUrl: server.url }).jobs.create({
          model: 'm',
          training_file: 'f',
          hyperparameters: { epochs: 3 },
        } as unknown as NebiusJobCreateParams),
      'body.hyperparameters.epochs',
      3,
      'n_epochs',
    ],
    [
      'nebius trainingFile',
      () =>
        createNebiusClient({ apiKey, baseUrl: server.url }).jobs.create({
          model: 'm',
          training_file: 'f',
          trainingFile: 'g',
        } as unknown as NebiusJobCreateParams),
      'body.trainingFile',
      'g',
      'training_file',
    ],
    [
      'together learningRate',
      () =>
        createTogetherClient({ apiKey, baseUrl: server.url }).jobs.create({ model: 'm', training_file: 'f', learningRate: 0.1 } as never),
      'body.learningRate',
      0.1,
      'learning_rate',
    ],
    [
      'openai suffx',
      () => createOpenAIClient({ apiKey, baseUrl: server.url }).jobs.create({ model: 'm', training_file: 'f', suffx: 'bot' } as never),
      'body.suffx',
      'bot',
      'suffix',
    ],
  ] as const;
  it.each(cases)('%s', async (_name, call, field, value, suggestion) => {
    const error = await errorOf(call());
    expect(error).toBeInstanceOf(ValidationError);
    if (!(error instanceof ValidationError)) return;
    expect(error.problems).toEqual([expect.objectContaining({ field, value, rule: 'unknown field', suggestion })]);
    expect(error.message).toContain(`${field} = ${JSON.stringify(value)} is not a field the document names (did you mean ${suggestion}?)`);
    expect(server.requests).toHaveLength(0);
  });

  it('extraBody sends a key the document does not know yet, after validation', async () => {
    const nebius = createNebiusClient({ apiKey, baseUrl: server.url });
    const job = await nebius.jobs.create(
      { model: 'm', training_file: 'f', extra_body: { rope_scaling: 2 } },
      { extraBody: { priority: 'high' } },
    );
    expect(job).toMatchObject({ echo: { model: 'm', training_file: 'f', extra_body: { rope_scaling: 2 }, priority: 'high' } });
    // The rest is still validated.
    await expect(nebius.jobs.create({ model: 'm', training_file: 'f', seed: 1.5 }, { extraBody: { priority: 'high' } })).rejects.toThrow(
      ValidationError,
    );
    expect(server.requests).toHaveLength(1);
  });
});

describe("an APIError message carries the server's own words", () => {
  it("Prism's problem+json: title and detail", async () => {
    const nebius = createNebiusClient({ apiKey, baseUrl: inject('prism').nebius, maxRetries: 0 });
    const error = await errorOf(nebius.jobs.retrieve('ftjob-1', { headers: { Prefer: 'code=404' } }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(
      /^nebius GET \/v1\/fine_tuning\/jobs\/ftjob-1 failed with 404: .+: Requested status code 404 is not defined in the document\.?/,
    );
  });
});
