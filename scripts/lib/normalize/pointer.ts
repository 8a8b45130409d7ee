import { isObject, type JsonObject, type JsonValue } from '../json.js';
import { HTTP_METHODS } from '../trim.js';

function pointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function childPointer(pointer: string, ...tokens: (string | number)[]): string {
  return tokens.reduce<string>((acc, token) => `${acc}/${pointerToken(String(token))}`, pointer);
}

/** A schema with its `$ref`s followed (local ones, `#/…`), or `undefined` when it is not an object or points nowhere. */
export function resolveSchema(doc: JsonObject, value: JsonValue | undefined): JsonObject | undefined {
  let node = value;
  for (let hops = 0; isObject(node) && typeof node['$ref'] === 'string' && hops < 20; hops++) {
    let target: JsonValue | undefined = doc;
    for (const part of node['$ref'].replace(/^#\//, '').split('/'))
      target = isObject(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    node = target;
  }
  return isObject(node) ? node : undefined;
}

/** Every operation object of the document (each method of each path item). */
export function operationsOf(doc: JsonObject): JsonObject[] {
  const found: JsonObject[] = [];
  const paths = isObject(doc['paths']) ? doc['paths'] : {};
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (isObject(operation)) found.push(operation);
    }
  }
  return found;
}
