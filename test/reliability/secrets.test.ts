import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createNebiusClient, TunekitError, type Logger } from '../../src/index.js';
import { createOpenAIClient } from '../../src/providers/openai/client.js';
import { createTogetherClient } from '../../src/providers/together/client.js';
import { startFaultServer, type Fault } from '../support/fault-server.js';
import { opsFor } from './clients.js';
import { ops, providers } from './matrix.js';

const canary = `sk-canary-${randomBytes(12).toString('hex')}`;
const wandbCanary = `wandb${randomBytes(18).toString('hex')}`;
const hfCanary = `hf_${randomBytes(16).toString('hex')}`;
const secrets = [canary, wandbCanary, hfCanary];

const lines: string[] = [];
const logger: Logger = {
  error: (line) => lines.push(line),
  warn: (line) => lines.push(line),
  info: (line) => lines.push(line),
  debug: (line) => lines.push(line),
};
const errors: unknown[] = [];

/** Every way an error can be shown, printed or serialised. */
function renderings(error: unknown): string[] {
  const cause = error instanceof Error ? error.cause : undefined;
  return [
    error instanceof Error ? error.message : '',
    String(error),
    inspect(error, { depth: 10 }),
    JSON.stringify(error) ?? '',
    inspect(cause, { depth: 10 }),
    error instanceof Error ? (error.stack ?? '') : '',
  ];
}

function expectNoSecret(text: string, where: string): void {
  for (const secret of secrets) expect(text.includes(secret), `${where} shows a secret`).toBe(false);
}

// Faults where a careless server echoes the caller's Authorization header back (bodies, HTML title, broken JSON).
const faults: Fault[] = ['reset-before-headers', 'lost-answer', 'reset-mid-body', 'malformed-json', 'html-502', '503', 'retry-after-ms', 'retry-after-huge', 'never-answer'];

describe('a canary API key never leaks: errors, causes, logs, the client object', () => {
  afterAll(() => {
    // The checks saw real material: the server echoed the key into what the client received.
    expect(errors.length).toBeGreaterThan(50);
    expect(lines.some((line) => line.includes(' → '))).toBe(true);
  });

  for (const provider of providers) {
    it(`${provider}: ${faults.length} faults × ${ops.length} ops, plus a 404, with an echoing server and debug logs`, async () => {
      const server = await startFaultServer(provider, { echoAuthorization: true });
      try {
        const client = opsFor(provider, { apiKey: canary, baseUrl: server.baseUrl, timeoutMs: 600, retry: { baseDelayMs: 5 }, logLevel: 'debug', logger });
        expectNoSecret(inspect(client.client, { depth: 10, showHidden: true }), 'util.inspect(client)');
        for (const fault of faults) {
          for (const op of ops) {
            server.script([{ op, fault }]);
            await client[op]().catch((error: unknown) => {
              expect(error).toBeInstanceOf(TunekitError);
              errors.push(error);
              for (const text of renderings(error)) expectNoSecret(text, `${provider} ${op} × ${fault}`);
            });
          }
        }
        server.script([]);
        // A 404 whose body quotes the key.
        const notFound = provider === 'nebius' ? createNebiusClient({ apiKey: canary, baseUrl: server.baseUrl, logLevel: 'debug', logger }).jobs.retrieve('nope')
          : provider === 'openai' ? createOpenAIClient({ apiKey: canary, baseUrl: server.baseUrl, logLevel: 'debug', logger }).jobs.retrieve('nope')
            : createTogetherClient({ apiKey: canary, baseUrl: server.baseUrl, logLevel: 'debug', logger }).jobs.retrieve('nope');
        const error = await notFound.catch((e: unknown) => e);
        expect(String(error)).toContain('[redacted]'); // the server's words are kept, the key is not
        errors.push(error);
        for (const text of renderings(error)) expectNoSecret(text, `${provider} 404`);
        // The server did get the key, and echoed it: the test is not vacuous.
        expect(server.seen.every((request) => request.headers.authorization === `Bearer ${canary}`)).toBe(true);
      } finally {
        await server.close();
      }
      for (const line of lines) expectNoSecret(line, 'a log line');
    });
  }

  it('W&B and Hugging Face keys in a create body never reach the debug log (and are still sent)', async () => {
    for (const provider of providers) {
      const server = await startFaultServer(provider);
      try {
        const options = { apiKey: canary, baseUrl: server.baseUrl, logLevel: 'debug' as const, logger };
        if (provider === 'nebius') {
          await createNebiusClient(options).jobs.create({
            model: 'm',
            training_file: 'file-1',
            integrations: [{ type: 'wandb', wandb: { project: 'p', api_key: wandbCanary } }],
          });
        } else if (provider === 'together') {
          await createTogetherClient(options).jobs.create({ model: 'm', training_file: 'file-1', wandb_api_key: wandbCanary, hf_api_token: hfCanary });
        } else {
          await createOpenAIClient(options).jobs.create({ model: 'm', training_file: 'file-1', metadata: { note: hfCanary } });
        }
        expect(server.seen.some((request) => request.body.includes(provider === 'openai' ? hfCanary : wandbCanary))).toBe(true);
      } finally {
        await server.close();
      }
    }
    // The creates were logged at debug (bodies never are).
    expect(lines.filter((line) => / POST .*\/(jobs|fine-tunes) → 200 in \d+ ms/.test(line)).length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expectNoSecret(line, 'a log line');
  });
});
