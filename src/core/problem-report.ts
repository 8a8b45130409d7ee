/**
 * Problems made safe and readable: secrets hidden (by the document in any branch, or by name), each problem a
 * sentence, a `ValidationError`. A client loads it only when a request breaks a rule or carries a JSON body.
 */
import { ValidationError, type FieldViolation } from './errors.js';
import type { Problem } from './check.js';
import { isRecord } from './records.js';
import type { Schema } from './schemas.js';

/**
 * `problems` of a value against `schema` (as `findProblems` found them, `at` where the value stands) with no secret
 * left: a field is secret when the document marks it so in any branch of any union on its way (`format: password`,
 * `writeOnly`), or when its name or a name on its way says so (`token`, `api_key`…), and then its value is
 * `'[redacted]'`; an object or array value comes with its secret fields redacted.
 */
export function hideSecrets(schema: Schema, problems: Problem[], at: { field: string }): Problem[] {
  for (const p of problems) {
    // A missing field has nothing to hide.
    if (p.value === undefined) continue;
    const path = pathOf(p.field.slice(at.field.length));
    // The schemas each step of the path may stand at, in every branch.
    let here = [schema];
    const along = path.map((part) => (here = schemasAt(here, [part])));
    if (p.secret || path.some((part, n) => (typeof part === 'string' && isSecretName(part)) || along[n]?.some((s) => s.secret))) {
      p.secret = true;
      p.value = REDACTED;
    } else if (typeof p.value === 'object' && p.value !== null) p.value = masked(along.at(-1) ?? [schema], p.value);
  }
  return problems;
}

const REDACTED = '[redacted]';

/**
 * A field name that says it holds a secret, whatever the document says of it: `key`, `auth`, `token`, `secret`,
 * `password`, `authorization`, `credentials` as the whole name; `token`, `secret`, `password`, `authorization`,
 * `credentials` as its last word (`hf_token`, `client_secret`); a key of an account or a service (`api_key`, `apiKey`,
 * `x-api-key`, `wandb_key`, `access_key`); `token`, `apikey`, `secret`, `password` at the end of a word (`hftoken`).
 * Not a key that names a record (`tunekit_create_key`, `idempotency_key`, `sort_key`).
 */
export function isSecretName(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return (
    /^(key|auth)$/.test(words) ||
    /(^|[^a-z0-9])(authorization|credentials?)$/.test(words) ||
    /(^|[^a-z0-9])(api|access|secret|private|account|client|auth|service|signing|master|wandb|hf)[^a-z0-9]?key$/.test(words) ||
    /(api_?key|token|secret|password|passwd)$/.test(words)
  );
}

/** `.a.b[0].c` (or `a.b[0].c`) as `['a', 'b', 0, 'c']`. */
function pathOf(field: string): (string | number)[] {
  return [...field.matchAll(/\.?([^.[\]]+)|\[(\d+)\]/g)].map(([, name, index]) => (index !== undefined ? Number(index) : (name as string)));
}

/** Every schema `path` may lead to from `schemas`, through every branch of every union and allOf on the way. */
function schemasAt(schemas: readonly Schema[], path: readonly (string | number)[]): Schema[] {
  let here = [...schemas];
  for (let step = 0; ; step++) {
    // A union's branches and allOf's parts stand where the schema that holds them does.
    for (let n = 0; n < here.length; n++) {
      const { anyOf = [], allOf = [] } = here[n] as Schema;
      for (const part of [...anyOf, ...allOf]) if (!here.includes(part)) here.push(part);
    }
    const part = path[step];
    if (part === undefined) return here;
    const next: Schema[] = [];
    for (const schema of here) {
      const child = typeof part === 'number' ? schema.items : (schema.properties?.get(part) ?? schema.additional);
      if (child && !next.includes(child)) next.push(child);
    }
    here = next;
  }
}

/**
 * `value` with every field its schema marks secret (in any branch of a union) or whose name says secret (`hf_token`,
 * `api_key`: also a field the document does not know, sent with `validate: false`) as `'[redacted]'`: what a request
 * log may keep (the sandbox's).
 */
export function redactSecrets(schema: Schema | undefined, value: unknown): unknown {
  return value === undefined ? undefined : masked(schema ? [schema] : [], value);
}

/** A copy of `value` with every field that any of `schemas` (any branch) or its name marks secret as `'[redacted]'`. */
function masked(schemas: readonly Schema[], value: unknown): unknown {
  if (schemas.some((s) => s.secret)) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => masked(schemasAt(schemas, [0]), item));
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, child]) => [
      name,
      isSecretName(name) && child !== undefined ? REDACTED : masked(schemasAt(schemas, [name]), child),
    ]),
  );
}

/** What stands for a problem's value that is never shown: a secret, an object, an array (`undefined` for a plain value). */
function placeholder(p: Problem): string | undefined {
  return p.secret ? '[redacted]' : Array.isArray(p.value) ? '[…]' : isRecord(p.value) ? '{…}' : undefined;
}

/** How a problem's value is shown: plain values as JSON (long strings cut), secrets never, objects and arrays as a placeholder. */
function shown(p: Problem): string {
  const v = p.value;
  return placeholder(p) ?? (typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v));
}

/** One problem as a sentence that names the field, the value and the rule. */
export function describeProblem(p: Problem): string {
  if (p.rule === 'unknown field')
    return `${p.field} = ${shown(p)} is not a field the document names${p.suggestion ? ` (did you mean ${p.suggestion}?)` : ''}`;
  return `${p.field} = ${shown(p)} breaks ${p.rule}`;
}

/** How many problems a `ValidationError` message spells out before "and N more". */
const SHOWN_PROBLEMS = 3;

/** The `ValidationError` for `problems` (at least one) of a request to `operation` (`"POST /v1/files"`). */
export function validationError(provider: string, operation: string, problems: Problem[]): ValidationError {
  const list: FieldViolation[] = problems.map((p) => ({
    field: p.field,
    rule: p.rule,
    value: placeholder(p) ?? p.value,
    message: describeProblem(p),
    ...(p.suggestion ? { suggestion: p.suggestion } : {}),
  }));
  const more = list.length - SHOWN_PROBLEMS;
  const text = list
    .slice(0, SHOWN_PROBLEMS)
    .map((problem) => problem.message)
    .join('; ');
  return new ValidationError(`${provider} ${operation}: ${text}${more > 0 ? `; and ${more} more` : ''}`, list);
}

/** The strings in `value` that its schema (in any branch) or their field's name marks secret. */
export function secretValues(schema: Schema | undefined, value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (schema?.secret) out.push(value);
    return out;
  }
  if (Array.isArray(value)) for (const item of value) secretValues(schema?.items, item, out);
  else if (isRecord(value)) {
    for (const [name, child] of Object.entries(value)) {
      if (isSecretName(name) && typeof child === 'string') out.push(child);
      else secretValues(schema?.properties?.get(name) ?? schema?.additional, child, out);
    }
  }
  for (const branch of [...(schema?.anyOf ?? []), ...(schema?.allOf ?? [])]) secretValues(branch, value, out);
  return out;
}
