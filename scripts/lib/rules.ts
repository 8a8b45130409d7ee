/**
 * Request rules: each operation's path and query parameters and JSON request body, reduced to the
 * constraints `src/core/validate.ts` checks (type, enum/const, bounds, lengths, item counts, properties,
 * required, additionalProperties, items, anyOf/oneOf, allOf), with repeated schemas shared by name: the
 * component's own name, or for an anonymous schema a name made from its content, so that a change to one schema
 * of the document changes one line of the generated file (and the lines that name it), never the others.
 *
 * Reading of the document: JSON Schema 2020-12 (the trimmed documents are 3.1), as Ajv and Prism read it,
 * except that `oneOf` passes when any branch passes (like `anyOf`), `format` is not checked, and
 * multipart bodies (uploads) are not checked.
 */
import { createHash } from 'node:crypto';
import { isObject, type JsonObject, type JsonValue } from './json.js';
import { header, type Lock } from './lock.js';
import { HTTP_METHODS } from './trim.js';

/** A rule as compiled, before sharing: children are trees, or `{ $: ref }` for a recursive reference. */
interface Tree {
  [key: string]: JsonValue;
}

const TYPE_BITS: Record<string, number> = { string: 1, number: 6, integer: 4, boolean: 8, object: 16, array: 32, null: 64 };
/** Bounds by the kind of value they apply to, as `EncodedRule.b`: `[min, max, exclusiveMin, exclusiveMax]`. */
const BOUNDS = [
  ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
  ['minLength', 'maxLength'],
  ['minItems', 'maxItems'],
];
/** Constraint keywords the runtime does not check; counted in the generated file's header. */
const UNCHECKED = [
  'format',
  'pattern',
  'multipleOf',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'patternProperties',
  'propertyNames',
  'not',
  'if',
  'prefixItems',
  'contains',
  'dependentRequired',
  'dependentSchemas',
  'unevaluatedProperties',
  'unevaluatedItems',
];
/** Field names whose values are never shown in an error (as in src/core/log.ts), besides `writeOnly` / `format: password`. */
const SECRET_NAME = /(^|_)(api_?key|token|secret|password)$/i;

class RulesError extends Error {}

function decode(token: string): string {
  return decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~');
}

class Compiler {
  /** Compiled trees by `$ref`, and the refs being compiled (to spot recursion). */
  private readonly done = new Map<string, Tree | undefined>();
  private readonly open = new Set<string>();
  /** Recursive refs: shared by index whatever their size. */
  readonly recursive = new Map<string, Tree>();
  readonly unchecked = new Map<string, number>();
  /** A component's name by the content of its compiled rule (the first component with that content wins). */
  readonly names = new Map<string, string>();

  constructor(private readonly doc: JsonObject) {}

  resolve(ref: string): JsonValue {
    if (!ref.startsWith('#/')) throw new RulesError(`external $ref "${ref}" is not supported`);
    let node: JsonValue | undefined = this.doc;
    for (const token of ref.slice(2).split('/')) node = isObject(node) ? node[decode(token)] : undefined;
    if (node === undefined) throw new RulesError(`$ref "${ref}" points nowhere`);
    return node;
  }

  /** Follows `$ref`s of non-schema objects (parameters, request bodies). */
  deref(value: JsonValue | undefined): JsonObject {
    let node = value;
    for (let hops = 0; isObject(node) && typeof node['$ref'] === 'string' && hops < 20; hops++) node = this.resolve(node['$ref']);
    return isObject(node) ? node : {};
  }

  private reference(ref: string): Tree | undefined {
    if (this.open.has(ref)) {
      this.recursive.set(ref, {});
      return { $: ref };
    }
    if (!this.done.has(ref)) {
      this.open.add(ref);
      const tree = this.schema(this.resolve(ref));
      this.open.delete(ref);
      this.done.set(ref, tree);
      if (this.recursive.has(ref)) this.recursive.set(ref, tree ?? {});
      else if (tree && !this.names.has(JSON.stringify(tree))) this.names.set(JSON.stringify(tree), componentName(ref));
    }
    return this.recursive.has(ref) ? { $: ref } : this.done.get(ref);
  }

