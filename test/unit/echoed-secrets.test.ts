import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNebiusClient } from '../../src/providers/nebius/index.js';
import { createTogetherClient } from '../../src/providers/together/index.js';

/** A server that answers every request 422 with the body it got, as FastAPI's validation errors echo their `input`. */
let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      response.writeHead(422, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ detail: [{ type: 'value_error', msg: 'rejected', input: body ? JSON.parse(body) : null }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const WANDB = 'wandb-CANARY-0123456789abcdef0123456789abcdef';
const HF = 'hf_CANARYechoed0123456789abcdefghij';

/** Everything a caller may print of an error. */
async function everything(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return [String(error), JSON.stringify(error), inspect(error, { depth: 10 }), error instanceof Error ? error.stack : ''].join('\n');
}

describe('a secret the server echoes back in its error is hidden, like the key', () => {
  for (const validate of [true, false]) {
    it(`Together: wandb_api_key (the document's secret) and an hf_token (by its name), validate: ${validate}`, async () => {
      const lines: string[] = [];
      const together = createTogetherClient({
        apiKey: 'together-key-0123456789',
        baseUrl: url,
        maxRetries: 0,
        validate,
        logLevel: 'debug',
        logger: {
          debug: (l: string) => lines.push(l),
          info: (l: string) => lines.push(l),
          warn: (l: string) => lines.push(l),
          error: (l: string) => lines.push(l),
        },
      });
      const body = { model: 'm', training_file: 'file-1', wandb_api_key: WANDB, hf_api_token: HF };
      const text = await everything(together.jobs.create(body));
      expect(text).toContain('422');
      expect(text).toContain('[redacted]');
      for (const canary of [WANDB, HF, 'together-key-0123456789']) {
        expect(text).not.toContain(canary);
        expect(lines.join('\n')).not.toContain(canary);
      }
    });
  }

  it('Nebius: a W&B key inside integrations and an HF token inside from_checkpoint', async () => {
    const nebius = createNebiusClient({ apiKey: 'nebius-key-0123456789', baseUrl: url, maxRetries: 0 });
    const text = await everything(
      nebius.jobs.create({
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        training_file: 'file-1',
        integrations: [{ type: 'wandb', wandb: { api_key: WANDB, project: 'p' } }],
      }),
    );
    expect(text).toContain('422');
    expect(text).not.toContain(WANDB);
  });
});
