import type { Middleware } from 'openapi-fetch';
import { ValidationError, type FieldViolation } from './errors.js';
import { isRecord } from './records.js';
import { schemasOf, type Bounds, type Rules, type Schema } from './schemas.js';

/** One broken rule, as `checkValue` finds it (exported for the CLI and the sandbox). */
export interface Problem {
  /** Where: the field's path (`body.hyperparameters.n_epochs`, `body.tags[0]`), `''` for the value itself. */
  field: string;
  /** How deep the field is (the value itself is 0), to tell which branch of a union got furthest. */
  depth: number;
  /** The rule broken: `type integer|null`, `maximum 64`, `enum ["a","b"]`, `required`, `unknown field`. */
  rule: string;
  /** The value: `'[redacted]'` for a secret; an object or array with every secret field in it `'[redacted]'`. */
  value: unknown;
  /** The value is a secret (by the document, in any branch of a union, or by its name): never shown. */
  secret?: true;
  /** For an unknown field, the known one it most likely meant. */
  suggestion?: string;
  /** The broken rule is a one-value enum or const: a union's tag, so another branch was meant. */
  tag?: true;
}

const TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

/** The JSON type bits of a value (an integer is a number too); 0 for what JSON cannot carry. */
const kind = (v: unknown): number =>
  v === null
    ? 64
    : Array.isArray(v)
      ? 32
      : typeof v === 'object'
        ? 16
        : typeof v === 'string'
          ? 1
          : typeof v === 'boolean'
            ? 8
            : Number.isInteger(v)
              ? 6
              : Number.isFinite(v)
                ? 2
                : 0;

/** The bound `v` breaks, if any: on a number its value, on a string its length in code points, on an array its length. */
function brokenBound({ min, max, exclusiveMin, exclusiveMax }: Bounds, v: unknown, k: number): string | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? [...v].length : Array.isArray(v) ? v.length : NaN;
  const of = k & 2 ? 'imum' : k & 1 ? 'Length' : 'Items';
  return min !== undefined && n < min
    ? `min${of} ${min}`
    : max !== undefined && n > max
      ? `max${of} ${max}`
      : exclusiveMin !== undefined && n <= exclusiveMin
        ? `exclusiveMinimum ${exclusiveMin}`
        : exclusiveMax !== undefined && n >= exclusiveMax
          ? `exclusiveMaximum ${exclusiveMax}`
          : undefined;
}

/** Edit distance (insert, delete, substitute, swap), for suggesting the key a typo meant. */
function distance(a: string, b: string): number {
  const rows = [...Array(a.length + 1)].map((_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const up = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** The known key an unknown one most likely meant: same letters (`trainingFile`), one part of it (`epochs`), or a near spelling. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const bare = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const same = known.find((name) => bare(name) === bare(key));
  if (same) return same;
  const part = known.filter((name) => name.split(/[_-]/).includes(key) || key.split(/[_-]/).includes(name));
  if (part.length === 1) return part[0];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const name of known) {
    const d = distance(bare(key), bare(name));
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

/**
 * Every problem of `value` against `schema`, in the order of the value's keys: where (`field`, at `depth`), which
 * rule, which value. A value of the wrong type is not looked into. A union none of whose branches passes reports
 * the problems of the branch the value most nearly fits. `at` is where the value stands (the top, `''` at depth 0,
 * by default). No secret leaves: a field is secret when the document marks it so in any branch of any union on its
 * way (`format: password`, `writeOnly`), or when its name or a name on its way says so (`token`, `api_key`…), and
 * then its value is `'[redacted]'`; an object or array value comes with its secret fields redacted.
 */
export function checkValue(schema: Schema, value: unknown, at: { field: string; depth: number } = { field: '', depth: 0 }): Problem[] {
  const problems = collect(schema, value, at.field, at.depth, []);
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
    /(^|[^a-z0-9])(api|access|secret|private|account|client|auth|service|signing|master|wandb|hf)[^a-z0-9]?key$/.test(
      words,
    ) ||
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

/** A copy of `value` with every field that any of `schemas` (any branch) or its name marks secret as `'[redacted]'`. */
function masked(schemas: readonly Schema[], value: unknown): unknown {
  if (schemas.some((s) => s.secret)) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => masked(schemasAt(schemas, [0]), item));
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, child]) => [name, isSecretName(name) ? REDACTED : masked(schemasAt(schemas, [name]), child)]),
  );
}