  /** A schema's constraints, or `undefined` when it constrains nothing. */
  schema(schema: JsonValue | undefined): Tree | undefined {
    if (!isObject(schema)) return undefined;
    const tree: Tree = {};
    const all: Tree[] = [];
    for (const keyword of UNCHECKED) {
      if (schema[keyword] !== undefined) this.unchecked.set(keyword, (this.unchecked.get(keyword) ?? 0) + 1);
    }
    const type = schema['type'];
    const types = typeof type === 'string' ? [type] : Array.isArray(type) ? type : [];
    if (types.length) tree['t'] = types.reduce<number>((mask, name) => mask | (typeof name === 'string' ? (TYPE_BITS[name] ?? 0) : 0), 0);
    const values = 'const' in schema ? [schema['const'] ?? null] : Array.isArray(schema['enum']) ? schema['enum'] : undefined;
    // Only primitive enums are kept (the runtime compares with ===); none of the documents has another kind.
    if (values && values.every((value) => !isObject(value) && !Array.isArray(value))) tree['e'] = values;
    for (const keywords of BOUNDS) {
      const b = keywords.map((keyword) => schema[keyword]).map((bound) => (typeof bound === 'number' ? bound : null));
      while (b.length && b[b.length - 1] === null) b.pop();
      // A schema with bounds of two kinds (never seen) keeps the second as a part of its own.
      if (b.length) {
        if (tree['b']) all.push({ b });
        else tree['b'] = b;
      }
    }
    const properties = isObject(schema['properties']) ? schema['properties'] : {};
    const closed = schema['additionalProperties'] === false;
    const props: Tree = {};
    for (const [name, child] of Object.entries(properties)) {
      const rule = this.schema(child);
      const secret = SECRET_NAME.test(name) || isSecret(child);
      if (rule || closed || secret) props[name] = secret ? { ...rule, h: 1 } : (rule ?? {});
    }
    if (Object.keys(props).length) tree['p'] = props;
    const required = schema['required'];
    if (Array.isArray(required) && required.length) tree['r'] = required.filter((name) => typeof name === 'string');
    if (closed) tree['x'] = 1;
    else {
      const extra = this.schema(schema['additionalProperties']);
      if (extra) tree['ap'] = extra;
    }
    const items = this.schema(Array.isArray(schema['items']) ? undefined : schema['items']);
    if (items) tree['i'] = items;
    for (const keyword of ['anyOf', 'oneOf']) {
      const branches = schema[keyword];
      if (!Array.isArray(branches)) continue;
      const union = this.union(branches);
      if (union) all.push(union);
    }
    for (const part of Array.isArray(schema['allOf']) ? schema['allOf'] : []) {
      const rule = this.schema(part);
      if (rule) all.push(rule);
    }
    if (typeof schema['$ref'] === 'string') {
      const rule = this.reference(schema['$ref']);
      if (rule) all.push(rule);
    }
    return merge(tree, all);
  }

  /** anyOf / oneOf: a union, simplified (unions of plain types become one type mask). */
  private union(branches: JsonValue[]): Tree | undefined {
    let rules: Tree[] = [];
    for (const branch of branches) {
      const rule = this.schema(branch);
      if (!rule) return undefined;
      // A union inside a union is the same union.
      if (Object.keys(rule).length === 1 && Array.isArray(rule['u'])) rules.push(...rule['u'].filter(isObject));
      else rules.push(rule);
    }
    // A branch that is only a type swallows the branches that allow nothing beyond that type.
    rules = rules.filter(
      (rule, index) => !rules.some((other, at) => at !== index && swallows(other, rule) && !(swallows(rule, other) && at > index)),
    );
    if (rules.every(isTypeOnly)) return { t: rules.reduce((mask, rule) => mask | Number(rule['t']), 0) };
    return rules.length === 1 ? rules[0] : { u: rules };
  }
}

/** `#/components/schemas/SupervisedHParameters` → `SupervisedHParameters`. */
function componentName(ref: string): string {
  return decode(ref.split('/').pop() ?? ref);
}

const TYPE_NAMES: [bit: number, name: string][] = [
  [1, 'string'],
  [2, 'number'],
  [4, 'integer'],
  [8, 'boolean'],
  [16, 'object'],
  [32, 'array'],
  [64, 'null'],
];

/** A stable name for an anonymous shared rule: its types, and unless that is all it says, a hash of its content. */
function contentName(tree: Tree): string {
  const t = typeof tree['t'] === 'number' ? tree['t'] : 0;
  const types = TYPE_NAMES.filter(([bit]) => t & bit && !(bit === 4 && t & 2))
    .map(([, name]) => name)
    .join('|');
  if (isTypeOnly(tree)) return types;
  const keys = isObject(tree['p']) ? Object.keys(tree['p']) : [];
  const fields = keys.length ? `{${keys.slice(0, 3).join(',')}${keys.length > 3 ? ',…' : ''}}` : '';
  return `${types === 'object' && fields ? '' : types}${fields || (types ? '' : 'any')}~${createHash('sha256').update(JSON.stringify(tree)).digest('hex').slice(0, 6)}`;
}

function isSecret(schema: JsonValue | undefined): boolean {
  if (!isObject(schema)) return false;
  if (schema['writeOnly'] === true || schema['format'] === 'password') return true;
  return ['anyOf', 'oneOf'].some((keyword) => {
    const branches = schema[keyword];
    return Array.isArray(branches) && branches.some(isSecret);
  });
}

