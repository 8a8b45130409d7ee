import { isObject, type JsonObject, type JsonValue } from '../json.js';
import { operationsOf, resolveSchema } from './pointer.js';

const COMPOSITIONS = ['allOf', 'anyOf', 'oneOf'] as const;

/** The JSON request-body schemas of every operation. */
export function requestRoots(doc: JsonObject): JsonValue[] {
  const roots: JsonValue[] = [];
  for (const operation of operationsOf(doc)) {
    const body = resolveSchema(doc, operation['requestBody']);
    const content = isObject(body) && isObject(body['content']) ? body['content'] : {};
    for (const [type, media] of Object.entries(content)) {
      if (/json/.test(type) && isObject(media) && media['schema'] !== undefined) roots.push(media['schema']);
    }
  }
  return roots;
}

/**
 * Request objects that name their properties but allow any other key (`additionalProperties` absent or `true`)
 * are closed (`additionalProperties: false`), so that a misspelled key (`epochs` for `n_epochs`) is refused by
 * tunekit's validation, by Prism and by the types, instead of being ignored by the server. Left open: maps (no
 * `properties`), objects combined with `allOf`/`anyOf`/`oneOf` (their members add properties), and any schema
 * that is itself a member of an `allOf`. Applies to every schema reachable from a JSON request body, components
 * included (a component shared with responses is closed there too; responses are never validated by tunekit).
 */
export function closeRequestObjects(doc: JsonObject): number {
  const candidates = new Set<JsonObject>();
  const keepOpen = new Set<JsonObject>();
  const seen = new Set<JsonObject>();
  const walk = (value: JsonValue | undefined, inAllOf: boolean): void => {
    if (!isObject(value)) return;
    const schema = resolveSchema(doc, value);
    if (!schema) return;
    if (inAllOf) keepOpen.add(schema);
    if (seen.has(schema)) return;
    seen.add(schema);
    const composed = COMPOSITIONS.some((key) => Array.isArray(schema[key]));
    const extra = schema['additionalProperties'];
    if (
      isObject(schema['properties']) &&
      !composed &&
      (extra === undefined || extra === true) &&
      schema['patternProperties'] === undefined &&
      schema['unevaluatedProperties'] === undefined
    ) {
      candidates.add(schema);
    }
    if (isObject(schema['properties'])) for (const child of Object.values(schema['properties'])) walk(child, false);
    if (isObject(extra)) walk(extra, false);
    const items = schema['items'];
    if (Array.isArray(items)) items.forEach((item) => walk(item, false));
    else walk(items, false);
    for (const key of COMPOSITIONS) {
      const list = schema[key];
      if (Array.isArray(list)) for (const member of list) walk(member, key === 'allOf');
    }
  };
  for (const root of requestRoots(doc)) walk(root, false);
  let closed = 0;
  for (const schema of candidates) {
    if (keepOpen.has(schema)) continue;
    schema['additionalProperties'] = false;
    closed += 1;
  }
  return closed;
}
