import type { JsonObject } from '../json.js';
import { closeRequestObjects } from './closeRequests.js';
import { normalizeCompositionTypes, normalizeOverlappingOneOf } from './compositions.js';
import { optionalDefaultedRequired } from './defaultedRequired.js';
import { addExampleEnumValues } from './exampleEnums.js';
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
  closedRequestObjects: number;
  defaultedRequired: string[];
  exampleEnumValues: string[];
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
  const exampleEnumValues = addExampleEnumValues(doc);
  // Before the examples are checked: an example with a key the closed schema does not name is dropped.
  const closedRequestObjects = closeRequestObjects(doc);
  const defaultedRequired = optionalDefaultedRequired(doc);
  const examples = dropInvalidExamples(doc);
  return {
    doc,
    counts: {
      nullable: nullable.converted,
      nullableFalseDropped: nullable.falseDropped,
      nullEnum,
      compositionTypes,
      overlappingOneOf,
      closedRequestObjects,
      defaultedRequired,
      exampleEnumValues,
      exclusiveBounds,
      examplesChecked: examples.checked,
      examplesDropped: examples.dropped,
      examplesUnchecked: examples.unchecked,
      droppedAt: examples.droppedAt,
    },
  };
}