function isTypeOnly(rule: Tree): boolean {
  const keys = Object.keys(rule);
  return keys.length === 1 && keys[0] === 't';
}

/** `wide` is only a type and `narrow` allows no type outside it. */
function swallows(wide: Tree, narrow: Tree): boolean {
  const t = narrow['t'];
  return isTypeOnly(wide) && typeof t === 'number' && (t & ~Number(wide['t'])) === 0;
}

/** A schema's own constraints and its parts (unions, allOf members, `$ref`), all of which must pass. */
function merge(tree: Tree, parts: Tree[]): Tree | undefined {
  const rest: Tree[] = [];
  for (const part of parts) {
    const overlap = Object.keys(part).some((key) => key in tree && JSON.stringify(tree[key]) !== JSON.stringify(part[key])) || '$' in part;
    if (overlap) rest.push(part);
    else Object.assign(tree, part);
  }
  if (rest.length) tree['a'] = rest;
  return Object.keys(tree).length ? tree : undefined;
}

/** Every operation's rule over `{ path, query, body }`, keyed `"METHOD /path"`. */
function operations(compiler: Compiler, doc: JsonObject): Map<string, Tree> {
  const result = new Map<string, Tree>();
  const paths = isObject(doc['paths']) ? doc['paths'] : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const groups: Record<'path' | 'query', { props: Tree; required: string[] }> = {
        path: { props: {}, required: [] },
        query: { props: {}, required: [] },
      };
      const parameters = [
        ...(Array.isArray(item['parameters']) ? item['parameters'] : []),
        ...(Array.isArray(operation['parameters']) ? operation['parameters'] : []),
      ];
      for (const raw of parameters) {
        const parameter = compiler.deref(raw);
        const where = parameter['in'];
        const name = parameter['name'];
        if ((where !== 'path' && where !== 'query') || typeof name !== 'string') continue;
        const group = groups[where];
        let rule = compiler.schema(parameter['schema']);
        // A path parameter is never empty: `/jobs/` is another URL (`jobs.retrieve('')` would list or 404).
        if (where === 'path' && !rule?.['b'] && (rule?.['t'] === undefined || Number(rule['t']) & 1)) rule = { ...rule, b: [1] };
        if (rule) group.props[name] = rule;
        if (parameter['required'] === true || where === 'path') group.required.push(name);
      }
      const props: Tree = {};
      const required: string[] = [];
      for (const where of ['path', 'query'] as const) {
        const { props: fields, required: needed } = groups[where];
        const rule: Tree = {};
        if (Object.keys(fields).length) rule['p'] = fields;
        if (needed.length) rule['r'] = needed;
        if (Object.keys(rule).length) props[where] = rule;
      }
      const requestBody = compiler.deref(operation['requestBody']);
      const content = isObject(requestBody['content']) ? requestBody['content'] : {};
      const media = Object.keys(content).find((type) => type === 'application/json' || /^application\/[\w.+-]*json$/.test(type));
      if (media !== undefined) {
        const rule = compiler.schema(compiler.deref(content[media])['schema']);
        if (rule) props['body'] = rule;
        if (requestBody['required'] === true) required.push('body');
      }
      const rule: Tree = {};
      if (Object.keys(props).length) rule['p'] = props;
      if (required.length) rule['r'] = required;
      if (Object.keys(rule).length) result.set(`${method.toUpperCase()} ${path}`, rule);
    }
  }
  return result;
}

/** Children positions of a tree: where a shared index may stand. */
function children(tree: Tree): Tree[] {
  const found: Tree[] = [];
  for (const key of ['p'] as const) {
    const map = tree[key];
    if (isObject(map)) for (const child of Object.values(map)) if (isObject(child)) found.push(child);
  }
  for (const key of ['ap', 'i'] as const) {
    const child = tree[key];
    if (isObject(child)) found.push(child);
  }
  for (const key of ['u', 'a'] as const) {
    const list = tree[key];
    if (Array.isArray(list)) for (const child of list) if (isObject(child)) found.push(child);
  }
  return found;
}

export interface CompiledRules {
  /** The `Rules` data (see src/core/schemas.ts): `s` shared rules by name, `o` rule per operation. */
  rules: { s: JsonObject; o: JsonObject };
  /** Unchecked constraint keywords met, with counts. */
  unchecked: Map<string, number>;
}

/**
 * Compile a trimmed document's request rules. Subtrees that repeat are moved to `s` and referenced by name
 * when that makes the data smaller (largest saving first); recursive schemas always are. A shared rule is named
 * after the component it was compiled from, else after its content (`contentName`), so names do not depend on
 * what else the document holds.
 */
