import { isRecord } from '../core/records.js';
import { sleep } from '../core/sleep.js';
import { check, type Problem, type Ref, type Rule, type Rules } from '../core/validate.js';
import type { Clock } from './clock.js';
import { CONTROL_ROUTES, handleControl, type Controls } from './controls.js';
import { describeFault, Faults, type Fault } from './faults.js';
import { readForm } from './files.js';
import { toOutcome } from './jobs.js';
import type { ProviderName, SandboxProvider } from './provider.js';
import { recordedForm, recordedHeaders, recordedQuery, redact, type RecordedRequest } from './recorder.js';
import { matchRoute, type Failure, type PendingOutcome, type Reply, type Route } from './routes.js';
import { parseScript } from './script.js';
import { Spool } from './spool.js';
import { fingerprint, World, type JobRecord } from './world.js';

/** What the engine did with a request: an answer, or a dropped connection (before or after carrying it out). */
export type Handled = { response: Response } | { reset: true };

export interface EngineOptions {
  clock: Clock;
  /** The keys accepted; any non-empty bearer token when absent. */
  apiKeys?: readonly string[];
  /** The base URL clients use (for the health answer). */
  url?: () => string;
}

/** The JSON types a rule allows (a union's branches together). */
function typesOf(s: Readonly<Record<string, Rule>>, ref: Ref | undefined): number {
  const rule = typeof ref === 'string' ? s[ref] ?? {} : ref ?? {};
  if (rule.t !== undefined) return rule.t;
  return rule.u ? rule.u.reduce((mask, branch) => mask | typesOf(s, branch), 0) : 127;
}