function collect(schema: Schema, v: unknown, field: string, depth: number, out: Problem[]): Problem[] {
  const from = out.length;
  const k = kind(v);
  const types = schema.types ?? 127;
  const { values } = schema;
  const broken = !(types & k)
    ? `type ${TYPES.filter((_, bit) => types & (1 << bit) && !(bit === 2 && types & 2)).join('|')}`
    : values && !values.includes(v)
      ? `enum ${JSON.stringify(values)}`
      : schema.bounds && brokenBound(schema.bounds, v, k);
  if (broken)
    out.push(
      values?.length === 1 && broken.startsWith('enum')
        ? { field, depth, rule: broken, value: v, tag: true }
        : { field, depth, rule: broken, value: v },
    );
  else {
    if (Array.isArray(v) && schema.items) {
      for (let n = 0; n < v.length; n++) collect(schema.items, v[n], `${field}[${n}]`, depth + 1, out);
    } else if (isRecord(v)) {
      for (const name in v) {
        const child = schema.properties?.get(name) ?? (schema.closed ? undefined : schema.additional);
        if (v[name] === undefined) continue;
        const at = field ? `${field}.${name}` : name;
        if (child) collect(child, v[name], at, depth + 1, out);
        else if (schema.closed)
          out.push({
            field: at,
            depth: depth + 1,
            rule: 'unknown field',
            value: v[name],
            suggestion: suggestKey(name, [...(schema.properties?.keys() ?? [])]),
          });
      }
      for (const name of schema.required ?? [])
        if (v[name] === undefined)
          out.push({ field: field ? `${field}.${name}` : name, depth: depth + 1, rule: 'required', value: undefined });
    }
    if (schema.anyOf) union(schema.anyOf, v, field, depth, out);
    for (const part of schema.allOf ?? []) collect(part, v, field, depth, out);
  }
  if (schema.secret) for (let n = from; n < out.length; n++) (out[n] as Problem).secret = true;
  return out;
}

/** anyOf / oneOf: nothing when a branch passes; else what the branch the value most nearly fits says is wrong. */
function union(branches: readonly Schema[], v: unknown, field: string, depth: number, out: Problem[]): void {
  const fails: Problem[][] = [];
  for (const branch of branches) {
    const problems = collect(branch, v, field, depth, []);
    if (!problems.length) return;
    fails.push(problems);
  }
  // Which branch was meant: not one whose tag (a field with a one-value enum or const) does not match, when another's
  // does; of the rest, one the value's type fits; of those, the ones that name the most of the value's own keys (a key
  // a branch does not name says another was meant); of those, the ones that got deepest say what is wrong. At one
  // field, a wrong type only means another branch was meant; across fields, a wrong enum/const (a tag) does. Several
  // left at one field are joined with "or".
  const tagged = prefer(fails, (problems) => !problems.some((p) => p.tag && p.depth > depth));
  const typed = prefer(tagged, (problems) => !problems.some((p) => p.depth === depth && p.rule.startsWith('type ')));
  const unknown = (problems: Problem[]): number => problems.filter((p) => p.depth === depth + 1 && p.rule === 'unknown field').length;
  const fewest = Math.min(...typed.map(unknown));
  const candidates = typed.filter((problems) => unknown(problems) === fewest);
  const depthOf = (problems: Problem[]): number => Math.max(...problems.map((p) => p.depth));
  const deepest = Math.max(...candidates.map(depthOf));
  let top = candidates.filter((problems) => depthOf(problems) === deepest);
  const firsts = top.map((problems) => problems.find((p) => p.depth === deepest) as Problem);
  const drop = firsts.every((p) => p.field === firsts[0]?.field) ? 'type' : 'enum';
  const kept = top.filter((_, n) => !(firsts[n] as Problem).rule.startsWith(drop));
  if (kept.length) top = kept;
  const chosen = top[0];
  if (!chosen) return;
  if (top.length === 1) {
    out.push(...chosen);
    return;
  }
  const first = chosen.find((p) => p.depth === deepest) as Problem;
  const rules = top.flatMap((problems) => problems.filter((p) => p.field === first.field).map((p) => p.rule));
  out.push({ ...first, rule: [...new Set(rules)].join(' or ') });
}

/** The branches that pass `test`, or all of them when none does. */
function prefer(fails: Problem[][], test: (problems: Problem[]) => boolean): Problem[][] {
  const kept = fails.filter(test);
  return kept.length ? kept : fails;
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
function validationError(provider: string, operation: string, problems: Problem[]): ValidationError {
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
function secretValues(schema: Schema | undefined, value: unknown, out: string[] = []): string[] {
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

/**
 * An openapi-fetch middleware that checks each request's path and query parameters and JSON body against the
 * provider's rules and throws a `ValidationError` before anything is sent (unless `check` is false). It hands each
 * secret of a JSON body (a W&B key, a Hugging Face token: by the document or by its name) to `secret`, so the client
 * hides it in whatever comes back (a server that echoes the request in its error). An operation without rules costs
 * one lookup.
 */
export function validator(
  provider: string,
  rules: Rules,
  { check = true, secret }: { check?: boolean; secret?: (value: string) => void } = {},
): Middleware {
  const schemas = schemasOf(rules);
  return {
    onRequest({ request, schemaPath, params }) {
      const operation = `${request.method} ${schemaPath}`;
      const schema = schemas.operation(operation);
      const bodySchema = schema?.properties?.get('body');
      const run = (body?: unknown): undefined => {
        if (secret && body !== undefined) for (const value of secretValues(bodySchema, body)) secret(value);
        if (!check || !schema) return;
        const problems = checkValue(schema, { path: params.path ?? {}, query: params.query ?? {}, body });
        if (problems.length) throw validationError(provider, operation, problems);
      };
      // Only JSON bodies are read (multipart uploads are not checked).
      const json = request.body !== null && request.headers.get('content-type')?.includes('json') === true;
      if (json && (secret || bodySchema)) return request.clone().json().then(run);
      if (check && schema && !(bodySchema && request.body)) return run();
    },
  };
}
