import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createNebiusClient,
  createOpenAIClient,
  createTogetherClient,
  TunekitError,
  type Logger,
  type ProviderName,
} from '../../src/index.js';
import { startSandbox, type Fault, type Responder } from '../../src/testing.js';
import { opsFor, ROUTES, seed } from './clients.js';
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
/** Calls checked, per provider: every call, whether it failed or not. */
const checked: Partial<Record<ProviderName, number>> = {};

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

/** A careless server: the caller's Authorization header echoed into the body it answers with. */
const echoing =
  (status: number, body: (echo: string) => string, headers: Record<string, string> = {}): Responder =>
  (request) =>
    new Response(body(` (you sent ${request.headers.get('authorization') ?? 'nothing'})`), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
const errorBody = (message: string) => (echo: string) => JSON.stringify({ error: { message: `${message}${echo}`, type: 'fault' } });

// Faults where a careless server echoes the caller's Authorization header back (bodies, HTML title, broken JSON).
const faults: [string, { fault: Fault } | { respond: Responder }][] = [
  ['reset-before-headers', { fault: 'reset' }],
  ['lost-answer', { fault: 'lost-answer' }],
  ['reset-mid-body', { fault: 'reset-mid-body' }],
  ['malformed-json', { respond: echoing(200, (echo) => `{"id": "broken${echo}", "status": `) }],
  [
    'html-502',
    {
      respond: echoing(
        502,
        (echo) => `<html><head><title>502 Bad Gateway${echo}</title></head><body><center>nginx</center></body></html>`,
        { 'content-type': 'text/html' },
      ),
    },
  ],
  ['503', { respond: echoing(503, errorBody('overloaded')) }],
  ['retry-after-ms', { respond: echoing(429, errorBody('slow down'), { 'retry-after-ms': '50' }) }],
  ['retry-after-huge', { respond: echoing(429, errorBody('come back in ten minutes'), { 'retry-after': '600' }) }],
  ['never-answer', { fault: 'never-answer' }],
];

describe('a canary API key never leaks: errors, causes, logs, the client object', () => {
  afterAll(() => {
    // The checks saw real material: the server echoed the key into what the client received.
    expect(errors.length).toBeGreaterThan(50);
    expect(lines.some((line) => line.includes(' → '))).toBe(true);
    // Every call was checked, the ones that succeeded too.
    expect(checked).toEqual(Object.fromEntries(providers.map((provider) => [provider, faults.length * ops.length + 1])));
  });

  for (const provider of providers) {
    it(`${provider}: ${faults.length} faults × ${ops.length} ops, plus a 404, with an echoing server and debug logs`, async () => {
      // Only the canary is accepted: every request that got an answer carried it.
      await using sandbox = await startSandbox({ provider, apiKeys: [canary] });
      const [jobId] = (await seed(sandbox, canary, 3)).jobs;
      const client = opsFor(
        provider,
        {
          apiKey: canary,
          baseUrl: sandbox.url,
          timeoutMs: 600,
          retry: { baseDelayMs: 5 },
          logLevel: 'debug',
          logger,
          clock: sandbox.clock,
        },
        jobId,
      );
      expectNoSecret(inspect(client.client, { depth: 10, showHidden: true }), 'util.inspect(client)');
      const sent = sandbox.requests.length;
      for (const [name, spoil] of faults) {
        for (const op of ops) {
          sandbox.resetOverrides();
          sandbox.use({ route: ROUTES[provider][op], ...spoil });
          const where = `${provider} ${op} × ${name}`;
          const outcome = await client[op]().then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
          checked[provider] = (checked[provider] ?? 0) + 1;
          if ('error' in outcome) {
            expect(outcome.error, where).toBeInstanceOf(TunekitError);
            errors.push(outcome.error);
            for (const text of renderings(outcome.error)) expectNoSecret(text, where);
          } else {
            for (const text of [JSON.stringify(outcome.value), inspect(outcome.value, { depth: 10 })]) expectNoSecret(text, where);
          }
        }
      }
      sandbox.resetOverrides();
      // A 404 whose body quotes the key.
      sandbox.use({ route: ROUTES[provider].retrieve, respond: echoing(404, errorBody('not found')) });
      const options = { apiKey: canary, baseUrl: sandbox.url, logLevel: 'debug' as const, logger };
      const notFound =
        provider === 'nebius'
          ? createNebiusClient(options).jobs.retrieve('nope')
          : provider === 'openai'
            ? createOpenAIClient(options).jobs.retrieve('nope')
            : createTogetherClient(options).jobs.retrieve('nope');
      const error = await notFound.catch((e: unknown) => e);
      checked[provider] = (checked[provider] ?? 0) + 1;
      expect(String(error)).toContain('[redacted]'); // the server's words are kept, the key is not
      errors.push(error);
      for (const text of renderings(error)) expectNoSecret(text, `${provider} 404`);
      // The sandbox did get the key on every request (only the canary is accepted, none was refused), and echoed it.
      const seen = sandbox.requests.slice(sent);
      expect(new Set(seen.map((request) => request.key)).size).toBe(1);
      expect(seen.filter((request) => request.status === 401)).toEqual([]);
      expect(seen.filter((request) => request.fault === 'respond').length).toBeGreaterThanOrEqual(6 * ops.length);
      for (const line of lines) expectNoSecret(line, 'a log line');
    });
  }

  it('W&B and Hugging Face keys in a create body never reach the debug log (and are still sent)', async () => {
    for (const provider of providers) {
      await using sandbox = await startSandbox({ provider });
      let received = '';
      sandbox.use({
        route: ROUTES[provider].create,
        respond: async (request) => {
          received = await request.text();
          return undefined; // the sandbox answers
        },
      });
      const options = { apiKey: canary, baseUrl: sandbox.url, logLevel: 'debug' as const, logger };
      if (provider === 'nebius') {
        await createNebiusClient(options).jobs.create({
          model: 'm',
          training_file: 'file-1',
          integrations: [{ type: 'wandb', wandb: { project: 'p', api_key: wandbCanary } }],
        });
      } else if (provider === 'together') {
        await createTogetherClient(options).jobs.create({
          model: 'm',
          training_file: 'file-1',
          wandb_api_key: wandbCanary,
          hf_api_token: hfCanary,
        });
      } else {
        await createOpenAIClient(options).jobs.create({
          model: 'gpt-4o-mini-2024-07-18',
          training_file: 'file-1',
          metadata: { note: hfCanary },
        });
      }
      expect(received).toContain(provider === 'openai' ? hfCanary : wandbCanary);
    }
    // The creates were logged at debug (bodies never are).
    expect(lines.filter((line) => / POST .*\/(jobs|fine-tunes) → 200 in \d+ ms/.test(line)).length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expectNoSecret(line, 'a log line');
  });
});
