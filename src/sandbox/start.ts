import { APIConnectionError, TunekitError, ValidationError } from '../core/errors.js';
import { clockProblem, createClock, type ClockOption } from './clock.js';
import type { sandboxes } from '../providers/registry/sandboxes.js';
import type { SandboxEngine } from './definition.js';
import type { Override } from './faults.js';
import { loadEngine } from './load.js';
import type { ProviderName } from './provider.js';
import type { RecordedRequest } from './recorder.js';
import type { Script } from './script.js';
import type { RouteKey } from './route-keys.js';
import { listen, type Connections, type Listening } from './server.js';
import { sleep } from '../core/sleep.js';
import { type WaitClock } from '../poller/types.js';
import { PROVIDER_NAMES } from '../providers/registry/providers.js';

/** The job statuses a script can name (`fail: { at: 'queued' }`), per provider: the ones a job passes through. */
export type ScriptStatuses = { [P in ProviderName]: Awaited<ReturnType<(typeof sandboxes)[P]>>['passing'][number] };

export type { RouteKey };

/** The sandbox's time for clients and waits: `now`, `sleep`, and `timer` for a client's deadlines. */
export interface SandboxClock extends WaitClock {
  /** Calls `fire` once simulated time has moved `ms` on; returns what cancels it. */
  timer(ms: number, fire: () => void): () => void;
}

/** Options of `startSandbox`: the provider, the clock, the keys it accepts and where it listens. */
export interface SandboxOptions<P extends ProviderName = ProviderName> {
  provider: P;
  /**
   * How simulated time moves: `'manual'` (default; only `advance(ms)` moves it), `{ speed: 600 }` (real time × 600),
   * or `'on-poll'` (each retrieve of a job, file or model moves that key's time to the object's next change).
   */
  clock?: ClockOption | undefined;
  /** The API keys the sandbox accepts; by default any bearer token (each key has its own state). */
  apiKeys?: readonly string[] | undefined;
  /** Listen on a port (default `true`). With `false` only `sandbox.fetch` reaches it: no socket at all. */
  listen?: boolean | undefined;
  /** Default 0: a free port. */
  port?: number | undefined;
  /** Default `127.0.0.1`. */
  host?: string | undefined;
  /** Simulated time at the start (default: the real time now). */
  startTime?: Date | number | undefined;
  /**
   * Draw ids from this seed: the same seed gives the same ids in every run (for snapshots). By default ids are
   * random, different in every sandbox (and after `reset()`), so a stale id never names another sandbox's object.
   */
  seed?: string | number | undefined;
}

/** A running sandbox of one provider. `await using` closes it at the end of the scope. */
export interface Sandbox<P extends ProviderName = ProviderName> extends AsyncDisposable {
  readonly provider: P;
  /** Exactly the base URL the provider's client (tunekit's or the official SDK) takes: `/v1` included where the provider puts it. */
  readonly url: string;
  /** The HTTP controls' root (`…/_sandbox`): `GET /health`, `POST /advance {"ms": N}`, `POST /script`, `GET /requests`, `POST /reset`. */
  readonly controlUrl: string;
  /** A `fetch` that reaches the sandbox in-process, whatever the URL's host: pass it as the client's `fetch`. */
  readonly fetch: typeof globalThis.fetch;
  /** Simulated time now (a key's own in 'on-poll' mode, when given the key). */
  now(apiKey?: string): Date;
  /** Moves simulated time forward by `ms` (any clock mode); returns the new time. */
  advance(ms: number): Date;
  /**
   * The sandbox's time for a client (`createOpenAIClient({ clock: sandbox.clock })`: back-offs, `Retry-After` waits and
   * deadlines), `jobs.wait({ clock })`, `train({ wait: { clock } })` and your own polling: its sleeps pass in simulated
   * time. Manual clock: a sleep advances the clock and returns at once, so a whole wait with the real polling policy
   * runs in milliseconds; `{ speed }`: a sleep lasts `ms / speed` of real time; on-poll: no sleep. Its timers (a
   * client's deadline) fire when simulated time reaches them.
   */
  readonly clock: SandboxClock;
  /** A job's fate (`{ fail: { at: 'running' } }`, `{ cancel: {} }`) or transport faults (`{ fault: 503, times: 2 }`). */
  script(script: Script<ScriptStatuses[P]>): void;
  /**
   * Per-test overrides, msw-style, ahead of everything armed before (the first given first): a fault or your own
   * answer on one operation of the provider's route table (a typo does not compile), until `resetOverrides()` unless
   * `times` is given. Throws a `TunekitError` naming the field when one is wrong.
   */
  use(...overrides: Override<RouteKey<P>>[]): void;
  /** Disarms every override of `use` (scripts stay); call it after each test. */
  resetOverrides(): void;
  /** Requests in flight and sockets open on its port, idle keep-alive sockets closed first (to prove a client left nothing behind). */
  connections(): Connections;
  /** Every request received, in order (no key, no secret field). */
  readonly requests: readonly RecordedRequest[];
  /** Forgets every key's files, jobs and models, every script and override, and the request log. */
  reset(): void;
  /** Stops listening and drops what it stored; idempotent. */
  close(): Promise<void>;
}

