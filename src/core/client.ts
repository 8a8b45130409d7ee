import type { CallInit, FetchResult, Send } from './call.js';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { APIConnectionError, APIError, APITimeoutError, apiErrorFor, TunekitError, ValidationError } from './errors.js';
import { Exchange, Resend, type ExchangeConfig, type RequestOptions } from './exchange.js';
import { findCreated, notSent, type CreateKey } from './idempotency.js';
import { ERROR, INFO, makeLog, type Logger, type LogLevel } from './log.js';
import { PageList, type CursorRule, type Page } from './pagination.js';
import { isRecord } from './records.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry.js';
import type { Rules } from './schemas.js';
import { realTime, type RequestClock } from './sleep.js';
import { validator } from './request-check.js';
import { VERSION } from './version.js';
import { send } from '../platform/http.js';

/** Options every provider's client accepts. */
export interface ClientOptions {
  /** API key; defaults to the provider's env var (e.g. `NEBIUS_API_KEY`). */
  apiKey?: string | undefined;
  /** Base URL; defaults to the provider's env var (e.g. `NEBIUS_BASE_URL`), then its public URL. */
  baseUrl?: string | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /**
   * The one network seam: defaults to `globalThis.fetch` (on Node, a file uploaded from its path goes over node:http
   * instead, which frees each chunk as it is written; a `fetch` given here carries those too).
   */
  fetch?: typeof fetch | undefined;
  /** Deadline of each call, body read included (default 60 000). */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number | undefined;
  /** Any part of the retry policy. */
  retry?: Partial<RetryPolicy> | undefined;
  /** `off` (default), `error`, `warn` (retries), `info`, `debug` (every request); defaults to env `TUNEKIT_LOG`. */
  logLevel?: LogLevel | undefined;
  /** Where log lines go (default `console`). Secrets are never logged. */
  logger?: Logger | undefined;
  /** Check each request against the provider's document before sending it (default `true`): a `ValidationError` instead of a request. */
  validate?: boolean | undefined;
  /**
   * The time calls run on: back-offs, `Retry-After` waits and deadlines (default: real time). In tests, the sandbox's
   * `clock`, so they pass in simulated time.
   */
  clock?: RequestClock | undefined;
}

/** What a provider module declares about itself. */
export interface ProviderSpec {
  name: string;
  defaultBaseUrl: string;
  env: { apiKey: string; baseUrl: string; headers?: Record<string, string> };
  /** Request rules generated from the document (`generated/<provider>.rules.ts`). */
  rules?: Rules;
}

function readEnv(name: string): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env[name] || undefined;
}

/** The provider-neutral machinery a provider module builds its methods from. */
export interface Core<Paths extends object> {
  /** The typed openapi-fetch client (retries apply, to POST/PATCH only when provably safe; the timeout covers the body read). */
  raw: Client<Paths>;
  /** Send one request and return its parsed body, or throw the typed error. `idempotent: false` (uploads): never sent twice unless safe. */
  call<Data>(options: RequestOptions | undefined, send: Send<Data>, idempotent?: boolean): Promise<Data>;
  /** Create a job, never twice: see `CreateKey`. Without a key, a create is repeated only when provably safe. */
  create<Body, Job, ListBody>(
    options: RequestOptions | undefined,
    key: CreateKey<Body, Job, ListBody> | undefined,
    body: Body,
    send: (body: Body, init: CallInit) => Promise<FetchResult<Job>>,
  ): Promise<Job>;
  /**
   * Upload a file: `send` builds the request (its multipart body a fresh stream of `source`) and is called again
   * for a resend, which happens only when provably safe (nothing sent, or 408/429/503) and `source` can be re-read.
   */
  upload<Data>(options: RequestOptions | undefined, source: { replayable: boolean }, send: Send<Data>): Promise<Data>;
  /** Send one request whose response body is a stream; the timeout becomes an idle timeout once headers arrive. */
  stream(options: RequestOptions | undefined, send: Send<unknown>): Promise<Response>;
  /** Hide `value` (a token fetched per request) wherever the key is hidden: errors, causes, log lines. */
  secret(value: string): void;
  /** A paginated list over one endpoint. */
  list<Body, Item>(
    options: RequestOptions | undefined,
    rule: CursorRule<Body, Item>,
    send: (cursor: string | undefined, init: CallInit) => Promise<FetchResult<Body>>,
  ): PageList<Item, Body>;
}

