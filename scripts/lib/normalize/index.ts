import type { JsonObject } from '../json.js';
import { closeRequestObjects } from './closeRequests.js';
import { normalizeCompositionTypes, normalizeOverlappingOneOf } from './compositions.js';
import { optionalDefaultedRequired } from './defaultedRequired.js';
import { addExampleEnumValues } from './exampleEnums.js';
import { dropInvalidExamples } from './examples.js';
import { normalizeExclusiveBounds } from './exclusiveBounds.js';
import { normalizeNullable } from './nullable.js';
import { normalizeNullEnum } from './nullEnum.js';
import {
  completeDiscriminatorMappings,
  expandDiscriminatorBases,
  dropExternalRefExtensions,
  encodeMultipartObjects,
  dropUnixtimeFormat,
  stripSchemaPrefix,
  upgradeVersion,
} from './openapi30.js';

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
  /** A 3.0 document read as 3.1 (after its `nullable`s and boolean bounds are rewritten). */
  upgradedFrom30: boolean;
  /** Schemas renamed from `OpenAI.X` to `X`. */
  prefixedNames: number;
  /** `format: unixtime` removed. */
  unixtimeFormats: number;
  /** `x-*` extensions removed because they hold a `$ref` to a file outside the document. */
  externalRefExtensions: number;
  /** Discriminator mapping entries added for a schema that extends the base and is left out. */
  discriminatorMappings: number;
  /** Discriminator bases read as `anyOf` the schemas their mapping names. */
  discriminatorBases: number;
  /** `encoding` declared (deepObject) for object properties of multipart bodies. */
  multipartObjects: number;
}

export function normalizeDocument(doc: JsonObject): { doc: JsonObject; counts: NormalizeCounts } {
  const externalRefExtensions = dropExternalRefExtensions(doc);
  const prefixedNames = stripSchemaPrefix(doc);
  const unixtimeFormats = dropUnixtimeFormat(doc);
  const discriminatorMappings = completeDiscriminatorMappings(doc);
  const discriminatorBases = expandDiscriminatorBases(doc);
  const multipartObjects = encodeMultipartObjects(doc);
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
  const upgradedFrom30 = upgradeVersion(doc);
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
      upgradedFrom30,
      prefixedNames,
      unixtimeFormats,
      externalRefExtensions,
      discriminatorMappings,
      discriminatorBases,
      multipartObjects,
    },
  };
}
