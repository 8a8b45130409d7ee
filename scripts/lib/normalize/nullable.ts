import type { JsonObject, JsonValue } from '../json.js';
import { forEachSchema } from './walk.js';

const NULL_SCHEMA: JsonObject = { type: 'null' };

const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'example',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'externalDocs',
  'discriminator',
]);

function isAnnotation(key: string): boolean {
  return ANNOTATIONS.has(key) || key.startsWith('x-');
}

function addNullToEnum(schema: JsonObject): void {
  const values = schema['enum'];
  if (Array.isArray(values) && !values.includes(null)) values.push(null);
}

function addNullToType(schema: JsonObject, type: JsonValue): void {
  if (typeof type === 'string') schema['type'] = type === 'null' ? type : [type, 'null'];
  else if (Array.isArray(type) && !type.includes('null')) type.push('null');
  addNullToEnum(schema);
}

function isOnlyUnion(schema: JsonObject, keyword: 'anyOf' | 'oneOf'): boolean {
  return Object.keys(schema).every((key) => key === keyword || isAnnotation(key));
}

function wrapInNullUnion(schema: JsonObject): void {
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const members = schema[keyword];
    if (Array.isArray(members) && isOnlyUnion(schema, keyword)) {
      members.push({ ...NULL_SCHEMA });
      return;
    }
  }
  const inner: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (isAnnotation(key)) continue;
    inner[key] = value;
    delete schema[key];
  }
  schema['anyOf'] = [inner, { ...NULL_SCHEMA }];
}

function makeNullable(schema: JsonObject): void {
  const type = schema['type'];
  if (type !== undefined) addNullToType(schema, type);
  else wrapInNullUnion(schema);
}

export interface NullableCounts {
  converted: number;
  falseDropped: number;
}

export function normalizeNullable(doc: JsonObject): NullableCounts {
  const counts: NullableCounts = { converted: 0, falseDropped: 0 };
  forEachSchema(doc, (schema) => {
    if (!('nullable' in schema)) return;
    const nullable = schema['nullable'];
    delete schema['nullable'];
    if (nullable === true) {
      makeNullable(schema);
      counts.converted += 1;
    } else {
      counts.falseDropped += 1;
    }
  });
  return counts;
}
