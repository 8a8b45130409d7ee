import { InvalidArgumentError } from 'commander';
import { isRecord } from '../core/records.js';

/** Values of flags, parsed and checked as commander reads them: a bad one names the flag, the value and the rule. */

/** A whole number ≥ `min`. */
export const wholeNumber =
  (min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(`must be a whole number ≥ ${min}`);
    return n;
  };

/** A finite number ≥ 0. */
export function nonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
}

/** An amount of US dollars ≥ 0: `5`, `0.48`, `$5`. */
export function dollars(value: string): number {
  const n = Number(value.trim().replace(/^\$/, ''));
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('must be an amount of US dollars ≥ 0, e.g. 5 or 0.48');
  return n;
}

/** A batch size: a whole number ≥ 1, or `max` (Together). */
export function batchSize(value: string): number | 'max' {
  if (value.trim().toLowerCase() === 'max') return 'max';
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a whole number ≥ 1, or "max"');
  return Number(value);
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** `true`/`false` (also yes/no, on/off, 1/0), or `auto`: `"false"` is false. */
export function booleanOrAuto(value: string): boolean | 'auto' {
  const word = value.trim().toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  if (word === 'auto') return 'auto';
  throw new InvalidArgumentError('must be true, false or auto');
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration in milliseconds: `500ms`, `90s`, `5m`, `2h`, `1h30m`, or a bare number of seconds. */
export function duration(value: string): number {
  const text = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const ms = Number(text) * 1_000;
    if (ms > 0) return ms;
  }
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|min|s|m|h|d)/g)];
  const total = parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_MS[unit ?? ''] ?? NaN), 0);
  if (!parts.length || parts.map((p) => p[0]).join('') !== text || !(total > 0)) {
    throw new InvalidArgumentError('must be a duration above 0 such as 30s, 5m, 2h, 1h30m or 500ms (a bare number is seconds)');
  }
  return total;
}

/** The longest timer Node arms (2³¹ − 1 ms, about 24.8 days): a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `--timeout`: a duration (as `duration` reads it) that Node can arm as a timer, at most 24 days. */
export function requestTimeout(value: string): number {
  const ms = duration(value);
  if (ms > MAX_TIMER_MS) throw new InvalidArgumentError('must be at most 24d (596h), the longest timer Node can arm');
  return ms;
}

/** `--option path=value`, repeatable: a field of the provider's own request (`value` as JSON when it parses, else a string). */
export function keyValue(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const at = value.indexOf('=');
  const path = at > 0 ? value.slice(0, at).trim() : '';
  if (!path || path.split('.').some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
    throw new InvalidArgumentError(
      'must be FIELD=VALUE, e.g. n_checkpoints=3 or training_method.type=dpo (VALUE as JSON, or a plain string)',
    );
  }
  const raw = value.slice(at + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  const result: Record<string, unknown> = structuredClone(previous);
  const parts = path.split('.');
  let target = result;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (isRecord(next)) target = next;
    else {
      const made: Record<string, unknown> = {};
      target[part] = made;
      target = made;
    }
  }
  target[parts[parts.length - 1] as string] = parsed;
  return result;
}

/** A repeatable flag's values, in order. */
export function repeated(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `key=value`, repeatable: a map of strings. */
export function pair(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('must be KEY=VALUE');
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1) };
}
