import { afterEach, describe, expect, it } from 'vitest';
import { APIConnectionError, createNebiusClient, InternalServerError } from '../../src/index.js';
import { createOpenAIClient } from '../../src/providers/openai/client.js';
import { createTogetherClient } from '../../src/providers/together/client.js';
import { startFaultServer, type FaultServer } from '../support/fault-server.js';

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { retry: { baseDelayMs: 10 }, timeoutMs: 3_000 };
const creates = (s: FaultServer) => s.seen.filter((r) => r.op === 'create');
const lines: string[] = [];
const logger = { error: (l: string) => lines.push(l), warn: (l: string) => lines.push(l), info: (l: string) => lines.push(l), debug: () => undefined };

describe('a create whose answer is lost never makes a second job', () => {
  it('nebius: the job is recorded, the connection reset before the answer → one job, and the caller gets it', async () => {
    server = await startFaultServer('nebius');
    server.script([{ op: 'create', fault: 'lost-answer', times: 1 }]);
    lines.length = 0;
    const nebius = createNebiusClient({ apiKey: 'sk-test-0000', baseUrl: server.baseUrl, logLevel: 'info', logger, ...fast });
    const job = await nebius.jobs.create({ model: 'm', training_file: 'file-1' });
    expect(server.created).toHaveLength(1);
    expect(job).toEqual(server.created[0]);
    expect(creates(server)).toHaveLength(1); // looked up, not sent again
    expect(job.tags).toEqual([expect.stringMatching(/^tunekit-[0-9a-f-]{36}$/)]);
    expect(lines.some((l) => l.includes('found the job it created'))).toBe(true);
  });

  it('openai: same, with the key in metadata (the user\'s own metadata kept)', async () => {
    server = await startFaultServer('openai');
    server.script([{ op: 'create', fault: 'lost-answer', times: 1 }]);
    const openai = createOpenAIClient({ apiKey: 'sk-test-0000', baseUrl: server.baseUrl, ...fast });
    const job = await openai.jobs.create({ model: 'gpt-4o-mini', training_file: 'file-1', metadata: { team: 'ml' } });
    expect(server.created).toHaveLength(1);
    expect(job).toEqual(server.created[0]);
    expect(job.metadata).toEqual({ team: 'ml', tunekit_create_key: expect.stringMatching(/^tunekit-/) });
    expect(creates(server)).toHaveLength(1);
  });

  it('a reset before the server acted: the lookup finds nothing, so the create is sent again with the same key', async () => {
    server = await startFaultServer('nebius');
    server.script([{ op: 'create', fault: 'reset-before-headers', times: 1 }]);
    const nebius = createNebiusClient({ apiKey: 'sk-test-0000', baseUrl: server.baseUrl, ...fast });
    const job = await nebius.jobs.create({ model: 'm', training_file: 'file-1' });
    const sent = creates(server);
    expect(sent).toHaveLength(2);
    expect(sent[0]?.body).toBe(sent[1]?.body);
    expect(server.created).toEqual([job]);
  });

  it('nebius jobs that do not show their tags: the lookup cannot tell, so no second create; a typed error says so', async () => {
    server = await startFaultServer('nebius', { echoTags: false });
    server.script([{ op: 'create', fault: 'lost-answer', times: 1 }]);
    const nebius = createNebiusClient({ apiKey: 'sk-test-0000', baseUrl: server.baseUrl, ...fast });
    const error = await nebius.jobs.create({ model: 'm', training_file: 'file-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(String(error)).toMatch(/nebius POST \/v1\/fine_tuning\/jobs: connection failed .*may have acted on it/);
    expect(creates(server)).toHaveLength(1);
    expect(server.created).toHaveLength(1);
  });

  it('together (no field to carry a key): a lost answer is never resent', async () => {
    server = await startFaultServer('together');
    server.script([{ op: 'create', fault: 'lost-answer' }]);
    const together = createTogetherClient({ apiKey: 'sk-test-0000', baseUrl: server.baseUrl, ...fast });
    const error = await together.jobs.create({ model: 'm', training_file: 'file-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(String(error)).toContain('may have acted on it');
    expect(creates(server)).toHaveLength(1);
    expect(server.created).toHaveLength(1);
  });

  it('together: a 500 on create is not retried (the server may have created the job)', async () => {
    server = await startFaultServer('together');
    server.script([{ op: 'create', fault: 'html-502' }]);
    const together = createTogetherClient({ apiKey: 'sk-test-0000', baseUrl: server.baseUrl, ...fast });
    await expect(together.jobs.create({ model: 'm', training_file: 'file-1' })).rejects.toThrow(InternalServerError);
    expect(creates(server)).toHaveLength(1);
  });

  it.each(['nebius', 'together', 'openai'] as const)('%s: 503 and 429 mean "not created": the same create is simply sent again', async (provider) => {
    server = await startFaultServer(provider);
    server.script([{ op: 'create', fault: '503', times: 1 }, { op: 'create', fault: 'retry-after-ms', skip: 1, times: 1 }]);
    const options = { apiKey: 'sk-test-0000', baseUrl: server.baseUrl, ...fast };
    const body = { model: 'm', training_file: 'file-1' };
    const job =
      provider === 'nebius' ? await createNebiusClient(options).jobs.create(body)
        : provider === 'openai' ? await createOpenAIClient(options).jobs.create(body)
          : await createTogetherClient(options).jobs.create(body);
    const sent = creates(server);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((r) => r.body)).size).toBe(1);
    expect(server.created).toEqual([job]);
  });

  it('a refused connection proves nothing was sent: the create is retried', async () => {
    lines.length = 0;
    const closed = await startFaultServer('nebius');
    await closed.close(); // a port that nothing listens on
    const nebius = createNebiusClient({ apiKey: 'sk-test-0000', baseUrl: closed.baseUrl, logLevel: 'warn', logger, ...fast });
    const error = await nebius.jobs.create({ model: 'm', training_file: 'file-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(String(error)).not.toContain('may have acted');
    expect(lines.filter((l) => /ECONNREFUSED[^;]*; retry \d of 2/.test(l))).toHaveLength(2);
  });
});
