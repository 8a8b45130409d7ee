import { isObject, type JsonObject, type JsonValue } from '../json.js';
import { HTTP_METHODS } from '../trim.js';
import { childPointer } from './pointer.js';

export type SchemaVisitor = (schema: JsonObject, pointer: string) => void;

type ExampleSiteKind = 'schema' | 'media' | 'parameter';

export interface ExampleSite {
  kind: ExampleSiteKind;
  holder: JsonObject;
  schemaPointer: string;
  pointer: string;
}

const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'] as const;
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
const SCHEMA_SINGLES = [
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
] as const;

function walkSchema(schema: JsonValue | undefined, pointer: string, visit: SchemaVisitor): void {
  if (!isObject(schema)) return;
  visit(schema, pointer);
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (!isObject(map)) continue;
    for (const [name, child] of Object.entries(map)) walkSchema(child, childPointer(pointer, key, name), visit);
  }
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((child, index) => walkSchema(child, childPointer(pointer, key, index), visit));
  }
  for (const key of SCHEMA_SINGLES) walkSchema(schema[key], childPointer(pointer, key), visit);
  const items = schema['items'];
  if (Array.isArray(items)) items.forEach((child, index) => walkSchema(child, childPointer(pointer, 'items', index), visit));
  else walkSchema(items, childPointer(pointer, 'items'), visit);
}

interface HolderVisitor {
  schema: SchemaVisitor;
  media: (media: JsonObject, pointer: string) => void;
  parameter: (parameter: JsonObject, pointer: string) => void;
}

function walkContent(content: JsonValue | undefined, pointer: string, visitor: HolderVisitor): void {
  if (!isObject(content)) return;
  for (const [mediaType, media] of Object.entries(content)) {
    if (!isObject(media)) continue;
    const mediaPointer = childPointer(pointer, mediaType);
    visitor.media(media, mediaPointer);
    walkSchema(media['schema'], childPointer(mediaPointer, 'schema'), visitor.schema);
  }
}

function walkHeaders(headers: JsonValue | undefined, pointer: string, visitor: HolderVisitor): void {
  if (!isObject(headers)) return;
  for (const [name, header] of Object.entries(headers)) walkParameter(header, childPointer(pointer, name), visitor);
}

function walkParameter(parameter: JsonValue | undefined, pointer: string, visitor: HolderVisitor): void {
  if (!isObject(parameter) || parameter['$ref'] !== undefined) return;
  visitor.parameter(parameter, pointer);
  walkSchema(parameter['schema'], childPointer(pointer, 'schema'), visitor.schema);
  walkContent(parameter['content'], childPointer(pointer, 'content'), visitor);
}

function walkBody(body: JsonValue | undefined, pointer: string, visitor: HolderVisitor): void {
  if (!isObject(body) || body['$ref'] !== undefined) return;
  walkContent(body['content'], childPointer(pointer, 'content'), visitor);
  walkHeaders(body['headers'], childPointer(pointer, 'headers'), visitor);
}

function walkParameters(list: JsonValue | undefined, pointer: string, visitor: HolderVisitor): void {
  if (Array.isArray(list)) list.forEach((item, index) => walkParameter(item, childPointer(pointer, index), visitor));
}

function walkOperation(operation: JsonObject, pointer: string, visitor: HolderVisitor): void {
  walkParameters(operation['parameters'], childPointer(pointer, 'parameters'), visitor);
  walkBody(operation['requestBody'], childPointer(pointer, 'requestBody'), visitor);
  const responses = operation['responses'];
  if (!isObject(responses)) return;
  for (const [status, response] of Object.entries(responses)) walkBody(response, childPointer(pointer, 'responses', status), visitor);
}

function walkPaths(paths: JsonValue | undefined, visitor: HolderVisitor): void {
  if (!isObject(paths)) return;
  for (const [route, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const itemPointer = childPointer('', 'paths', route);
    walkParameters(item['parameters'], childPointer(itemPointer, 'parameters'), visitor);
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (isObject(operation)) walkOperation(operation, childPointer(itemPointer, method), visitor);
    }
  }
}

function walkComponents(components: JsonValue | undefined, visitor: HolderVisitor): void {
  if (!isObject(components)) return;
  const group = (kind: string): [string, JsonValue][] => {
    const value = components[kind];
    return isObject(value) ? Object.entries(value) : [];
  };
  const base = childPointer('', 'components');
  for (const [name, schema] of group('schemas')) walkSchema(schema, childPointer(base, 'schemas', name), visitor.schema);
  for (const [name, parameter] of group('parameters')) walkParameter(parameter, childPointer(base, 'parameters', name), visitor);
  for (const [name, header] of group('headers')) walkParameter(header, childPointer(base, 'headers', name), visitor);
  for (const [name, body] of group('requestBodies')) walkBody(body, childPointer(base, 'requestBodies', name), visitor);
  for (const [name, response] of group('responses')) walkBody(response, childPointer(base, 'responses', name), visitor);
}

function walkDocument(doc: JsonObject, visitor: HolderVisitor): void {
  walkPaths(doc['paths'], visitor);
  walkComponents(doc['components'], visitor);
}

export function forEachSchema(doc: JsonObject, visit: SchemaVisitor): void {
  walkDocument(doc, { schema: visit, media: () => undefined, parameter: () => undefined });
}

export function exampleSites(doc: JsonObject): ExampleSite[] {
  const sites: ExampleSite[] = [];
  const hasExamples = (holder: JsonObject): boolean => holder['example'] !== undefined || holder['examples'] !== undefined;
  walkDocument(doc, {
    schema: (schema, pointer) => {
      if (hasExamples(schema)) sites.push({ kind: 'schema', holder: schema, schemaPointer: pointer, pointer });
    },
    media: (media, pointer) => {
      if (hasExamples(media)) sites.push({ kind: 'media', holder: media, schemaPointer: childPointer(pointer, 'schema'), pointer });
    },
    parameter: (parameter, pointer) => {
      if (hasExamples(parameter)) {
        sites.push({ kind: 'parameter', holder: parameter, schemaPointer: childPointer(pointer, 'schema'), pointer });
      }
    },
  });
  return sites;
}
