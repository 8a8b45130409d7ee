import { isObject, type JsonObject, type JsonPrimitive, type JsonValue } from './json.js';
import { HTTP_METHODS } from './trim.js';

export interface SchemaSummary {
  properties: string[];
  required: string[];
  enum?: JsonPrimitive[];
  propertyEnums?: Record<string, JsonPrimitive[]>;
}

export interface SurfaceSummary {
  operations: string[];
  schemas: Record<string, SchemaSummary>;
}

const MAX_DEPTH = 4;
const COMPOSITIONS = ['allOf', 'anyOf', 'oneOf'] as const;

function isPrimitive(value: JsonValue): value is JsonPrimitive {
  return value === null || typeof value !== 'object';
}

function operationsOf(doc: JsonObject): string[] {
  const paths = isObject(doc['paths']) ? doc['paths'] : {};
  const operations: string[] = [];
  for (const [route, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      if (isObject(item[method])) operations.push(`${method.toUpperCase()} ${route}`);
    }
  }
  return operations.sort();
}

function inlineMembers(schema: JsonObject): JsonObject[] {
  const members: JsonObject[] = [];
  for (const keyword of COMPOSITIONS) {
    const list = schema[keyword];
    if (!Array.isArray(list)) continue;
    for (const member of list) if (isObject(member) && member['$ref'] === undefined) members.push(member);
  }
  return members;
}

function ownProperties(schema: JsonObject): Map<string, JsonValue> {
  const found = new Map<string, JsonValue>();
  const direct = schema['properties'];
  if (isObject(direct)) for (const [name, value] of Object.entries(direct)) found.set(name, value);
  const allOf = schema['allOf'];
  if (Array.isArray(allOf)) {
    for (const member of allOf) {
      if (!isObject(member) || member['$ref'] !== undefined) continue;
      for (const [name, value] of ownProperties(member)) if (!found.has(name)) found.set(name, value);
    }
  }
  return found;
}

function ownRequired(schema: JsonObject): string[] {
  const names = new Set<string>();
  const list = schema['required'];
  if (Array.isArray(list)) for (const name of list) if (typeof name === 'string') names.add(name);
  const allOf = schema['allOf'];
  if (Array.isArray(allOf)) {
    for (const member of allOf) {
      if (isObject(member) && member['$ref'] === undefined) for (const name of ownRequired(member)) names.add(name);
    }
  }
  return [...names].sort();
}

function directEnum(schema: JsonObject): JsonPrimitive[] | undefined {
  const values: JsonPrimitive[] = [];
  const own = schema['enum'];
  if (Array.isArray(own)) values.push(...own.filter(isPrimitive));
  for (const member of inlineMembers(schema)) {
    const nested = directEnum(member);
    if (nested) values.push(...nested);
  }
  const items = schema['items'];
  if (isObject(items) && items['$ref'] === undefined) {
    const nested = directEnum(items);
    if (nested) values.push(...nested);
  }
  return values.length > 0 ? values : undefined;
}

function collectPropertyEnums(schema: JsonObject, prefix: string, depth: number, into: Record<string, JsonPrimitive[]>): void {
  if (depth > MAX_DEPTH) return;
  for (const [name, value] of ownProperties(schema)) {
    if (!isObject(value) || value['$ref'] !== undefined) continue;
    const label = prefix === '' ? name : `${prefix}.${name}`;
    const values = directEnum(value);
    if (values) into[label] = values;
    collectPropertyEnums(value, label, depth + 1, into);
    const items = value['items'];
    if (isObject(items) && items['$ref'] === undefined) collectPropertyEnums(items, `${label}[]`, depth + 1, into);
    for (const member of inlineMembers(value)) collectPropertyEnums(member, label, depth + 1, into);
  }
}

function summarizeSchema(schema: JsonValue): SchemaSummary {
  if (!isObject(schema)) return { properties: [], required: [] };
  const summary: SchemaSummary = {
    properties: [...ownProperties(schema).keys()].sort(),
    required: ownRequired(schema),
  };
  const values = directEnum(schema);
  if (values) summary.enum = values;
  const propertyEnums: Record<string, JsonPrimitive[]> = {};
  collectPropertyEnums(schema, '', 0, propertyEnums);
  if (Object.keys(propertyEnums).length > 0) summary.propertyEnums = propertyEnums;
  return summary;
}

export function summarize(doc: JsonObject): SurfaceSummary {
  const components = isObject(doc['components']) ? doc['components'] : {};
  const schemas = isObject(components['schemas']) ? components['schemas'] : {};
  const summaries: Record<string, SchemaSummary> = {};
  for (const name of Object.keys(schemas).sort()) {
    const schema = schemas[name];
    if (schema !== undefined) summaries[name] = summarizeSchema(schema);
  }
  return { operations: operationsOf(doc), schemas: summaries };
}
