import { isObject, type JsonPrimitive, type JsonValue } from './json.js';
import type { SchemaSummary, SurfaceSummary } from './summary.js';

function isPrimitive(value: JsonValue): value is JsonPrimitive {
  return value === null || typeof value !== 'object';
}

function strings(value: JsonValue | undefined, label: string): string[] {
  if (!Array.isArray(value)) throw new Error(`${label} must be a list`);
  return value.map((item) => {
    if (typeof item !== 'string') throw new Error(`${label} must hold strings`);
    return item;
  });
}

function primitives(value: JsonValue | undefined, label: string): JsonPrimitive[] {
  if (!Array.isArray(value) || !value.every(isPrimitive)) throw new Error(`${label} must be a list of scalars`);
  return value.filter(isPrimitive);
}

function parseSchemaSummary(value: JsonValue | undefined, label: string): SchemaSummary {
  if (!isObject(value)) throw new Error(`${label} must be an object`);
  const summary: SchemaSummary = {
    properties: strings(value['properties'], `${label}.properties`),
    required: strings(value['required'], `${label}.required`),
  };
  if (value['enum'] !== undefined) summary.enum = primitives(value['enum'], `${label}.enum`);
  const propertyEnums = value['propertyEnums'];
  if (propertyEnums !== undefined) {
    if (!isObject(propertyEnums)) throw new Error(`${label}.propertyEnums must be an object`);
    summary.propertyEnums = Object.fromEntries(
      Object.entries(propertyEnums).map(([name, values]) => [name, primitives(values, `${label}.propertyEnums.${name}`)]),
    );
  }
  return summary;
}

export function parseSummary(value: JsonValue | undefined, label: string): SurfaceSummary {
  if (!isObject(value)) throw new Error(`${label} must be an object`);
  const schemas = value['schemas'];
  if (!isObject(schemas)) throw new Error(`${label}.schemas must be an object`);
  return {
    operations: strings(value['operations'], `${label}.operations`),
    schemas: Object.fromEntries(
      Object.entries(schemas).map(([name, schema]) => [name, parseSchemaSummary(schema, `${label}.schemas.${name}`)]),
    ),
  };
}