function optionProblems(options: SandboxOptions): ValidationError | undefined {
  const problems: { field: string; rule: string; value: unknown }[] = [];
  const { provider, clock, apiKeys, port, host, startTime, seed } = options;
  if (!PROVIDER_NAMES.includes(provider))
    problems.push({ field: 'provider', rule: `one of ${PROVIDER_NAMES.join(', ')}`, value: provider });
  const clockWhy = clock === undefined ? undefined : clockProblem(clock);
  if (clockWhy) problems.push({ field: 'clock', rule: clockWhy.replace(/^clock(\.speed)? = \S+ /, ''), value: clock });
  if (
    apiKeys !== undefined &&
    (!Array.isArray(apiKeys) || apiKeys.length === 0 || apiKeys.some((key) => typeof key !== 'string' || !key))
  ) {
    problems.push({
      field: 'apiKeys',
      rule: 'a non-empty list of non-empty strings',
      value: Array.isArray(apiKeys) ? `[${apiKeys.length} keys]` : apiKeys,
    });
  }
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535))
    problems.push({ field: 'port', rule: 'a whole number 0–65535 (0: a free port)', value: port });
  if (host !== undefined && (typeof host !== 'string' || !host))
    problems.push({ field: 'host', rule: 'a non-empty host name or address', value: host });
  if (startTime !== undefined && Number.isNaN(new Date(startTime).getTime()))
    problems.push({ field: 'startTime', rule: 'a valid Date or epoch milliseconds', value: startTime });
  if (seed !== undefined && !(typeof seed === 'string' || (typeof seed === 'number' && Number.isFinite(seed))))
    problems.push({ field: 'seed', rule: 'a string or a finite number', value: seed });
  if (!problems.length) return undefined;
  const list = problems.map((p) => ({ ...p, message: `${p.field} = ${JSON.stringify(p.value)} must be ${p.rule}` }));
  return ValidationError.of('startSandbox', ...list);
}

/** `fetch`'s failure for a dropped connection, as undici words it (a `TypeError` whose cause has a socket code). */
function connectionReset(): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
}

/**
 * Starts a stateful local sandbox of one provider's fine-tuning API: files, jobs that live through the provider's
 * statuses on a simulated clock, events, checkpoints, and (Nebius) custom models or (OpenAI) multipart uploads.
 * Requests are checked with the same rules as the client; answers follow the provider's document.
 * @example
 * ```ts
 * import { startSandbox } from 'tunekit/testing';
 * import { createOpenAIClient } from 'tunekit/openai';
 *
 * await using sandbox = await startSandbox({ provider: 'openai', clock: 'manual' });
 * const openai = createOpenAIClient({ apiKey: 'test-key', baseUrl: sandbox.url });
 * const file = await openai.files.upload(new File(['{"messages":[{"role":"user","content":"hi"}]}\n'], 'train.jsonl'));
 * const job = await openai.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
 * sandbox.advance(2 * 60 * 60 * 1000); // two simulated hours
 * const done = await openai.jobs.retrieve(job.id); // done.status === 'succeeded'
 * ```
 */
export async function startSandbox<P extends ProviderName>(options: SandboxOptions<P>): Promise<Sandbox<P>> {
  const invalid = optionProblems(options);
  if (invalid) throw invalid;
  const { provider, clock = 'manual', apiKeys, listen: listening = true, port = 0, host = '127.0.0.1', startTime, seed } = options;
  let base = '';
  const engine: SandboxEngine = await loadEngine(provider, {
    clock: createClock(clock, startTime === undefined ? Date.now() : new Date(startTime).getTime()),
    apiKeys,
    url: () => base,
    seed: seed === undefined ? undefined : String(seed),
  });
  let server: Listening | undefined;
  if (listening) {
    try {
      server = await listen((request) => engine.handle(request), port, host);
    } catch (error) {
      engine.close();
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
      const why =
        code === 'EADDRINUSE'
          ? `port ${port} is in use`
          : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
            ? `host ${host} is not an address of this machine`
            : String(error);
      throw new TunekitError(`startSandbox: cannot listen on ${host}:${port}: ${why}`, { cause: error });
    }
  }
  const origin = server?.origin ?? 'http://sandbox.invalid';
  base = `${origin}${engine.prefix}`;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await server?.close();
      engine.close();
    })();
    return closed;
  };
  const sandboxFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (closed) throw new APIConnectionError(`the ${provider} sandbox is closed`);
    const handled = await engine.handle(new Request(input, init));
    if ('reset' in handled) throw connectionReset();
    return handled.response;
  };
  const speed = typeof clock === 'object' ? clock.speed : undefined;
  const waitClock: SandboxClock = {
    now: () => engine.now(),
    timer: (ms, fire) => engine.timer(ms, fire),
    sleep: (ms, signal) => {
      if (clock === 'manual' && !signal?.aborted) engine.advance(Math.max(0, ms));
      // A real pause only at speed; otherwise a turn of the event loop, so an abort still lands.
      return sleep(speed ? ms / speed : 0, signal);
    },
  };
  return {
    provider,
    url: base,
    clock: waitClock,
    controlUrl: `${origin}/_sandbox`,
    fetch: sandboxFetch,
    now: (apiKey) => new Date(engine.now(apiKey)),
    advance: (ms) => {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        const message = `ms = ${JSON.stringify(ms)} must be a number of milliseconds ≥ 0`;
        throw ValidationError.of('sandbox.advance', { field: 'ms', rule: 'a number ≥ 0', value: ms, message });
      }
      return new Date(engine.advance(ms));
    },
    script: (script) => {
      try {
        engine.script(script);
      } catch (error) {
        throw new TunekitError(`sandbox.script: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    use: (...overrides) => {
      try {
        engine.use(overrides);
      } catch (error) {
        throw new TunekitError(`sandbox.use: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    resetOverrides: () => engine.resetOverrides(),
    connections: () => server?.connections() ?? { inFlight: 0, busy: 0, open: 0 },
    get requests() {
      return engine.requests();
    },
    reset: () => engine.reset(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
