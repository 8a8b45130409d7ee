import { isRecord } from '../core/records.js';
import { fingerprint } from './world.js';

/** How a 429's wait is written: `seconds` (`Retry-After: 2`), `ms` (`retry-after-ms: 2000`), or `date` (an HTTP date). */
export type RetryAfterForm = 'seconds' | 'ms' | 'date';

/** A status answer in the provider's error shape (or, `html`, a proxy's HTML page). */
export interface StatusFault {
  status: number;
  /** Seconds to ask the client to wait; sent as `Retry-After` and `retry-after-ms`, or only in the form `retryAfterAs` names. */
  retryAfter?: number;
  retryAfterAs?: RetryAfterForm;
  message?: string;
  /** A proxy's HTML error page (`<title>502 Bad Gateway</title>`) instead of the provider's JSON. */
  html?: boolean;
  /** The request is carried out first (a create makes its job), then this answer replaces the real one. */
  carriedOut?: boolean;
}

/**
 * A transport fault. Statuses: `503`, or a `StatusFault` (`{ status: 429, retryAfter: 2 }`,
 * `{ status: 502, html: true }`). Dropped connections: `'reset'` (before the request is handled), `'lost-answer'`
 * (carried out, then the connection drops: the client cannot know), `'reset-mid-body'` (carried out; the answer's
 * headers and half its body, then a reset). Broken or slow answers to a request that is carried out:
 * `'malformed-json'` (the answer cut in half), `'never-answer'` (silence until the client goes away),
 * `{ slowHeadersMs }` (the answer that much later), `{ trickleMs, bytes? }` (the answer padded to `bytes`, default
 * 2000, one byte every `trickleMs`), `{ hugeBodyBytes }` (the answer with a `padding` field that long). Those waits
 * pass on the sandbox's clock: with a manual clock they move it (firing the deadlines of clients that run on
 * `sandbox.clock`), at a speed they take real time. `{ delayMs }`: the answer that much later in real time.
 */
export type Fault =
  | number
  | 'reset'
  | 'lost-answer'
  | 'reset-mid-body'
  | 'malformed-json'
  | 'never-answer'
  | StatusFault
  | { delayMs: number }
  | { slowHeadersMs: number }
  | { trickleMs: number; bytes?: number }
  | { hugeBodyBytes: number };

/** A fault on the next `times` requests that match. */
export interface FaultScript {
  fault: Fault;
  /** How many matching requests it spoils (default 1). */
  times?: number;
  /**
   * Which requests: an operation as the document writes it (`'GET /fine_tuning/jobs/{fine_tuning_job_id}'`), a method
   * (`'POST'`), a path with `*` wildcards (`'GET /files/*'`, matched against the document's path and the real one);
   * default: every API request.
   */
  match?: string;
  /** Only requests made with this API key. */
  apiKey?: string;
}

/**
 * A test's own answer to a request: a `Response`, or `undefined` to let the sandbox answer. `request` is a copy (its
 * body readable); `sandbox()` gives the sandbox's own answer (the request carried out), to pass on or change.
 */
export type Responder = (request: Request, sandbox: () => Promise<Response>) => Response | undefined | Promise<Response | undefined>;

/**
 * A per-test override of the sandbox (`sandbox.use(…)`): on the requests of `route` (one operation as its provider's
 * route table names it, a list of them, or by default every API request), a `fault` or a `respond` function. It lasts
 * until `sandbox.resetOverrides()` (or `reset()`), unless `times` says how many requests it spoils; `skip` lets that
 * many matching requests through first.
 */
export type Override<Route extends string = string> = {
  route?: Route | readonly Route[];
  times?: number;
  skip?: number;
  /** Only requests made with this API key. */
  apiKey?: string;
} & ({ fault: Fault; respond?: never } | { respond: Responder; fault?: never });

/** What the engine knows about a request when it looks for a fault. */
export interface FaultTarget {
  method: string;
  /** The document's path (`/files/{file_id}`), when the request matched an operation. */
  template: string | undefined;
  /** `METHOD template`, when the request matched an operation. */
  operation: string | undefined;
  /** The path below the provider's prefix. */
  path: string;
  key: string | undefined;
}

/** What spoils a request: a fault, or a test's responder. */
export type Action = { fault: Fault } | { respond: Responder };

interface Armed {
  /** Armed by `use` (an override) or by a script. */
  override: boolean;
  action: Action;
  left: number;
  skip: number;
  method: string | undefined;
  pattern: RegExp | undefined;
  operations: ReadonlySet<string> | undefined;
  key: string | undefined;
}

const isStatus = (value: unknown): value is number => Number.isInteger(value) && Number(value) >= 400 && Number(value) <= 599;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

const bad = (field: string, value: unknown, rule: string): Error =>
  new Error(`${field} = ${JSON.stringify(value) ?? String(value)} ${rule}`);

