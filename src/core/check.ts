/**
 * The rule checker's first pass: every problem of a value against a named schema, as found (secrets not yet hidden,
 * see `checkValue` in validate.ts). Small and loaded with every client: a request that breaks no rule needs no more.
 */
import { isRecord } from './records.js';
import type { Bounds, Schema } from './schemas.js';

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

/** Every problem of `value` against `schema`, as found: values as given (`checkValue` hides the secrets). */
export function findProblems(schema: Schema, value: unknown, at: { field: string; depth: number } = { field: '', depth: 0 }): Problem[] {
  return collect(schema, value, at.field, at.depth, []);
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
