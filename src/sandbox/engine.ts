import { isRecord } from '../core/records.js';
import { sleep } from '../core/sleep.js';
import { JSON_TYPE, schemasOf, type Schema } from '../core/schemas.js';
import { checkValue } from '../core/validate.js';
import { type Problem } from '../core/check.js';
import type { Clock } from './clock.js';
import { CONTROL_ROUTES, handleControl, type Controls } from './controls.js';
import { describeFault, Faults, type Fault, type Override, type StatusFault } from './faults.js';
import { readForm } from './files.js';
import { toOutcome } from './jobs.js';
import type { ProviderName, SandboxProvider } from './provider.js';
import { recordedForm, recordedHeaders, recordedQuery, type RecordedRequest } from './recorder.js';
import { redactSecrets } from '../core/problem-report.js';
import { matchRoute, type Failure, type PendingOutcome, type Reply, type Route } from './routes.js';
import { parseScript } from './script.js';
import { Spool } from './spool.js';
import { Timers } from './timers.js';
import { fingerprint, World, type JobRecord } from './world.js';

/** What the engine did with a request: an answer, or a dropped connection (before or after carrying it out). */
export type Handled = { response: Response } | { reset: true };

export interface EngineOptions {
  clock: Clock;
  /** The keys accepted; any non-empty bearer token when absent. */
  apiKeys?: readonly string[];
  /** The base URL clients use (for the health answer). */
  url?: () => string;
  /** Ids are drawn from this seed (the same ids in every run); by default a random one per sandbox and per reset. */
  seed?: string;
}

/** The JSON types a schema allows (a union's branches together), as `JSON_TYPE` bits. */
function typesOf(schema: Schema | undefined): number {
  if (schema?.types !== undefined) return schema.types;
  return schema?.anyOf ? schema.anyOf.reduce((types, branch) => types | typesOf(branch), 0) : 127;
}

/** Query parameters as the rules expect them: numbers and booleans from their text; `name[key]=v` as an object. */
function readQuery(params: URLSearchParams, schema: Schema | undefined): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  const fields = schema?.properties?.get('query')?.properties;
  for (const name of new Set(params.keys())) {
    const deep = /^([^[\]]+)\[([^[\]]*)\]$/.exec(name);
    if (deep?.[1] !== undefined && deep[2] !== undefined) {
      const holder = isRecord(query[deep[1]]) ? query[deep[1]] : {};
      query[deep[1]] = { ...(isRecord(holder) ? holder : {}), [deep[2]]: params.get(name) };
      continue;
    }
    const types = typesOf(fields?.get(name));
    const coerce = (text: string): unknown =>
      types & JSON_TYPE.number && /^-?\d+(\.\d+)?$/.test(text)
        ? Number(text)
        : types & JSON_TYPE.boolean && (text === 'true' || text === 'false')
          ? text === 'true'
          : text;
    const values = params.getAll(name).map(coerce);
    query[name] = values.length === 1 ? values[0] : values;
  }
  return query;
}

const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': '*' };

const FAULT_WORDS: Record<number, string> = {
  429: 'Rate limit reached for requests. Please try again later.',
  500: 'The server had an error while processing your request.',
  502: 'Bad gateway.',
  503: 'The service is temporarily overloaded. Please try again later.',
};

