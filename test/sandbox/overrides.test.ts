/**
 * The sandbox's per-test overrides (`sandbox.use`), its fault vocabulary from code and over HTTP, the timers on its
 * clock that a client's deadlines run on, and the client's `clock` option.
 */
import { describe, expect, it } from 'vitest';
import { APIError, createNebiusClient, createOpenAIClient, TunekitError, ValidationError } from '../../src/index.js';
import { startSandbox } from '../../src/testing.js';
import { dataset } from '../support/sandbox.js';

const apiKey = 'overrides-key';

describe('sandbox.use', () => {
  it("takes only operations of the provider's route table: a typo does not compile, and is refused naming the choices", async () => {
    await using sandbox = await startSandbox({ provider: 'nebius', listen: false });
    const attempt = (run: () => void): unknown => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    // @ts-expect-error: not an operation of Nebius's route table
    const typo = attempt(() => sandbox.use({ route: 'GET /v1/fine_tuning/jobz/{job_id}', fault: 503 }));
    expect(typo).toBeInstanceOf(TunekitError);
    expect(String(typo)).toMatch(
      /sandbox\.use: route = "GET \/v1\/fine_tuning\/jobz\/\{job_id\}" must be one of the provider's operations: .*GET \/v1\/fine_tuning\/jobs\/\{job_id\}/,
    );
    // @ts-expect-error: OpenAI's path, on a Nebius sandbox
    expect(attempt(() => sandbox.use({ route: 'GET /fine_tuning/jobs/{fine_tuning_job_id}', fault: 503 }))).toBeInstanceOf(TunekitError);
    // @ts-expect-error: a fault and a responder at once
    expect(String(attempt(() => sandbox.use({ fault: 503, respond: () => undefined })))).toContain('exactly one of fault and respond');
    expect(String(attempt(() => sandbox.use({ fault: { trickleMs: 0 } })))).toContain('fault = {"trickleMs":0} must be');
    expect(String(attempt(() => sandbox.use({ fault: 503 }, { fault: 503, skip: -1 })))).toContain(
      'overrides[1].skip = -1 must be a whole number ≥ 0',
    );
  });

  it('newest first, for `times` requests after `skip`, until resetOverrides (scripts stay armed); reset clears both', async () => {
    await using sandbox = await startSandbox({ provider: 'openai', listen: false });
    const openai = createOpenAIClient({ apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch, maxRetries: 0 });
    const list = () =>
      openai.files.list().then(
        () => 200,
        (error: unknown) => (error instanceof APIError ? error.status : 0),
      );
    sandbox.script({ fault: 500, times: 5, match: 'GET /files' });
    sandbox.use({ route: 'GET /files', fault: 503, times: 1 }, { route: 'GET /files', fault: 502, times: 1 });
    sandbox.use({ route: 'GET /files', fault: 429, skip: 1, times: 1 });
    // 429 skips one request (which the older 503 takes), then the 429, then the 502, then the script's 500s.
    expect([await list(), await list(), await list(), await list()]).toEqual([503, 429, 502, 500]);
    sandbox.use({ route: 'GET /files', fault: 418 });
    expect([await list(), await list()]).toEqual([418, 418]); // no `times`: every request until reset
    sandbox.resetOverrides();
    expect(await list()).toBe(500); // the script is still armed
    sandbox.use({ route: 'GET /files', fault: 418 });
    sandbox.reset();
    expect(await list()).toBe(200);
    expect(sandbox.requests.map((r) => [r.status, r.fault])).toEqual([[200, undefined]]);
  });

  it("respond: your own answer, the sandbox's (changed or not), only for one key; undefined lets the sandbox answer", async () => {
    await using sandbox = await startSandbox({ provider: 'nebius', listen: false });
    const nebius = createNebiusClient({ apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch, maxRetries: 0 });
    const other = createNebiusClient({ apiKey: 'someone-else', baseUrl: sandbox.url, fetch: sandbox.fetch, maxRetries: 0 });
    const file = await nebius.files.upload(dataset(8));
    const seen: string[] = [];
    sandbox.use({
      route: 'GET /v1/files/{file_id}',
      apiKey,
      respond: async (request, own) => {
        seen.push(request.headers.get('authorization') ?? '');
        const answer = await own();
        const body: unknown = await answer.json();
        return Response.json(
          { ...(typeof body === 'object' && body !== null ? body : {}), filename: 'renamed.jsonl' },
          { status: answer.status },
        );
      },
    });
    expect(await nebius.files.retrieve(file.id)).toMatchObject({ id: file.id, filename: 'renamed.jsonl' });
    await expect(other.files.retrieve(file.id)).rejects.toThrow(/404/); // another key: not overridden, and its world has no such file
    expect(seen).toEqual([`Bearer ${apiKey}`]);
    sandbox.resetOverrides();
    sandbox.use({ route: 'GET /v1/files/{file_id}', respond: () => undefined });
    expect(await nebius.files.retrieve(file.id)).toMatchObject({ id: file.id, filename: 'train.jsonl' });
    expect(sandbox.requests.at(-1)).toMatchObject({ fault: 'respond', status: 200 });
  });

  it('the new faults from JSON too: HTTP scripts take them, and refuse a malformed one naming the rule', async () => {
    await using sandbox = await startSandbox({ provider: 'together' });
    const post = (body: unknown) =>
      fetch(`${sandbox.controlUrl}/script`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }).then(async (r) => [r.status, await r.json()] as const);
    for (const fault of [
      'reset-mid-body',
      'malformed-json',
      'never-answer',
      { slowHeadersMs: 10 },
      { trickleMs: 5, bytes: 100 },
      { hugeBodyBytes: 1 },
      { status: 429, retryAfter: 1, retryAfterAs: 'date' },
      { status: 502, html: true, carriedOut: true },
    ]) {
      expect(await post({ fault, match: 'GET /files' })).toEqual([200, { scripted: true }]);
    }
    const [status, body] = await post({ fault: { status: 429, retryAfterAs: 'hours' } });
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('fault = {\\"status\\":429,\\"retryAfterAs\\":\\"hours\\"} must be a status 400–599');
  });
});