const WORDS = ['reset', 'lost-answer', 'reset-mid-body', 'malformed-json', 'never-answer'] as const;
const FORMS: readonly RetryAfterForm[] = ['seconds', 'ms', 'date'];
const FAULT_RULE =
  "must be a status 400–599, 'reset', 'lost-answer', 'reset-mid-body', 'malformed-json', 'never-answer', " +
  '{ status, retryAfter?, retryAfterAs?, message?, html?, carriedOut? }, { delayMs }, { slowHeadersMs }, { trickleMs, bytes? } or { hugeBodyBytes }';

/** One numeric field alone (`{ delayMs: 10 }`), or `undefined`. */
function single(value: Record<string, unknown>, ...names: string[]): Fault | undefined {
  const keys = Object.keys(value);
  if (!keys.every((key) => names.includes(key)) || !keys.includes(names[0] ?? '')) return undefined;
  if (!names.every((name) => value[name] === undefined || isCount(value[name]))) return undefined;
  const [first] = names;
  if (first === 'delayMs' && isCount(value.delayMs)) return { delayMs: value.delayMs };
  if (first === 'slowHeadersMs' && isCount(value.slowHeadersMs)) return { slowHeadersMs: value.slowHeadersMs };
  if (first === 'hugeBodyBytes' && isCount(value.hugeBodyBytes)) return { hugeBodyBytes: value.hugeBodyBytes };
  if (first === 'trickleMs' && isCount(value.trickleMs) && value.trickleMs > 0) {
    return { trickleMs: value.trickleMs, ...(isCount(value.bytes) ? { bytes: value.bytes } : {}) };
  }
  return undefined;
}

function toStatusFault(value: Record<string, unknown>): StatusFault | undefined {
  const { status, retryAfter, retryAfterAs, message, html, carriedOut, ...rest } = value;
  if (!isStatus(status) || Object.keys(rest).length) return undefined;
  if (retryAfter !== undefined && !isCount(retryAfter)) return undefined;
  if (retryAfterAs !== undefined && !FORMS.some((form) => form === retryAfterAs)) return undefined;
  if (message !== undefined && typeof message !== 'string') return undefined;
  if ((html !== undefined && typeof html !== 'boolean') || (carriedOut !== undefined && typeof carriedOut !== 'boolean')) return undefined;
  const form = FORMS.find((one) => one === retryAfterAs);
  return {
    status,
    ...(isCount(retryAfter) ? { retryAfter } : {}),
    ...(form ? { retryAfterAs: form } : {}),
    ...(typeof message === 'string' ? { message } : {}),
    ...(html === true ? { html } : {}),
    ...(carriedOut === true ? { carriedOut } : {}),
  };
}

/** A fault checked field by field (from code or JSON); an `Error` naming the value and the rule. */
function toFault(value: unknown): Fault {
  if (isStatus(value)) return value;
  const word = WORDS.find((one) => one === value);
  if (word) return word;
  if (isRecord(value)) {
    const found =
      single(value, 'delayMs') ??
      single(value, 'slowHeadersMs') ??
      single(value, 'hugeBodyBytes') ??
      single(value, 'trickleMs', 'bytes') ??
      toStatusFault(value);
    if (found !== undefined) return found;
  }
  throw bad('fault', value, FAULT_RULE);
}

const MATCH = /^([A-Z]+)?\s*(\/\S*)?$/;

function checkTimes(times: unknown): number | undefined {
  if (times === undefined) return undefined;
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 1) throw bad('times', times, 'must be a whole number ≥ 1');
  return times;
}

function checkKey(apiKey: unknown): string | undefined {
  if (apiKey === undefined) return undefined;
  if (typeof apiKey !== 'string' || !apiKey) throw bad('apiKey', apiKey, 'must be a non-empty string');
  return apiKey;
}

/** A fault script checked field by field (from code or JSON); an `Error` naming the field, the value and the rule. */
export function toFaultScript(value: Record<string, unknown>): FaultScript {
  const { fault, times, match, apiKey, ...rest } = value;
  const extra = Object.keys(rest)[0];
  if (extra) throw new Error(`${extra} is not a field of a fault script (fault, times, match, apiKey)`);
  const script: FaultScript = { fault: toFault(fault) };
  const count = checkTimes(times);
  if (count !== undefined) script.times = count;
  if (match !== undefined) {
    if (typeof match !== 'string' || !match.trim() || !MATCH.test(match.trim())) {
      throw bad('match', match, "must be 'METHOD', '/path' or 'METHOD /path' (the document's path or the real one; * matches anything)");
    }
    script.match = match.trim();
  }
  const key = checkKey(apiKey);
  if (key !== undefined) script.apiKey = key;
  return script;
}

const glob = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

