import { isRecord } from '../core/records.js';
import { fingerprint } from './world.js';

/**
 * A transport fault: a status (`503`, or `{ status: 429, retryAfter: 2 }` with `Retry-After` in seconds), `'reset'`
 * (the connection drops before the request is handled), `'lost-answer'` (the request is carried out, then the
 * connection drops: the client cannot know), or `{ delayMs }` (the answer comes that much later, in real time).
 */
export type Fault = number | 'reset' | 'lost-answer' | { status: number; retryAfter?: number; message?: string } | { delayMs: number };

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

/** What the engine knows about a request when it looks for a fault. */
export interface FaultTarget {
  method: string;
  /** The document's path (`/files/{file_id}`), when the request matched an operation. */
  template: string | undefined;
  /** The path below the provider's prefix. */
  path: string;
  key: string | undefined;
}

interface Armed {
  fault: Fault;
  left: number;
  method: string | undefined;
  pattern: RegExp | undefined;
  key: string | undefined;
}

const isStatus = (value: unknown): value is number => Number.isInteger(value) && Number(value) >= 400 && Number(value) <= 599;

const bad = (field: string, value: unknown, rule: string): Error => new Error(`${field} = ${JSON.stringify(value) ?? String(value)} ${rule}`);

function toFault(value: unknown): Fault {
  if (isStatus(value) || value === 'reset' || value === 'lost-answer') return value;
  if (isRecord(value)) {
    const { delayMs, status, retryAfter, message } = value;
    if (typeof delayMs === 'number' && delayMs >= 0 && Object.keys(value).length === 1) return { delayMs };
    const retryOk = retryAfter === undefined || (typeof retryAfter === 'number' && retryAfter >= 0);
    if (isStatus(status) && retryOk && (message === undefined || typeof message === 'string')) {
      return { status, ...(typeof retryAfter === 'number' ? { retryAfter } : {}), ...(typeof message === 'string' ? { message } : {}) };
    }
  }
  throw bad('fault', value, "must be a status 400–599, 'reset', 'lost-answer', { status, retryAfter?, message? } or { delayMs }");
}

const MATCH = /^([A-Z]+)?\s*(\/\S*)?$/;

/** A fault script checked field by field (from code or JSON); an `Error` naming the field, the value and the rule. */
export function toFaultScript(value: Record<string, unknown>): FaultScript {
  const { fault, times, match, apiKey, ...rest } = value;
  const extra = Object.keys(rest)[0];
  if (extra) throw new Error(`${extra} is not a field of a fault script (fault, times, match, apiKey)`);
  const script: FaultScript = { fault: toFault(fault) };
  if (times !== undefined) {
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 1) throw bad('times', times, 'must be a whole number ≥ 1');
    script.times = times;
  }
  if (match !== undefined) {
    if (typeof match !== 'string' || !match.trim() || !MATCH.test(match.trim())) {
      throw bad('match', match, "must be 'METHOD', '/path' or 'METHOD /path' (the document's path or the real one; * matches anything)");
    }
    script.match = match.trim();
  }
  if (apiKey !== undefined) {
    if (typeof apiKey !== 'string' || !apiKey) throw bad('apiKey', apiKey, 'must be a non-empty string');
    script.apiKey = apiKey;
  }
  return script;
}

const glob = (pattern: string): RegExp => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/** Armed faults, spent in order. */
export class Faults {
  private armed: Armed[] = [];

  /** Arms a (checked) script. */
  add(script: FaultScript): void {
    const [, method, path] = MATCH.exec(script.match ?? '') ?? [];
    this.armed.push({
      fault: script.fault,
      left: script.times ?? 1,
      method,
      pattern: path ? glob(path) : undefined,
      key: script.apiKey === undefined ? undefined : fingerprint(script.apiKey),
    });
  }

  /** The fault for this request, if one is armed for it (spending it). */
  take(target: FaultTarget, prefix: string): Fault | undefined {
    const entry = this.armed.find(({ method, pattern, key, left }) =>
      left > 0
      && (method === undefined || method === target.method)
      && (key === undefined || key === target.key)
      && (pattern === undefined || (target.template !== undefined && pattern.test(target.template)) || pattern.test(target.path) || pattern.test(prefix + target.path)));
    if (!entry) return undefined;
    entry.left--;
    this.armed = this.armed.filter((armed) => armed.left > 0);
    return entry.fault;
  }

  /** How many are still armed. */
  get pending(): number {
    return this.armed.reduce((sum, armed) => sum + armed.left, 0);
  }

  clear(): void {
    this.armed = [];
  }
}

/** A fault in a few words, for the request log. */
export function describeFault(fault: Fault): string {
  if (typeof fault === 'number' || typeof fault === 'string') return String(fault);
  return 'delayMs' in fault ? `delay ${fault.delayMs} ms` : `${fault.status}${fault.retryAfter === undefined ? '' : ` retry-after ${fault.retryAfter}`}`;
}