/** A client option that breaks its rule: named (with where it came from), before any request. */
function badOption(provider: string, field: string, value: unknown, rule: string): ValidationError {
  const message = `${field} = ${JSON.stringify(value)} ${rule}`;
  return ValidationError.of(provider, { field, rule, value, message });
}

/** The base URL as given (option, then env var, then the provider's), checked: an absolute http(s) URL. */
function checkedBaseUrl(spec: ProviderSpec, option: string | undefined): string {
  const env = readEnv(spec.env.baseUrl);
  const [field, value] =
    option !== undefined ? ['baseUrl', option] : env !== undefined ? [spec.env.baseUrl, env] : ['baseUrl', spec.defaultBaseUrl];
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw badOption(spec.name, field, value, `is not an absolute http(s) URL (the default is ${spec.defaultBaseUrl})`);
  }
  return value;
}

/** The longest timer Node arms (2³¹ − 1 ms, about 24.8 days); a longer one fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** `timeoutMs` > 0 and within Node's timer range, or a `ValidationError` naming it (`field` says where it was set). */
function checkTimeout(provider: string, field: string, timeoutMs: unknown): void {
  if (timeoutMs === undefined) return;
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0))
    throw badOption(provider, field, timeoutMs, 'must be a number of milliseconds above 0');
  if (timeoutMs > MAX_TIMEOUT_MS)
    throw badOption(provider, field, timeoutMs, `must be at most ${MAX_TIMEOUT_MS} ms (about 24.8 days, the longest timer Node can arm)`);
}

/** A call's own options, checked before its exchange starts. */
function checkedRequest(provider: string, options: RequestOptions | undefined): RequestOptions | undefined {
  checkTimeout(provider, 'options.timeoutMs', options?.timeoutMs);
  return options;
}

/** Numbers among the client options: `timeoutMs` > 0 (and a timer Node can arm), `maxRetries` a whole number ≥ 0. */
function checkNumbers(provider: string, options: ClientOptions): void {
  const { timeoutMs, maxRetries } = options;
  checkTimeout(provider, 'timeoutMs', timeoutMs);
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0))
    throw badOption(provider, 'maxRetries', maxRetries, 'must be a whole number ≥ 0');
  const { clock } = options;
  if (clock !== undefined && (typeof clock?.now !== 'function' || typeof clock.sleep !== 'function'))
    throw badOption(provider, 'clock', clock, 'must have now() and sleep(ms, signal)');
}

/** `RequestOptions.extraBody`: merged into a JSON body after validation, so keys the document does not name get through. */
function extraBodyMiddleware(extra: Record<string, unknown>): Middleware {
  return {
    async onRequest({ request }) {
      if (!request.headers.get('content-type')?.includes('json')) return undefined;
      const body: unknown = request.body ? await request.clone().json() : {};
      const merged = isRecord(body) ? { ...body, ...extra } : body;
      return new Request(request, { body: JSON.stringify(merged) });
    },
  };
}