/** Armed faults and overrides: the newest override first, then the scripts in the order they came. */
export class Faults {
  private armed: Armed[] = [];

  /** Arms a (checked) script. */
  add(script: FaultScript): void {
    const [, method, path] = MATCH.exec(script.match ?? '') ?? [];
    this.armed.push({
      override: false,
      action: { fault: script.fault },
      left: script.times ?? 1,
      skip: 0,
      method,
      pattern: path ? glob(path) : undefined,
      operations: undefined,
      key: script.apiKey === undefined ? undefined : fingerprint(script.apiKey),
    });
  }

  /**
   * Arms overrides ahead of everything armed before (the first of them first), each checked: an `Error` naming the
   * field, the value and the rule (`routes`: the operations a `route` may name).
   */
  use(overrides: readonly Override[], routes: readonly string[]): void {
    const armed = overrides.map((override, i): Armed => {
      const where = overrides.length > 1 ? `overrides[${i}].` : '';
      if (!isRecord(override)) throw bad('override', override, 'must be an object with a fault or a respond function');
      const { route, times, skip, apiKey, fault, respond, ...rest } = override;
      const extra = Object.keys(rest)[0];
      if (extra) throw new Error(`${where}${extra} is not a field of an override (route, fault, respond, times, skip, apiKey)`);
      if ((fault === undefined) === (respond === undefined)) throw new Error(`${where}an override needs exactly one of fault and respond`);
      if (respond !== undefined && typeof respond !== 'function')
        throw bad(`${where}respond`, typeof respond, 'must be a function (request, sandbox) → Response | undefined');
      const named = route === undefined ? undefined : typeof route === 'string' ? [route] : Array.isArray(route) ? route : [route];
      const unknown = named?.find((one) => !routes.includes(one));
      if (named && (unknown !== undefined || !named.length))
        throw bad(`${where}route`, unknown ?? route, `must be one of the provider's operations: ${routes.join(', ')}`);
      if (skip !== undefined && !(Number.isInteger(skip) && skip >= 0)) throw bad(`${where}skip`, skip, 'must be a whole number ≥ 0');
      try {
        return {
          override: true,
          action: respond === undefined ? { fault: toFault(fault) } : { respond },
          left: checkTimes(times) ?? Infinity,
          skip: skip ?? 0,
          method: undefined,
          pattern: undefined,
          operations: named ? new Set(named) : undefined,
          key: checkKey(apiKey) === undefined ? undefined : fingerprint(apiKey ?? ''),
        };
      } catch (error) {
        throw new Error(`${where}${error instanceof Error ? error.message : String(error)}`);
      }
    });
    this.armed = [...armed, ...this.armed];
  }

  /** What spoils this request, if anything armed matches it (spending it). */
  take(target: FaultTarget, prefix: string): Action | undefined {
    const matching = this.armed.filter(
      ({ method, pattern, operations, key }) =>
        (method === undefined || method === target.method) &&
        (key === undefined || key === target.key) &&
        (operations === undefined || (target.operation !== undefined && operations.has(target.operation))) &&
        (pattern === undefined ||
          (target.template !== undefined && pattern.test(target.template)) ||
          pattern.test(target.path) ||
          pattern.test(prefix + target.path)),
    );
    const entry = matching.find((armed) => {
      if (armed.skip <= 0) return true;
      armed.skip--;
      return false;
    });
    if (!entry) return undefined;
    entry.left--;
    this.armed = this.armed.filter((armed) => armed.left > 0);
    return entry.action;
  }

  /** How many requests the armed faults will still spoil (an override without `times` counts once). */
  get pending(): number {
    return this.armed.reduce((sum, armed) => sum + (Number.isFinite(armed.left) ? armed.left : 1), 0);
  }

  /** Disarms the overrides of `use` (or, `all`, every script too). */
  clear(all = true): void {
    this.armed = all ? [] : this.armed.filter((armed) => !armed.override);
  }
}

/** A fault in a few words, for the request log. */
export function describeFault(action: Action): string {
  if ('respond' in action) return 'respond';
  const { fault } = action;
  if (typeof fault === 'number' || typeof fault === 'string') return String(fault);
  if ('delayMs' in fault) return `delay ${fault.delayMs} ms`;
  if ('slowHeadersMs' in fault) return `slow headers ${fault.slowHeadersMs} ms`;
  if ('trickleMs' in fault) return `trickle ${fault.trickleMs} ms`;
  if ('hugeBodyBytes' in fault) return `huge body ${fault.hugeBodyBytes} bytes`;
  const retry =
    fault.retryAfter === undefined ? '' : ` retry-after ${fault.retryAfter}${fault.retryAfterAs ? ` (${fault.retryAfterAs})` : ''}`;
  return `${fault.status}${fault.html ? ' html' : ''}${retry}${fault.carriedOut ? ' carried out' : ''}`;
}