/** Query parameters as the rules expect them: numbers and booleans from their text; `name[key]=v` as an object. */
function readQuery(params: URLSearchParams, rules: Rules, rule: Rule | undefined): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  const shape = rule?.p?.query;
  const props = (typeof shape === 'string' ? rules.s[shape] : shape)?.p ?? {};
  for (const name of new Set(params.keys())) {
    const deep = /^([^[\]]+)\[([^[\]]*)\]$/.exec(name);
    if (deep?.[1] !== undefined && deep[2] !== undefined) {
      const holder = isRecord(query[deep[1]]) ? query[deep[1]] : {};
      query[deep[1]] = { ...(isRecord(holder) ? holder : {}), [deep[2]]: params.get(name) };
      continue;
    }
    const mask = typesOf(rules.s, props[name]);
    const coerce = (text: string): unknown =>
      mask & 6 && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : mask & 8 && (text === 'true' || text === 'false') ? text === 'true' : text;
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

/** One provider's whole sandbox behind a web `Request` → `Response` function: state per key, clock, scripts, recorder, controls. */
export class Engine<State, JobRequest> implements Controls {
  readonly worlds = new Map<string, World<State, JobRequest>>();
  readonly faults = new Faults();
  readonly recorded: RecordedRequest[] = [];
  private pendingOutcomes: { key: string | undefined; outcome: PendingOutcome }[] = [];
  private readonly spool = new Spool();
  private requestCount = 0;

  constructor(
    readonly provider: SandboxProvider<State, JobRequest>,
    readonly options: EngineOptions,
  ) {}

  get name(): ProviderName {
    return this.provider.name;
  }

  private world(apiKey: string): World<State, JobRequest> {
    let world = this.worlds.get(apiKey);
    if (!world) {
      world = new World<State, JobRequest>(apiKey, this.provider.init());
      this.worlds.set(apiKey, world);
    }
    return world;
  }

  /** Simulated time, ms since the epoch (a key's own, in 'on-poll' mode, when `apiKey` is given). */
  now(apiKey?: string): number {
    return this.options.clock.now() + (apiKey === undefined ? 0 : this.worlds.get(apiKey)?.offset ?? 0);
  }

  advance(ms: number): number {
    return this.options.clock.advance(ms);
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
      const problem = job.timeline.apply(toOutcome(outcome, this.provider.lifecycle, this.provider.failure, job.timeline.training.totalSteps), this.now(key));
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
    this.worlds.clear();
    this.faults.clear();
    this.pendingOutcomes = [];
    this.clearRequests();
    this.spool.clear();
  }

  close(): void {
    this.spool.clear();
  }

  private takeOutcome(key: string): PendingOutcome | undefined {
    const index = this.pendingOutcomes.findIndex((entry) => entry.key === undefined || entry.key === key);
    return index < 0 ? undefined : this.pendingOutcomes.splice(index, 1)[0]?.outcome;
  }

  private respond(reply: Reply<unknown>): Response {
    const headers: Record<string, string> = { ...CORS, 'x-request-id': `req_${(++this.requestCount).toString(16).padStart(12, '0')}` };
    if ('json' in reply) return new Response(JSON.stringify(reply.json), { status: 200, headers: { ...headers, 'content-type': 'application/json' } });
    if ('blob' in reply) {
      Object.assign(headers, { 'content-type': reply.type, 'content-length': String(reply.blob.size) });
      if (reply.filename) headers['content-disposition'] = `attachment; filename="${reply.filename.replace(/"/g, '')}"`;
      return new Response(reply.blob, { status: 200, headers });
    }
    return new Response(JSON.stringify(reply.error), { status: reply.status, headers: { ...headers, 'content-type': reply.type ?? 'application/json', ...reply.headers } });
  }

  private faultReply(fault: Exclude<Fault, 'reset' | 'lost-answer' | { delayMs: number }>): Failure {
    const { status, retryAfter, message } = typeof fault === 'number' ? { status: fault, retryAfter: undefined, message: undefined } : fault;
    const failure = this.provider.errors.status(status, message ?? FAULT_WORDS[status] ?? `Scripted ${status}.`, status === 429 ? 'rate_limit_exceeded' : undefined);
    const headers: Record<string, string> = { ...failure.headers };
    if (retryAfter !== undefined) Object.assign(headers, { 'retry-after': String(Math.ceil(retryAfter)), 'retry-after-ms': String(Math.round(retryAfter * 1000)) });
    return { ...failure, headers };
  }

  /** Answers one request: a control, or an API call of this provider. */
  async handle(request: Request): Promise<Handled> {
    const url = new URL(request.url);
    if (url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')) return { response: await handleControl(this, request, url.pathname) };
    if (request.method === 'OPTIONS') {
      return { response: new Response(null, { status: 204, headers: { ...CORS, 'access-control-allow-methods': 'GET, POST, DELETE', 'access-control-allow-headers': '*' } }) };
    }
    const { prefix, errors } = this.provider;
    const inside = url.pathname.startsWith(`${prefix}/`);
    const path = inside ? url.pathname.slice(prefix.length) : url.pathname;
    const match = inside ? matchRoute(this.provider.routes, request.method, path) : { route: undefined, methodOnly: false };
    const bearer = /^Bearer\s+(\S.*)$/i.exec(request.headers.get('authorization') ?? '')?.[1]?.trim();
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

    const fault = this.faults.take({ method: request.method, template: match.route?.template, path, key: record.key }, prefix);
    if (fault !== undefined) record.fault = describeFault(fault);
    if (fault === 'reset') return { reset: true };
    if (typeof fault === 'object' && 'delayMs' in fault) await sleep(fault.delayMs, request.signal);
    else if (fault !== undefined && fault !== 'lost-answer') return this.finish(record, this.faultReply(fault));

    if (bearer === undefined || (this.options.apiKeys && !this.options.apiKeys.includes(bearer))) {
      return this.finish(record, errors.unauthorized(bearer === undefined), fault);
    }
    if (!match.route) {
      const words = match.methodOnly ? `${request.method} is not allowed on ${url.pathname}` : `Unknown request URL: ${request.method} ${url.pathname}`;
      return this.finish(record, errors.status(match.methodOnly ? 405 : 404, words, match.methodOnly ? 'method_not_allowed' : 'unknown_url'), fault);
    }
    return this.finish(record, await this.call(match.route, match.params, url, request, bearer, record), fault);
  }

  private finish(record: RecordedRequest, reply: Reply<unknown>, fault?: Fault): Handled {
    if (fault === 'lost-answer') return { reset: true };
    const response = this.respond(reply);
    record.status = response.status;
    return { response };
  }

  /** Checks the request against the operation's rules, then runs its handler in the key's world. */
  private async call(route: Route<State, JobRequest>, params: Record<string, string>, url: URL, request: Request, apiKey: string, record: RecordedRequest): Promise<Reply<unknown>> {
    const { rules, errors } = this.provider;
    const rule = rules.o[route.operation];
    const query = readQuery(url.searchParams, rules, rule);
    let body: unknown;
    const problems: Problem[] = [];
    if (rule?.p?.body !== undefined) {
      const text = await request.text();
      try {
        body = text.trim() ? JSON.parse(text) : undefined;
      } catch {
        problems.push({ f: 'body', d: 0, r: 'valid JSON', v: undefined });
      }
      record.body = redact(rules.s, rule.p.body, body);
    }
    if (!problems.length && rule) problems.push(...check(rules.s, rule, { path: params, query, body }, '', 0));
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
