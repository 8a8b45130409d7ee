import type { SchemaObject } from 'openapi-typescript';
import ts from 'typescript';

function isNullable(schema: SchemaObject): boolean {
  const type: unknown = 'type' in schema ? schema.type : undefined;
  if (Array.isArray(type) && type.includes('null')) return true;
  return 'nullable' in schema && schema.nullable === true;
}

export function blobTransform(schema: SchemaObject): ts.TypeNode | undefined {
  if (!('format' in schema) || schema.format !== 'binary') return undefined;
  const blob = ts.factory.createTypeReferenceNode('Blob');
  if (!isNullable(schema)) return blob;
  return ts.factory.createUnionTypeNode([blob, ts.factory.createLiteralTypeNode(ts.factory.createNull())]);
}
