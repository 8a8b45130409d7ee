import createClient, { type Client } from 'openapi-fetch';
import { APIConnectionError, apiErrorFor, TunekitError } from './errors.js';
import { Exchange, type ExchangeConfig, type RequestOptions } from './exchange.js';
import { PageList, type CursorRule, type Page } from './pagination.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry.js';
import { VERSION } from './version.js';

/** Options every provider's client accepts. */
export interface ClientOptions {
  /** API key; defaults to the provider's env var (e.g. `NEBIUS_API_KEY`). */
  apiKey?: string;
  /** Base URL; defaults to the provider's env var (e.g. `NEBIUS_BASE_URL`), then its public URL. */
  baseUrl?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** The one network seam: defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Deadline of each call, body read included (default 60 000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** Any part of the retry policy. */
  retry?: Partial<RetryPolicy>;
}

/** What a provider module declares about itself. */
export interface ProviderSpec {
  name: string;
  defaultBaseUrl: string;
  env: { apiKey: string; baseUrl: string; headers?: Record<string, string> };
}

/** What openapi-fetch resolves to, reduced to what the core needs (`error` present means a non-2xx answer). */
export interface FetchResult<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/** Per-request init handed to openapi-fetch. */
export interface CallInit {
  fetch: (request: Request) => Promise<Response>;
  signal: AbortSignal;
  headers?: Record<string, string>;
}

export type Send<Data> = (init: CallInit) => Promise<FetchResult<Data>>;

function readEnv(name: string): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env[name] || undefined;
}

/** The provider-neutral machinery a provider module builds its methods from. */
export interface Core<Paths extends object> {
  /** The typed openapi-fetch client (retries apply; its timeout covers the wait for headers). */
  raw: Client<Paths>;
  /** Send one request and return its parsed body, or throw the typed error. */
  call<Data>(options: RequestOptions | undefined, send: Send<Data>, replayable?: boolean): Promise<Data>;
  /** Send one request whose body is a stream; the timeout becomes an idle timeout once headers arrive. */
  stream(options: RequestOptions | undefined, send: Send<unknown>): Promise<Response>;
  /** A paginated list over one endpoint. */
  list<Body, Item>(
    options: RequestOptions | undefined,
    rule: CursorRule<Body, Item>,
    send: (cursor: string | undefined, init: CallInit) => Promise<FetchResult<Body>>,
  ): PageList<Item, Body>;
}

export function createCore<Paths extends object>(spec: ProviderSpec, options: ClientOptions = {}): Core<Paths> {
  const apiKey = options.apiKey ?? readEnv(spec.env.apiKey);
  if (!apiKey) {
    throw new TunekitError(`${spec.name}: no API key. Pass { apiKey } or set ${spec.env.apiKey}.`);
  }
  const envHeaders: Record<string, string> = {};
  for (const [header, envName] of Object.entries(spec.env.headers ?? {})) {
    const value = readEnv(envName);
    if (value) envHeaders[header] = value;
  }
  const config: ExchangeConfig = {
    provider: spec.name,
    fetch: options.fetch ?? ((request) => fetch(request)),
    retry: { ...defaultRetryPolicy, ...options.retry, maxRetries: options.maxRetries ?? options.retry?.maxRetries ?? defaultRetryPolicy.maxRetries },
    timeoutMs: options.timeoutMs ?? 60_000,
  };
  const raw = createClient<Paths>({
    baseUrl: options.baseUrl ?? readEnv(spec.env.baseUrl) ?? spec.defaultBaseUrl,
    headers: { ...envHeaders, ...options.headers, Authorization: `Bearer ${apiKey}`, 'User-Agent': `tunekit/${VERSION}` },
    fetch: async (request: Request) => {
      const exchange = new Exchange(config, undefined);
      try {
        return await exchange.fetch(request);
      } catch (error) {
        throw exchange.failure(error);
      } finally {
        exchange.finish();
      }
    },
  });

  /** Send through the exchange; throws the typed error for a failed exchange or a non-2xx answer. */
  async function answered<Data>(exchange: Exchange, options: RequestOptions | undefined, send: Send<Data>): Promise<FetchResult<Data>> {
    let result: FetchResult<Data>;
    try {
      result = await send({ fetch: exchange.fetch, signal: exchange.signal, headers: options?.headers });
    } catch (error) {
      throw exchange.failure(error);
    }
    if ('error' in result || !result.response.ok) {
      throw apiErrorFor(exchange.summary, result.response.status, result.error, result.response.headers);
    }
    return result;
  }

  /** As `answered`, for operations that must return a body. */
  async function data<Data>(exchange: Exchange, options: RequestOptions | undefined, send: Send<Data>): Promise<Data> {
    const result = await answered(exchange, options, send);
    if (result.data === undefined) {
      const { provider, method, path } = exchange.summary;
      throw new APIConnectionError(`${provider} ${method} ${path}: ${result.response.status} with an empty body where data was expected`);
    }
    return result.data;
  }

  async function call<Data>(options: RequestOptions | undefined, send: Send<Data>, replayable = true): Promise<Data> {
    const exchange = new Exchange(config, options, replayable);
    try {
      return await data(exchange, options, send);
    } finally {
      exchange.finish();
    }
  }

  async function stream(options: RequestOptions | undefined, send: Send<unknown>): Promise<Response> {
    const exchange = new Exchange(config, options);
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
    } finally {
      if (!handedOver) exchange.finish();
    }
  }

  function list<Body, Item>(
    options: RequestOptions | undefined,
    rule: CursorRule<Body, Item>,
    send: (cursor: string | undefined, init: CallInit) => Promise<FetchResult<Body>>,
  ): PageList<Item, Body> {
    let describe = spec.name;
    const fetchPage = async (cursor: string | undefined): Promise<Page<Item, Body>> => {
      const exchange = new Exchange(config, options);
      try {
        const body = await data(exchange, options, (init) => send(cursor, init));
        describe = `${spec.name} ${exchange.summary.method} ${exchange.summary.path}`;
        const items = rule.items(body);
        const hasMore = rule.hasMore(body);
        return { items, hasMore, nextCursor: hasMore ? rule.next(body, items) : undefined, body };
      } finally {
        exchange.finish();
      }
    };
    return new PageList(fetchPage, () => describe);
  }

  return { raw, call, stream, list };
}
