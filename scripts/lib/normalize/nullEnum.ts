import type { JsonObject } from '../json.js';
import { forEachSchema } from './walk.js';

export function normalizeNullEnum(doc: JsonObject): number {
  let changed = 0;
  forEachSchema(doc, (schema) => {
    const values = schema['enum'];
    const type = schema['type'];
    if (!Array.isArray(values) || !values.includes(null)) return;
    if (typeof type === 'string' && type !== 'null') {
      schema['type'] = [type, 'null'];
      changed += 1;
    } else if (Array.isArray(type) && !type.includes('null')) {
      type.push('null');
      changed += 1;
    }
  });
  return changed;
}
