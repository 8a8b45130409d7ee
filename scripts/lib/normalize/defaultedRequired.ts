import { isObject, type JsonObject, type JsonValue } from '../json.js';
import { requestRoots } from './closeRequests.js';
import { resolveSchema } from './pointer.js';

const COMPOSITIONS = ['allOf', 'anyOf', 'oneOf'] as const;

/**
 * A request property that is `required` and has a `default` contradicts itself: the server fills in the default, so a
 * request may leave it out (Together's own create example sends `training_method: {"method": "sft"}`, while
 * `TrainingMethodSFT` requires `train_on_inputs`, default `"auto"`; the real API accepts the example). Such a
 * property (but a union's one-value tag) is dropped from `required` in every schema reachable from a JSON request
 * body (see QUIRKS.md §14).
 * Returns the `Schema.property` names it touched.
 */
export function optionalDefaultedRequired(doc: JsonObject): string[] {
  const touched: string[] = [];
  const seen = new Set<JsonObject>();
  const names = new Map<JsonObject, string>();
  const schemas = isObject(doc['components']) && isObject(doc['components']['schemas']) ? doc['components']['schemas'] : {};
  for (const [name, schema] of Object.entries(schemas)) if (isObject(schema)) names.set(schema, name);
  const walk = (value: JsonValue | undefined): void => {
    if (!isObject(value)) return;
    const schema = resolveSchema(doc, value);
    if (!schema || seen.has(schema)) return;
    seen.add(schema);
    const properties = isObject(schema['properties']) ? schema['properties'] : {};
    const required = schema['required'];
    if (Array.isArray(required)) {
      const kept = required.filter((name) => {
        const property = typeof name === 'string' ? resolveSchema(doc, properties[name]) : undefined;
        // A one-value enum or const is a union's tag, which stays required (the types and the rules tell branches by it).
        const tag =
          isObject(property) && (property['const'] !== undefined || (Array.isArray(property['enum']) && property['enum'].length === 1));
        const defaulted = isObject(property) && property['default'] !== undefined && !tag;
        if (defaulted) touched.push(`${names.get(schema) ?? '(inline)'}.${String(name)}`);
        return !defaulted;
      });
      if (kept.length !== required.length) {
        if (kept.length) schema['required'] = kept;
        else delete schema['required'];
      }
    }
    for (const child of Object.values(properties)) walk(child);
    if (isObject(schema['additionalProperties'])) walk(schema['additionalProperties']);
    const items = schema['items'];
    if (Array.isArray(items)) items.forEach((item) => walk(item));
    else walk(items);
    for (const key of COMPOSITIONS) {
      const list = schema[key];
      if (Array.isArray(list)) list.forEach((member) => walk(member));
    }
  };
  for (const root of requestRoots(doc)) walk(root);
  return touched;
}