export function compileRules(doc: JsonObject): CompiledRules {
  const compiler = new Compiler(doc);
  const ops = operations(compiler, doc);
  const keyOf = (tree: Tree): string => JSON.stringify(tree);
  /** Shared rules: name by content key, and tree by name. */
  const shared = new Map<string, string>();
  const sharedTrees = new Map<string, Tree>();
  const share = (key: string, name: string, tree: Tree): void => {
    let unique = name;
    for (let n = 2; sharedTrees.has(unique); n++) unique = `${name}~${n}`;
    shared.set(key, unique);
    sharedTrees.set(unique, tree);
  };
  for (const [ref, tree] of compiler.recursive) share(keyOf({ $: ref }), componentName(ref), tree);
  const nameFor = (key: string): string => compiler.names.get(key) ?? contentName(JSON.parse(key) as Tree);
  const emit = (tree: Tree, top: boolean): Tree | string => {
    const name = shared.get(keyOf(tree));
    if (!top && name !== undefined) return name;
    const out: Tree = {};
    for (const [key, value] of Object.entries(tree)) {
      if (key === 'p' && isObject(value))
        out[key] = Object.fromEntries(Object.entries(value).map(([prop, child]) => [prop, isObject(child) ? emit(child, false) : child]));
      else if ((key === 'ap' || key === 'i') && isObject(value)) out[key] = emit(value, false);
      else if ((key === 'u' || key === 'a') && Array.isArray(value))
        out[key] = value.map((child) => (isObject(child) ? emit(child, false) : child));
      else out[key] = value;
    }
    return out;
  };
  for (;;) {
    const counts = new Map<string, { count: number; size: number }>();
    const visit = (tree: Tree, top: boolean): void => {
      const key = keyOf(tree);
      if (!top && shared.has(key)) return;
      if (!top) {
        const seen = counts.get(key);
        if (seen) seen.count++;
        else counts.set(key, { count: 1, size: JSON.stringify(emit(tree, true)).length });
      }
      for (const child of children(tree)) visit(child, false);
    };
    for (const tree of [...ops.values(), ...sharedTrees.values()]) visit(tree, true);
    let best: { key: string; saving: number } | undefined;
    for (const [key, { count, size }] of counts) {
      const reference = nameFor(key).length + 2;
      const saving = (count - 1) * size - count * reference - reference - 2;
      if (count > 1 && saving > 0 && (!best || saving > best.saving || (saving === best.saving && key < best.key))) best = { key, saving };
    }
    if (!best) break;
    share(best.key, nameFor(best.key), JSON.parse(best.key) as Tree);
  }
  const names = [...sharedTrees.keys()].sort();
  const s: JsonObject = {};
  for (const name of names) {
    const tree = sharedTrees.get(name);
    if (tree) s[name] = emit(tree, true);
  }
  const o = Object.fromEntries([...ops].map(([key, tree]) => [key, emit(tree, true)]));
  return { rules: { s, o }, unchecked: compiler.unchecked };
}

/** The text of `generated/<provider>.rules.ts`. */
export function renderRules(doc: JsonObject, lock: Lock): string {
  const { rules, unchecked } = compileRules(doc);
  const notes = [...unchecked].sort(([a], [b]) => a.localeCompare(b)).map(([keyword, count]) => `${keyword} (${count})`);
  const line = (value: JsonValue): string => JSON.stringify(value);
  return [
    header(lock),
    "import type { Rules } from '../src/core/schemas.js';",
    '',
    '/**',
    ' * Request rules (decoded by src/core/schemas.ts), compiled by scripts/lib/rules.ts: per operation, a rule over',
    ' * `{ path, query, body }`. Keys: t type (bits: 1 string, 2 number, 4 integer, 8 boolean, 16 object, 32 array,',
    ' * 64 null), e enum/const, b bounds [min, max, exclusiveMin, exclusiveMax] (minimum/maximum, minLength/maxLength',
    ' * or minItems/maxItems by the value), p properties, r required, x additionalProperties false, ap additionalProperties,',
    " * i items, u anyOf/oneOf, a allOf, h secret. A string stands for the shared rule `s[name]`: a component's",
    ' * name, or for an anonymous rule its types and a hash of its content (names are stable across regenerations).',
    ` * Not checked: ${notes.length ? notes.join(', ') : 'nothing'}; multipart bodies.`,
    ' */',
    'export const rules: Rules = {',
    '  s: {',
    ...Object.entries(rules.s).map(([name, rule]) => `    ${JSON.stringify(name)}: ${line(rule)},`),
    '  },',
    '  o: {',
    ...Object.entries(rules.o).map(([operation, rule]) => `    ${JSON.stringify(operation)}: ${line(rule)},`),
    '  },',
    '};',
    '',
  ].join('\n');
}
