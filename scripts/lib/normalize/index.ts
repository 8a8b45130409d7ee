import type { JsonObject } from '../json.js';
import { normalizeCompositionTypes, normalizeOverlappingOneOf } from './compositions.js';
import { dropInvalidExamples } from './examples.js';
import { normalizeExclusiveBounds } from './exclusiveBounds.js';
import { normalizeNullable } from './nullable.js';
import { normalizeNullEnum } from './nullEnum.js';

export interface NormalizeCounts {
  nullable: number;
  nullableFalseDropped: number;
  nullEnum: number;
  compositionTypes: number;
  overlappingOneOf: number;
  exclusiveBounds: number;
  examplesChecked: number;
  examplesDropped: number;
  examplesUnchecked: number;
  droppedAt: string[];
}

export function normalizeDocument(doc: JsonObject): { doc: JsonObject; counts: NormalizeCounts } {
  const nullable = normalizeNullable(doc);
  const nullEnum = normalizeNullEnum(doc);
  const exclusiveBounds = normalizeExclusiveBounds(doc);
  const compositionTypes = normalizeCompositionTypes(doc);
  const overlappingOneOf = normalizeOverlappingOneOf(doc);
  const examples = dropInvalidExamples(doc);
  return {
    doc,
    counts: {
      nullable: nullable.converted,
      nullableFalseDropped: nullable.falseDropped,
      nullEnum,
      compositionTypes,
      overlappingOneOf,
      exclusiveBounds,
      examplesChecked: examples.checked,
      examplesDropped: examples.dropped,
      examplesUnchecked: examples.unchecked,
      droppedAt: examples.droppedAt,
    },
  };
}
