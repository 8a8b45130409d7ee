import { describe, expect, it } from 'vitest';
import { schemasOf, type Rules, type Schema } from '../../src/core/schemas.js';
import { checkValue } from '../../src/core/validate.js';

// Every key of the encoding, shared rules that refer to themselves (Node.next) and to each other (Node.leaf →
// Leaf, Leaf's union → Node), and an operation that refers to both.
const rules: Rules = {
  s: {
    Node: { t: 16, p: { value: { t: 4, b: [0, 9] }, next: 'Node', leaf: 'Leaf' }, r: ['value'], x: 1 },
    Leaf: { t: 97, e: ['a', 'b'], b: [null, 3, null, 5], u: ['Node', { t: 64 }], h: 1 },
  },
  o: {
    'POST /things': {
      p: {
        body: {
          t: 16,
          p: { node: 'Node', tags: { t: 32, i: 'Leaf', b: [1, 4, 0] }, both: { a: ['Leaf', { t: 1 }] } },
          ap: { t: 8 },
        },
      },
      r: ['body'],
    },
    'GET /missing': { p: { query: 'Missing' } },
  },
};

/** A schema's fields, with each schema it holds named (by identity), so that a recursive one can be compared. */
function shape(schema: Schema | undefined, names: Map<Schema, string>): unknown {
  if (schema === undefined) return undefined;
  const name = (child: Schema): string => names.get(child) ?? 'unnamed';
  return {
    types: schema.types,
    values: schema.values,
    bounds: schema.bounds,
    properties: schema.properties && Object.fromEntries([...schema.properties].map(([key, child]) => [key, name(child)])),
    required: schema.required,
    closed: schema.closed,
    additional: schema.additional && name(schema.additional),
    items: schema.items && name(schema.items),
    anyOf: schema.anyOf?.map(name),
    allOf: schema.allOf?.map(name),
    secret: schema.secret,
  };
}

const none = {
  types: undefined,
  values: undefined,
  bounds: undefined,
  properties: undefined,
  required: undefined,
  closed: false,
  additional: undefined,
  items: undefined,
  anyOf: undefined,
  allOf: undefined,
  secret: false,
};

describe('schemasOf', () => {
  const request = schemasOf(rules).operation('POST /things');
  const body = request?.properties?.get('body');
  const node = body?.properties?.get('node');
  const leaf = node?.properties?.get('leaf');
  const tags = body?.properties?.get('tags');
  const both = body?.properties?.get('both');
  const names = new Map<Schema, string>();
  for (const [schema, name] of [
    [request, 'request'],
    [body, 'body'],
    [node, 'Node'],
    [leaf, 'Leaf'],
    [tags, 'tags'],
    [both, 'both'],
  ] as const) {
    if (schema) names.set(schema, name);
  }

  it('decodes every key into its named field', () => {
    expect(shape(request, names)).toStrictEqual({ ...none, properties: { body: 'body' }, required: ['body'] });
    expect(shape(body, names)).toStrictEqual({
      ...none,
      types: 16,
      properties: { node: 'Node', tags: 'tags', both: 'both' },
      additional: 'unnamed',
    });
    expect(shape(body?.additional, names)).toStrictEqual({ ...none, types: 8 });
    expect(shape(node, names)).toStrictEqual({
      ...none,
      types: 16,
      properties: { value: 'unnamed', next: 'Node', leaf: 'Leaf' },
      required: ['value'],
      closed: true,
    });
    expect(shape(node?.properties?.get('value'), names)).toStrictEqual({
      ...none,
      types: 4,
      bounds: { min: 0, max: 9, exclusiveMin: undefined, exclusiveMax: undefined },
    });
    expect(shape(leaf, names)).toStrictEqual({
      ...none,
      types: 97,
      values: ['a', 'b'],
      bounds: { min: undefined, max: 3, exclusiveMin: undefined, exclusiveMax: 5 },
      anyOf: ['Node', 'unnamed'],
      secret: true,
    });
    expect(shape(leaf?.anyOf?.[1], names)).toStrictEqual({ ...none, types: 64 });
    expect(shape(tags, names)).toStrictEqual({
      ...none,
      types: 32,
      bounds: { min: 1, max: 4, exclusiveMin: 0, exclusiveMax: undefined },
      items: 'Leaf',
    });
    expect(shape(both, names)).toStrictEqual({ ...none, allOf: ['Leaf', 'unnamed'] });
    expect(shape(both?.allOf?.[1], names)).toStrictEqual({ ...none, types: 1 });
  });

  it('decodes a shared rule once: each reference to it, recursive or not, is the same schema', () => {
    expect(node?.properties?.get('next')).toBe(node);
    expect(leaf?.anyOf?.[0]).toBe(node);
    expect(tags?.items).toBe(leaf);
    expect(both?.allOf?.[0]).toBe(leaf);
  });

  it('decodes each rules object once, and an operation when asked for', () => {
    expect(schemasOf(rules).operation('POST /things')).toBe(request);
    expect(schemasOf({ s: rules.s, o: rules.o }).operation('POST /things')).not.toBe(request);
    expect(schemasOf(rules).operation('DELETE /things')).toBeUndefined();
  });

  it('reads the name of a shared rule the rules do not hold as a schema that allows anything', () => {
    const query = schemasOf(rules).operation('GET /missing')?.properties?.get('query');
    expect(shape(query, names)).toStrictEqual(none);
    expect(query && checkValue(query, [1, 'x'])).toEqual([]);
  });

  it('checks by the decoded fields: the recursion, the secret, a closed object', () => {
    expect(body && checkValue(body, { node: { value: 1, next: { value: 10 } } })).toEqual([
      { field: 'node.next.value', depth: 3, rule: 'maximum 9', value: 10 },
    ]);
    expect(body && checkValue(body, { tags: ['abcd'] }, { field: 'body', depth: 1 })).toEqual([
      { field: 'body.tags[0]', depth: 3, rule: 'enum ["a","b"]', value: '[redacted]', secret: true },
    ]);
    // A field named like a member of Object.prototype is a field like any other.
    expect(node && checkValue(node, { value: 1, constructor: 1 })).toEqual([
      { field: 'constructor', depth: 1, rule: 'unknown field', value: 1, suggestion: undefined },
    ]);
  });
});
