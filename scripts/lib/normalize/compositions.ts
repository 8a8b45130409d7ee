import { isObject, type JsonObject, type JsonValue } from '../json.js';
import { resolveSchema } from './pointer.js';
import { forEachSchema } from './walk.js';

function branchTyped(branch: JsonValue): boolean {
  return isObject(branch) && (branch['$ref'] !== undefined || branch['type'] !== undefined || branch['enum'] !== undefined);
}

/**
 * A `type` beside a `oneOf`/`anyOf` whose branches carry their own types: the branches are the intent
 * (Together: `type: boolean` beside `oneOf [boolean, "auto"]` with default "auto"; `type: [object, null]` beside
 * `anyOf [Full, LoRA]`). Drop the sibling type; when it allowed null, null becomes a branch.
 */
export function normalizeCompositionTypes(doc: JsonObject): number {
  let changed = 0;
  forEachSchema(doc, (schema) => {
    const key = Array.isArray(schema['oneOf']) ? 'oneOf' : Array.isArray(schema['anyOf']) ? 'anyOf' : undefined;
    const type = schema['type'];
    if (key === undefined || type === undefined) return;
    const branches = schema[key];
    if (!Array.isArray(branches) || !branches.every(branchTyped)) return;
    const types = Array.isArray(type) ? type : [type];
    if (
      types.length === 1 &&
      types[0] === 'object' &&
      branches.every((b) => isObject(b) && (b['$ref'] !== undefined || b['type'] === 'object'))
    ) {
      return; // consistent already, and openapi-typescript renders it well
    }
    delete schema['type'];
    if (types.includes('null') && !branches.some((b) => isObject(b) && b['type'] === 'null')) branches.push({ type: 'null' });
    changed += 1;
  });
  return changed;
}

function matchesAnyObject(schema: JsonObject): boolean {
  const required = schema['required'];
  return schema['type'] === 'object' && (!Array.isArray(required) || required.length === 0) && schema['additionalProperties'] !== false;
}

/**
 * A `oneOf` (no discriminator) where one object branch requires nothing: every object valid for another branch
 * is valid for it too, so "exactly one" can never hold (Together: Linear vs Cosine scheduler args). It is an `anyOf`.
 */
export function normalizeOverlappingOneOf(doc: JsonObject): number {
  let changed = 0;
  forEachSchema(doc, (schema) => {
    const branches = schema['oneOf'];
    if (!Array.isArray(branches) || branches.length < 2 || schema['discriminator'] !== undefined) return;
    const resolved = branches.map((branch) => resolveSchema(doc, branch));
    if (!resolved.every((b) => b?.['type'] === 'object') || !resolved.some((b) => b !== undefined && matchesAnyObject(b))) return;
    schema['anyOf'] = branches;
    delete schema['oneOf'];
    changed += 1;
  });
  return changed;
}