describe("the sandbox clock's timers (a client's deadlines)", () => {
  it('fire in order as simulated time reaches them, by advance or a sleep on the clock; a cancelled one never', async () => {
    await using sandbox = await startSandbox({ provider: 'nebius', listen: false });
    const fired: string[] = [];
    const start = sandbox.clock.now();
    sandbox.clock.timer(300, () => fired.push(`b@${sandbox.clock.now() - start}`));
    sandbox.clock.timer(100, () => fired.push(`a@${sandbox.clock.now() - start}`));
    const cancel = sandbox.clock.timer(200, () => fired.push('cancelled'));
    cancel();
    sandbox.advance(150);
    expect(fired).toEqual(['a@100']);
    await sandbox.clock.sleep(1_000);
    expect(fired).toEqual(['a@100', 'b@300']);
    expect(sandbox.clock.now() - start).toBe(1_150);
  });

  it('at a speed, fire in real time', async () => {
    await using sandbox = await startSandbox({ provider: 'nebius', listen: false, clock: { speed: 100 } });
    const fired = await new Promise<number>((resolve) => {
      const start = sandbox.clock.now();
      sandbox.clock.timer(2_000, () => resolve(sandbox.clock.now() - start)); // 20 ms of real time
    });
    expect(fired).toBeGreaterThanOrEqual(2_000);
  });

  it('connections(): what a client holds open, until it lets go', async () => {
    await using sandbox = await startSandbox({ provider: 'nebius' });
    const nebius = createNebiusClient({ apiKey, baseUrl: sandbox.url, clock: sandbox.clock, timeoutMs: 1_000, maxRetries: 0 });
    expect(sandbox.connections()).toEqual({ inFlight: 0, busy: 0, open: 0 });
    const file = await nebius.files.upload(dataset(4));
    // An answer that never comes, and nothing moves simulated time but the test.
    sandbox.use({ route: 'GET /v1/files/{file_id}', respond: () => new Promise<undefined>(() => undefined) });
    const held = nebius.files.retrieve(file.id, { timeoutMs: 60_000 }).then(
      () => 'answered',
      (error: unknown) => error,
    );
    while (sandbox.connections().inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sandbox.connections()).toMatchObject({ inFlight: 1, busy: 1 });
    sandbox.advance(60_000); // the client's deadline, on the sandbox's clock
    expect(String(await held)).toContain('timed out after 60000 ms');
    while (sandbox.connections().inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sandbox.connections()).toMatchObject({ inFlight: 0, busy: 0 });
  });
});

describe("the client's clock option", () => {
  it('is refused when it is not a clock, naming the option', () => {
    // @ts-expect-error: not a clock
    expect(() => createNebiusClient({ apiKey, clock: { now: () => 0 } })).toThrow(ValidationError);
    // @ts-expect-error: not a clock
    expect(() => createNebiusClient({ apiKey, clock: Date })).toThrow(/clock = .* must have now\(\) and sleep\(ms, signal\)/);
  });
});
