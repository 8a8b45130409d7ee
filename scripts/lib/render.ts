import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import type { JsonObject } from './json.js';
import { header, type Lock } from './lock.js';
import { blobTransform } from './blobTransform.js';

export async function renderTypes(doc: JsonObject, lock: Lock): Promise<string> {
  // The trimmed document is plain JSON produced by scripts/pull.ts; openapi-typescript validates its shape.
  const source = doc as unknown as OpenAPI3;
  const ast = await openapiTS(source, {
    defaultNonNullable: false,
    // `type: object` with no properties is any object (JSON Schema), not `Record<string, never>`.
    emptyObjectsUnknown: true,
    transform: blobTransform,
    silent: true,
  });
  return `${header(lock)}\n${astToString(ast)}`;
}