export function createCore<Paths extends object>(spec: ProviderSpec, options: ClientOptions = {}): Core<Paths> {
  const key = options.apiKey ?? readEnv(spec.env.apiKey);
  if (!key) {
    throw new TunekitError(`${spec.name}: no API key. Pass { apiKey } or set ${spec.env.apiKey}.`);
  }
  const baseUrl = checkedBaseUrl(spec, options.baseUrl);
  checkNumbers(spec.name, options);
  const providerName = spec.name;
  const apiKey: string = key;
  const envHeaders: Record<string, string> = {};
  for (const [header, envName] of Object.entries(spec.env.headers ?? {})) {
    const value = readEnv(envName);
    if (value) envHeaders[header] = value;
  }
  // Keys under 8 characters are test values: hiding them would garble text. Tokens a provider fetches per request
  // (`secret`) are hidden too: the latest few.
  const secrets = [apiKey];
  const hide = (text: string): string =>
    secrets.reduce((out, secret) => (secret.length < 8 ? out : out.replaceAll(secret, '[redacted]')), text);
  const secret = (value: string): void => {
    if (secrets.includes(value)) return;
    secrets.push(value);
    if (secrets.length > 9) secrets.splice(1, 1); // the key stays; the oldest token goes
  };
  const log = makeLog(options.logLevel ?? readEnv('TUNEKIT_LOG'), options.logger ?? console, hide);
  const config: ExchangeConfig = {
    provider: spec.name,
    fetch: options.fetch ?? send,
    retry: {
      ...defaultRetryPolicy,
      ...options.retry,
      maxRetries: options.maxRetries ?? options.retry?.maxRetries ?? defaultRetryPolicy.maxRetries,
    },
    timeoutMs: options.timeoutMs ?? 60_000,
    log,
    clock: options.clock ?? realTime,
  };

  /** The error as thrown to the caller: the key (8+ characters) hidden in the cause chain's messages and stacks; logged at `error`. */
  function fail(error: unknown): unknown {
    for (let e = error; e instanceof Error; e = e.cause) {
      if (hide(e.message) !== e.message) e.message = hide(e.message);
      if (e.stack && hide(e.stack) !== e.stack) e.stack = hide(e.stack);
    }
    if (log.level >= ERROR && error instanceof Error) log.write(ERROR, error.message);
    return error;
  }

  const raw = createClient<Paths>({
    baseUrl,
    headers: { ...envHeaders, ...options.headers, Authorization: `Bearer ${apiKey}`, 'User-Agent': `tunekit/${VERSION}` },
    fetch: async (request: Request) => {
      const exchange = new Exchange(config, { signal: request.signal }, undefined);
      try {
        const response = await exchange.fetch(request);
        exchange.release();
        return response;
      } catch (error) {
        exchange.finish();
        throw fail(exchange.failure(error));
      }
    },
  });

  if (spec.rules) raw.use(validator(spec.name, spec.rules, { check: options.validate !== false, secret }));

  /** Send through the exchange; throws the typed error for a failed exchange or a non-2xx answer. */
  async function answered<Data>(exchange: Exchange, options: RequestOptions | undefined, send: Send<Data>): Promise<FetchResult<Data>> {
    let result: FetchResult<Data>;
    try {
      const extra = options?.extraBody;
      result = await send({
        fetch: exchange.fetch,
        signal: exchange.signal,
        headers: options?.headers,
        middleware: extra ? [extraBodyMiddleware(extra)] : undefined,
      });
    } catch (error) {
      if (error instanceof Resend) throw error;
      throw exchange.failure(error);
    }
    if ('error' in result || !result.response.ok) {
      const text = JSON.stringify(result.error) ?? '';
      const body: unknown = hide(text) === text ? result.error : JSON.parse(hide(text));
      throw apiErrorFor(exchange.summary, result.response.status, body, result.response.headers);
    }
    return result;
  }

  /**
   * As `answered`, for operations that must return a body. An idempotent call whose body broke
   * after a good status (reset mid-body, malformed JSON) is tried again, within the same attempts and deadline.
   */
  async function data<Data>(exchange: Exchange, options: RequestOptions | undefined, send: Send<Data>): Promise<Data> {
    for (;;) {
      try {
        const result = await answered(exchange, options, send);
        if (result.data === undefined) {
          throw new APIConnectionError(`${exchange.describe()}: ${result.response.status} with an empty body where data was expected`);
        }
        return result.data;
      } catch (error) {
        const again =
          exchange.idempotent && exchange.status && error instanceof APIConnectionError && !(error instanceof APITimeoutError)
            ? exchange.delay({ error })
            : undefined;
        if (again === undefined) throw error;
        await exchange.sleep(again);
      }
    }
  }

  /** Runs one exchange to its end: `finish()` always, the thrown error cleaned of secrets. */
  async function run<T>(open: () => Exchange, body: (exchange: Exchange) => Promise<T>): Promise<T> {
    const exchange = open();
    try {
      return await body(exchange);
    } catch (error) {
      throw fail(exchange.failure(error));
    } finally {
      exchange.finish();
    }
  }

  function call<Data>(options: RequestOptions | undefined, send: Send<Data>, idempotent = true): Promise<Data> {
    return run(
      () => new Exchange(config, checkedRequest(providerName, options), idempotent),
      (exchange) => data(exchange, options, send),
    );
  }

  function create<Body, Job, ListBody>(
    options: RequestOptions | undefined,
    spec: CreateKey<Body, Job, ListBody> | undefined,
    body: Body,
    send: (body: Body, init: CallInit) => Promise<FetchResult<Job>>,
  ): Promise<Job> {
    const token = `tunekit-${crypto.randomUUID()}`;
    const marked = spec?.mark(body, token);
    return run(
      () => new Exchange(config, checkedRequest(providerName, options), false),
      async (exchange) => {
        for (;;) {
          try {
            return await data(exchange, options, (init) => send(marked ?? body, init));
          } catch (error) {
            // The answer is lost but the request may have landed: look for the job before creating again.
            const lost =
              (error instanceof APIConnectionError && !(error instanceof APITimeoutError) && !notSent(error.cause)) ||
              (error instanceof APIError && error.status >= 500 && error.status !== 503);
            const wait = lost && marked ? exchange.delay({ error }) : undefined;
            if (!spec || wait === undefined) throw error;
            await exchange.sleep(wait);
            const found = await findCreated(spec, token, {
              fetch: (request) => config.fetch(request, { signal: exchange.signal }),
              signal: exchange.signal,
            }).catch(() => undefined);
            if (found) {
              if (log.level >= INFO) log.write(INFO, `${exchange.describe()}: the answer was lost; found the job it created`);
              return found;
            }
            // Undecided, or a 2xx whose body broke (the job exists): sending again could create a second job.
            if (found === undefined || (exchange.status >= 200 && exchange.status < 300)) throw error;
          }
        }
      },
    );
  }

  function upload<Data>(options: RequestOptions | undefined, source: { replayable: boolean }, send: Send<Data>): Promise<Data> {
    return run(
      () => new Exchange(config, checkedRequest(providerName, options), false, source.replayable ? 'rebuild' : 'none'),
      async (exchange) => {
        for (;;) {
          try {
            return await data(exchange, options, send);
          } catch (error) {
            if (!(error instanceof Resend)) throw error;
            await exchange.sleep(error.delay);
          }
        }
      },
    );
  }

  async function stream(options: RequestOptions | undefined, send: Send<unknown>): Promise<Response> {
    const exchange = new Exchange(config, checkedRequest(providerName, options));
    let handedOver = false;
    try {
      const { response } = await answered(exchange, options, send);
      if (!response.body) return response;
      const body = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            exchange.armTimer();
            controller.enqueue(chunk);
          },
          flush: () => exchange.finish(),
        }),
        { signal: exchange.signal },
      );
      handedOver = true;
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      throw fail(exchange.failure(error));
    } finally {
      if (!handedOver) exchange.finish();
    }
  }

  function list<Body, Item>(
    options: RequestOptions | undefined,
    rule: CursorRule<Body, Item>,
    send: (cursor: string | undefined, init: CallInit) => Promise<FetchResult<Body>>,
  ): PageList<Item, Body> {
    let last: Exchange | undefined;
    const fetchPage = (cursor: string | undefined): Promise<Page<Item, Body>> =>
      run(
        () => (last = new Exchange(config, checkedRequest(providerName, options))),
        async (exchange) => {
          const body = await data(exchange, options, (init) => send(cursor, init));
          const items = rule.items(body);
          const hasMore = rule.hasMore(body);
          return { items, hasMore, nextCursor: hasMore ? rule.next(body, items) : undefined, body };
        },
      );
    return new PageList(fetchPage, () => last?.describe() ?? spec.name);
  }

  return { raw, call, create, upload, stream, list, secret };
}
