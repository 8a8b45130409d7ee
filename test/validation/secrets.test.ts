import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError, createNebiusClient } from '../../src/index.js';
import { json, startLocalServer, type LocalServer } from '../support/local-server.js';

// Secrets in request bodies (Hugging Face tokens, W&B keys, MLflow passwords) are never shown, whatever else is wrong
// with the request: not in the message, `problems`, the JSON or `util.inspect` of the error, nor its stack. Each test
// sends through a real client to a real server that must never be asked.
let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer((_req, res) => json(res, 200, { id: 'x' }));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const options = () => ({ apiKey: 'test-key-123456', baseUrl: server.url, maxRetries: 0 });

/** The error `send` throws, checked to be a ValidationError that shows `canary` nowhere, with nothing sent. */
async function refused(send: () => Promise<unknown>, canary: string): Promise<ValidationError> {
  const error: unknown = await send().then(
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
  })) {
    expect(text, `the canary in ${where}`).not.toContain(canary);
  }
  return error;
}

describe('Nebius from_checkpoint: the Hugging Face branch', () => {
  it('repo of the wrong type beside a token: the problem is repo (type string), the token shown nowhere', async () => {
    const canary = 'hf_CANARYfromCheckpointRepo42xxxxxxxx';
    const error = await refused(
      () =>
        createNebiusClient(options()).jobs.create({
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          training_file: 'file-123',
          // @ts-expect-error -- repo must be a string
          from_checkpoint: { type: 'hf', repo: 42, token: canary },
        }),
      canary,
    );
    expect(error.problems).toEqual([
      { field: 'body.from_checkpoint.repo', rule: 'type string', value: 42, message: 'body.from_checkpoint.repo = 42 breaks type string' },
    ]);
    expect(error.message).toBe('nebius POST /v1/fine_tuning/jobs: body.from_checkpoint.repo = 42 breaks type string');
  });
});
