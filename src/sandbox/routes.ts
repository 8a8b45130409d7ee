import type { World } from './world.js';

/**
 * A provider's routes, typed by its generated `paths`: every operation of the document must have a handler
 * (a new operation upstream is a compile error here), each handler sees its operation's path, query and JSON
 * body types, and must answer with the operation's 200 body, a file's bytes, or a failure.
 */

type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Present<Item, M extends HttpMethod> = M extends keyof Item ? ([Exclude<Item[M], undefined>] extends [never] ? never : M) : never;
/** The methods a path item has. */
type MethodsOf<Item> = { [M in HttpMethod]: Present<Item, M> }[HttpMethod];
type OperationOf<Item, M> = M extends keyof Item ? Exclude<Item[M], undefined> : never;

/** The JSON body of an operation's 200 answer (`never` when it has none). */
type OkJson<Op> = Op extends { responses: { 200: { content: { 'application/json': infer Body } } } } ? Body : never;
/** The JSON request body of an operation (`undefined` when it has none). */
type JsonBody<Op> = Op extends { requestBody: { content: { 'application/json': infer Body } } }
  ? Body
  : Op extends { requestBody?: { content: { 'application/json': infer Body } } }
    ? Body | undefined
    : undefined;
type PathParams<Op> = Op extends { parameters: { path: infer Path } } ? Path : Record<string, never>;
type QueryParams<Op> = Op extends { parameters: { query?: infer Query } }
  ? [Query] extends [never]
    ? Record<string, never>
    : NonNullable<Query>
  : Record<string, never>;

/** A 200 answer. */
export interface Ok<T> {
  json: T;
}

/** A non-2xx answer, its body in the provider's error shape. */
export interface Failure {
  status: number;
  error: unknown;
  /** Default `application/json`. */
  type?: string;
  headers?: Record<string, string>;
}

/** A file's bytes. */
export interface Bytes {
  blob: Blob;
  type: string;
  /** Sent as `Content-Disposition: attachment`. */
  filename?: string;
}

export type Reply<T> = Ok<T> | Failure | Bytes;

/** A job outcome a test scripted for the next job created. */
export interface PendingOutcome {
  kind: 'fail' | 'cancel';
  at?: string | { step: number };
  code?: string;
  message?: string;
}

/** What a handler gets: the key's world at its simulated `now`, and the request's validated parts. */
export interface Ctx<State, JobRequest, Path = unknown, Query = unknown, Body = unknown> {
  world: World<State, JobRequest>;
  now: number;
  path: Path;
  query: Query;
  body: Body;
  request: Request;
  /** The multipart body's fields (read once), or `undefined` when the body is not multipart. */
  form(): Promise<FormData | undefined>;
  /** The outcome scripted for the next job, consumed. */
  takeOutcome(): PendingOutcome | undefined;
  /** In 'on-poll' mode, this key's clock moves to `at` once the answer is sent (a poll of an object that changes then). */
  polled(at: number | undefined): void;
  /** Keep uploaded bytes (big ones on disk). */
  keep(blob: Blob): Promise<Blob>;
}

type Handler<State, JobRequest, Op> = (
  ctx: Ctx<State, JobRequest, PathParams<Op>, QueryParams<Op>, JsonBody<Op>>,
) => Reply<OkJson<Op>> | Promise<Reply<OkJson<Op>>>;

/** Every operation of `Paths` as `METHOD path` (`'GET /files/{file_id}'`): the keys of its route table, as the engine names them. */
export type OperationKey<Paths> = { [P in keyof Paths & string]: `${Uppercase<MethodsOf<Paths[P]>>} ${P}` }[keyof Paths & string];

/** Every operation of `Paths`, each with its handler. */
export type RouteTable<Paths, State, JobRequest> = {
  [P in keyof Paths]: { [M in MethodsOf<Paths[P]>]: Handler<State, JobRequest, OperationOf<Paths[P], M>> };
};

/**
 * A handler with its operation's types erased, as the engine calls it after checking the request against the same
 * document. Declared as a method so that each operation's handler, whose context is narrower, fits it.
 */
type ErasedHandler<State, JobRequest> = {
  handle(ctx: Ctx<State, JobRequest, Record<string, string>, Record<string, unknown>, unknown>): Reply<unknown> | Promise<Reply<unknown>>;
}['handle'];

export interface Route<State, JobRequest> {
  method: string;
  /** The document's path, e.g. `/fine_tuning/jobs/{fine_tuning_job_id}`. */
  template: string;
  /** `GET /fine_tuning/jobs/{fine_tuning_job_id}`: the key of the generated request rules. */
  operation: string;
  parts: readonly string[];
  handle: ErasedHandler<State, JobRequest>;
}

/**
 * A provider's `RouteTable` (pass it where its paths are known, so each handler is checked against the erased form)
 * as the list the engine matches against, literal segments before `{parameters}`.
 */
export function compileRoutes<State, JobRequest>(
  table: Readonly<Record<string, Readonly<Record<string, ErasedHandler<State, JobRequest>>>>>,
): Route<State, JobRequest>[] {
  const routes: Route<State, JobRequest>[] = [];
  for (const [template, methods] of Object.entries(table)) {
    for (const [method, handle] of Object.entries(methods)) {
      const upper = method.toUpperCase();
      routes.push({ method: upper, template, operation: `${upper} ${template}`, parts: template.split('/').slice(1), handle });
    }
  }
  const literals = (route: Route<State, JobRequest>): number => route.parts.filter((part) => !part.startsWith('{')).length;
  return routes.sort((a, b) => literals(b) - literals(a));
}

/** The route for a path (relative to the provider's prefix) and its decoded parameters; `method: false` when only the method differs. */
export function matchRoute<State, JobRequest>(
  routes: readonly Route<State, JobRequest>[],
  method: string,
  path: string,
): { route: Route<State, JobRequest>; params: Record<string, string> } | { route: undefined; methodOnly: boolean } {
  const parts = path.split('/').slice(1);
  let methodOnly = false;
  for (const route of routes) {
    if (route.parts.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = route.parts.every((part, i) => {
      const value = parts[i] ?? '';
      if (!part.startsWith('{')) return part === value;
      try {
        params[part.slice(1, -1)] = decodeURIComponent(value);
      } catch {
        return false;
      }
      return value !== '';
    });
    if (!matches) continue;
    if (route.method === method) return { route, params };
    methodOnly = true;
  }
  return { route: undefined, methodOnly };
}