const STATUS_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A turn of the event loop: I/O (a client's abort, its socket closing) lands before the clock moves on. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `fetch`'s failure for a dropped connection, as undici words it (a `TypeError` whose cause has a socket code). */
function connectionDropped(message = 'fetch failed'): TypeError {
  return new TypeError(message, { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
}

/** One provider's whole sandbox behind a web `Request` → `Response` function: state per key, clock, scripts, recorder, controls. */
export class Engine<State, JobRequest> implements Controls {
  readonly worlds = new Map<string, World<State, JobRequest>>();
  readonly faults = new Faults();
  readonly recorded: RecordedRequest[] = [];
  /** Timers on the clock (the deadlines of clients that run on `sandbox.clock`). */
  readonly timers: Timers;
  private closed = false;
  private pendingOutcomes: { key: string | undefined; outcome: PendingOutcome }[] = [];
  private readonly spool = new Spool();
  private requestCount = 0;
  private seed: string;

  constructor(
    readonly provider: SandboxProvider<State, JobRequest>,
    readonly options: EngineOptions,
  ) {
    this.timers = new Timers(options.clock);
    this.seed = options.seed ?? crypto.randomUUID();
  }

  get name(): ProviderName {
    return this.provider.name;
  }

  private world(apiKey: string): World<State, JobRequest> {
    let world = this.worlds.get(apiKey);
    if (!world) {
      world = new World<State, JobRequest>(apiKey, this.provider.init(), this.seed);
      this.worlds.set(apiKey, world);
    }
    return world;
  }

  /** Simulated time, ms since the epoch (a key's own, in 'on-poll' mode, when `apiKey` is given). */
  now(apiKey?: string): number {
    return this.options.clock.now() + (apiKey === undefined ? 0 : (this.worlds.get(apiKey)?.offset ?? 0));
  }

  advance(ms: number): number {
    return this.timers.advance(ms);
  }

  /** Arms `fire` for `ms` of simulated time from now; returns what disarms it. */
  timer(ms: number, fire: () => void): () => void {
    return this.timers.add(ms, fire);
  }

  /** Every operation of the provider, as `use` names them (`GET /fine_tuning/jobs/{fine_tuning_job_id}`). */
  get operations(): string[] {
    return this.provider.routes.map((route) => route.operation);
  }

  /** Arms per-test overrides ahead of everything else; an `Error` naming the field when one is wrong. */
  use(overrides: readonly Override[]): void {
    this.faults.use(overrides, this.operations);
  }

  /** Disarms the overrides of `use` (scripts stay armed). */
  resetOverrides(): void {
    this.faults.clear(false);
  }

  /**
   * Lets `ms` of simulated time pass for an answer that takes time: at a speed, in real time; otherwise the clock
   * moves there step by step, to each armed timer in turn (a client's deadline fires, and its abort lands, on the way).
   */
  private async wait(ms: number, signal: AbortSignal): Promise<void> {
    const { clock } = this.options;
    if (clock.mode === 'speed') return sleep(ms / clock.speed, signal);
    for (let left = ms; left > 0 && !signal.aborted && !this.closed;) {
      const step = Math.min(left, this.timers.nextIn() ?? Infinity);
      this.advance(step);
      left -= step;
      await turn();
    }
    if (signal.aborted) throw signal.reason;
  }

  /** Silence until the client goes away: simulated time runs on to each armed timer (a deadline) meanwhile. */
  private async hold(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !this.closed) {
      const next = this.options.clock.mode === 'speed' ? undefined : this.timers.nextIn();
      if (next !== undefined) this.advance(next);
      await (next === undefined ? sleep(10, signal).catch(() => undefined) : turn());
    }
  }

  health(): Record<string, unknown> {
    const { clock } = this.options;
    return {
      status: 'ok',
      provider: this.name,
      url: this.options.url?.(),
      clock: clock.mode === 'speed' ? { mode: 'speed', speed: clock.speed } : { mode: clock.mode },
      now: new Date(clock.now()).toISOString(),
      keys: this.worlds.size,
      armedFaults: this.faults.pending,
      controls: CONTROL_ROUTES,
    };
  }

  /** Arms a script; an `Error` that names the field when it is wrong (or the job it names cannot take it). */
  script(input: unknown): void {
    const parsed = parseScript(input, this.provider.lifecycle);
    if (parsed.kind === 'fault') return this.faults.add(parsed.fault);
    if (parsed.kind === 'metrics') {
      const job = this.findJob(parsed.job, parsed.apiKey);
      if (!job) throw new Error(`job = ${JSON.stringify(parsed.job)}: no such job${parsed.apiKey === undefined ? '' : ' for that apiKey'}`);
      job.validationRisesAfter = parsed.validationRisesAfter;
      return;
    }
    const { job: id, apiKey, outcome } = parsed;
    if (id === undefined) {
      this.pendingOutcomes.push({ key: apiKey === undefined ? undefined : fingerprint(apiKey), outcome });
      return;
    }
    const worlds = apiKey === undefined ? [...this.worlds.entries()] : [[apiKey, this.worlds.get(apiKey)] as const];
    for (const [key, world] of worlds) {
      const job = world?.jobs.get(id);
      if (!world || !job) continue;
      const problem = job.timeline.apply(
        toOutcome(outcome, this.provider.lifecycle, this.provider.failure, job.timeline.training.totalSteps),
        this.now(key),
      );
      if (problem) throw new Error(`job ${id}: ${problem}`);
      return;
    }
    throw new Error(`job = ${JSON.stringify(id)}: no such job${apiKey === undefined ? '' : ' for that apiKey'}`);
  }

  private findJob(id: string, apiKey: string | undefined): JobRecord | undefined {
    const worlds = apiKey === undefined ? [...this.worlds.values()] : [this.worlds.get(apiKey)];
    return worlds.map((world) => world?.jobs.get(id)).find((job) => job !== undefined);
  }

  requests(): readonly RecordedRequest[] {
    return this.recorded;
  }

  clearRequests(): void {
    this.recorded.length = 0;
  }

  /** Forgets every key's state, every script and the request log (the clock keeps its time). */
  reset(): void {
    // A stale id from before the reset must not name a new object: fresh ids, unless a seed was asked for.
    this.seed = this.options.seed ?? crypto.randomUUID();
    this.worlds.clear();
    this.faults.clear();
    this.pendingOutcomes = [];
    this.clearRequests();
    this.spool.clear();
  }

  close(): void {
    this.closed = true;
    this.timers.clear();
    this.spool.clear();
  }

  private takeOutcome(key: string): PendingOutcome | undefined {
    const index = this.pendingOutcomes.findIndex((entry) => entry.key === undefined || entry.key === key);
    return index < 0 ? undefined : this.pendingOutcomes.splice(index, 1)[0]?.outcome;
  }

  private respond(reply: Reply<unknown>): Response {
    const headers: Record<string, string> = { ...CORS, 'x-request-id': `req_${(++this.requestCount).toString(16).padStart(12, '0')}` };
    if ('json' in reply)
      return new Response(JSON.stringify(reply.json), { status: 200, headers: { ...headers, 'content-type': 'application/json' } });
    if ('blob' in reply) {
      Object.assign(headers, { 'content-type': reply.type, 'content-length': String(reply.blob.size) });
      if (reply.filename) headers['content-disposition'] = `attachment; filename="${reply.filename.replace(/"/g, '')}"`;
      return new Response(reply.blob, { status: 200, headers });
    }
    return new Response(JSON.stringify(reply.error), {
      status: reply.status,
      headers: { ...headers, 'content-type': reply.type ?? 'application/json', ...reply.headers },
    });
  }

  private faultReply(fault: number | StatusFault): Failure {
    const { status, retryAfter, retryAfterAs, message, html } = typeof fault === 'number' ? { status: fault } : fault;
    const words = message ?? FAULT_WORDS[status] ?? `Scripted ${status}.`;
    const failure: Failure = html
      ? {
          status,
          type: 'text/html',
          error: `<html><head><title>${status} ${message ?? STATUS_TEXT[status] ?? 'Error'}</title></head><body><center>nginx</center></body></html>`,
        }
      : this.provider.errors.status(status, words, status === 429 ? 'rate_limit_exceeded' : undefined);
    const headers: Record<string, string> = { ...failure.headers };
    if (retryAfter !== undefined) {
      const ms = Math.round(retryAfter * 1000);
      if (retryAfterAs !== 'date' && retryAfterAs !== 'ms') headers['retry-after'] = String(Math.ceil(retryAfter));
      if (retryAfterAs === undefined || retryAfterAs === 'ms') headers['retry-after-ms'] = String(ms);
      if (retryAfterAs === 'date') headers['retry-after'] = new Date(this.now() + ms).toUTCString();
    }
    return { ...failure, headers };
  }

  /** Answers one request: a control, or an API call of this provider. */
  async handle(request: Request): Promise<Handled> {
    const url = new URL(request.url);
    if (url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/'))
      return { response: await handleControl(this, request, url.pathname) };
    if (request.method === 'OPTIONS') {
      return {
        response: new Response(null, {
          status: 204,
          headers: { ...CORS, 'access-control-allow-methods': 'GET, POST, DELETE', 'access-control-allow-headers': '*' },
        }),
      };
    }
    const { prefix } = this.provider;
    const inside = url.pathname.startsWith(`${prefix}/`);
    const path = inside ? url.pathname.slice(prefix.length) : url.pathname;
    const match = inside ? matchRoute(this.provider.routes, request.method, path) : { route: undefined, methodOnly: false };
    const bearer = this.provider.credential
      ? this.provider.credential(request.headers)
      : /^Bearer\s+(\S.*)$/i.exec(request.headers.get('authorization') ?? '')?.[1]?.trim();
    const record: RecordedRequest = {
      at: new Date(this.now(bearer)).toISOString(),
      method: request.method,
      path: url.pathname,
      operation: match.route?.operation,
      query: recordedQuery(url.searchParams),
      headers: recordedHeaders(request.headers),
      body: undefined,
      status: 0,
      key: bearer === undefined ? undefined : fingerprint(bearer),
    };
    this.recorded.push(record);

    const action = this.faults.take(
      { method: request.method, template: match.route?.template, operation: match.route?.operation, path, key: record.key },
      prefix,
    );
    if (action !== undefined) record.fault = describeFault(action);
    /** The sandbox's own answer, the request carried out (once). */
    let carried: Promise<Reply<unknown>> | undefined;
    const carryOut = (): Promise<Reply<unknown>> => (carried ??= this.answer(request, url, match, bearer, record));
    if (action === undefined) return this.finish(record, await carryOut());
    if ('respond' in action) {
      const own = async (): Promise<Response> => this.respond(await carryOut());
      const response = await action.respond(request.clone(), own);
      if (response === undefined) return this.finish(record, await carryOut());
      record.status = response.status;
      return { response };
    }
    const { fault } = action;
    const landed = fault !== 'reset' && typeof fault !== 'number' && !(typeof fault === 'object' && 'status' in fault && !fault.carriedOut);
    if (!landed && match.route) await this.recordBody(match.route, request.clone(), record);
    return this.spoil(fault, request, record, carryOut);
  }

  /** A spoiled request's JSON body, in the request log as a carried-out one's would be. */
  private async recordBody(route: Route<State, JobRequest>, request: Request, record: RecordedRequest): Promise<void> {
    const body = schemasOf(this.provider.rules).operation(route.operation)?.properties?.get('body');
    if (body === undefined) return;
    const text = await request.text().catch(() => '');
    try {
      record.body = redactSecrets(body, text.trim() ? JSON.parse(text) : undefined);
    } catch {
      record.body = undefined;
    }
  }

  /** A request spoiled by `fault` (`carryOut` runs it, for the faults that let it land). */
  private async spoil(fault: Fault, request: Request, record: RecordedRequest, carryOut: () => Promise<Reply<unknown>>): Promise<Handled> {
    const { signal } = request;
    if (fault === 'reset') return { reset: true };
    if (typeof fault === 'number' || (typeof fault === 'object' && 'status' in fault)) {
      if (typeof fault === 'object' && fault.carriedOut) await carryOut();
      return this.finish(record, this.faultReply(fault));
    }
    if (typeof fault === 'object' && 'delayMs' in fault) {
      await sleep(fault.delayMs, signal);
      return this.finish(record, await carryOut());
    }
    const reply = await carryOut();
    if (fault === 'lost-answer') return { reset: true };
    if (fault === 'never-answer') {
      await this.hold(signal);
      return { reset: true };
    }
    if (typeof fault === 'object' && 'slowHeadersMs' in fault) {
      await this.wait(fault.slowHeadersMs, signal);
      return this.finish(record, reply);
    }
    const answer = this.respond(reply);
    record.status = answer.status;
    const text = await answer.text();
    const headers = new Headers(answer.headers);
    headers.delete('content-length');
    const encoder = new TextEncoder();
    if (fault === 'malformed-json') return { response: new Response(text.slice(0, text.length >> 1), { status: answer.status, headers }) };
    if (typeof fault === 'object' && 'hugeBodyBytes' in fault) {
      const parsed: unknown = JSON.parse(text);
      const padded = isRecord(parsed) ? { ...parsed, padding: 'x'.repeat(fault.hugeBodyBytes) } : parsed;
      return { response: new Response(JSON.stringify(padded), { status: answer.status, headers }) };
    }
    if (fault === 'reset-mid-body') {
      const bytes = encoder.encode(text);
      headers.set('content-length', String(bytes.length));
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (!sent) {
            sent = true;
            return controller.enqueue(bytes.subarray(0, bytes.length >> 1));
          }
          // Long enough for the half to reach the client before the reset.
          await sleep(20);
          controller.error(connectionDropped('terminated'));
        },
      });
      return { response: new Response(body, { status: answer.status, headers }) };
    }
    const bytes = encoder.encode(text.padEnd(fault.bytes ?? 2_000));
    headers.set('content-length', String(bytes.length));
    let at = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (at >= bytes.length) return controller.close();
          try {
            if (at > 0) await this.wait(fault.trickleMs, signal);
          } catch (error) {
            return controller.error(error);
          }
          controller.enqueue(bytes.subarray(at, ++at));
        },
      },
      { highWaterMark: 0 },
    );
    return { response: new Response(body, { status: answer.status, headers }) };
  }

  /** The request carried out: authorised, routed and handled in the key's world. */
  private async answer(
    request: Request,
    url: URL,
    match: ReturnType<typeof matchRoute<State, JobRequest>>,
    bearer: string | undefined,
    record: RecordedRequest,
  ): Promise<Reply<unknown>> {
    const { errors } = this.provider;
    if (bearer === undefined || (this.options.apiKeys && !this.options.apiKeys.includes(bearer)))
      return errors.unauthorized(bearer === undefined);
    if (!match.route) {
      const words = match.methodOnly
        ? `${request.method} is not allowed on ${url.pathname}`
        : `Unknown request URL: ${request.method} ${url.pathname}`;
      return errors.status(match.methodOnly ? 405 : 404, words, match.methodOnly ? 'method_not_allowed' : 'unknown_url');
    }
    return this.call(match.route, match.params, url, request, bearer, record);
  }

  private finish(record: RecordedRequest, reply: Reply<unknown>): Handled {
    const response = this.respond(reply);
    record.status = response.status;
    return { response };
  }

  /** Checks the request against the operation's rules, then runs its handler in the key's world. */
  private async call(
    route: Route<State, JobRequest>,
    params: Record<string, string>,
    url: URL,
    request: Request,
    apiKey: string,
    record: RecordedRequest,
  ): Promise<Reply<unknown>> {
    const { rules, errors } = this.provider;
    const schema = schemasOf(rules).operation(route.operation);
    const query = readQuery(url.searchParams, schema);
    let body: unknown;
    const problems: Problem[] = [];
    const bodySchema = schema?.properties?.get('body');
    if (bodySchema !== undefined) {
      const text = await request.text();
      try {
        body = text.trim() ? JSON.parse(text) : undefined;
      } catch {
        problems.push({ field: 'body', depth: 0, rule: 'valid JSON', value: undefined });
      }
      record.body = redactSecrets(bodySchema, body);
    }
    if (!problems.length && schema) problems.push(...checkValue(schema, { path: params, query, body }));
    if (problems.length) return errors.invalid(problems);

    const world = this.world(apiKey);
    const now = this.now(apiKey);
    let form: Promise<FormData | undefined> | undefined;
    let pollTo: number | undefined;
    const reply = await route.handle({
      world,
      now,
      path: params,
      query,
      body,
      request,
      form: () => {
        form ??= readForm(request).then((fields) => {
          if (fields) record.body = recordedForm(fields);
          return fields;
        });
        return form;
      },
      takeOutcome: () => this.takeOutcome(world.key),
      polled: (at) => {
        pollTo = at;
      },
      keep: (blob) => this.spool.keep(blob),
    });
    if (this.options.clock.mode === 'on-poll' && pollTo !== undefined && pollTo > now) world.offset += pollTo - now;
    return reply;
  }
}
