import type { JsonObject } from '../json.js';
import { forEachSchema } from './walk.js';

const BOUNDS = [
  { exclusive: 'exclusiveMinimum', inclusive: 'minimum' },
  { exclusive: 'exclusiveMaximum', inclusive: 'maximum' },
] as const;

export function normalizeExclusiveBounds(doc: JsonObject): number {
  let changed = 0;
  forEachSchema(doc, (schema) => {
    for (const { exclusive, inclusive } of BOUNDS) {
      const flag = schema[exclusive];
      if (typeof flag !== 'boolean') continue;
      const bound = schema[inclusive];
      delete schema[exclusive];
      if (flag && typeof bound === 'number') {
        schema[exclusive] = bound;
        delete schema[inclusive];
      }
      changed += 1;
    }
  });
  return changed;
}
