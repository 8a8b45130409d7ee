/** One request as the core hands it to openapi-fetch, and what comes back. */
import type { Middleware } from 'openapi-fetch';

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
  /** Per-call middleware (`extraBody`), after the client's own (validation). */
  middleware?: Middleware[];
}

export type Send<Data> = (init: CallInit) => Promise<FetchResult<Data>>;
