import { isObject, type JsonObject, type JsonValue } from './json.js';
import { collectRefs, lookupComponent, type ComponentRef } from './refs.js';
import { inSurface, type Surface } from './surface.js';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const KEPT_TOP_LEVEL = ['openapi', 'info', 'servers', 'security'] as const;

export interface TrimResult {
  doc: JsonObject;
  missingRefs: string[];
}

function refKey(ref: ComponentRef): string {
  return `${ref.kind}\u0000${ref.name}`;
}

function keptPaths(doc: JsonObject, surface: Surface): JsonObject {
  const paths = isObject(doc['paths']) ? doc['paths'] : {};
  const kept: JsonObject = {};
  for (const [route, item] of Object.entries(paths)) {
    if (inSurface(route, surface)) kept[route] = item;
  }
  return kept;
}

function closeOverRefs(doc: JsonObject, roots: JsonValue[]): { used: Set<string>; missing: string[] } {
  const used = new Set<string>();
  const missing: string[] = [];
  const queue: ComponentRef[] = roots.flatMap((root) => collectRefs(root));
  while (queue.length > 0) {
    const ref = queue.pop();
    if (ref === undefined) break;
    const key = refKey(ref);
    if (used.has(key)) continue;
    used.add(key);
    const target = lookupComponent(doc, ref);
    if (target === undefined) {
      missing.push(`#/components/${ref.kind}/${ref.name}`);
      continue;
    }
    queue.push(...collectRefs(target));
  }
  return { used, missing };
}

function keptComponents(doc: JsonObject, used: Set<string>): JsonObject {
  const components = isObject(doc['components']) ? doc['components'] : {};
  const kept: JsonObject = {};
  for (const [kind, group] of Object.entries(components)) {
    if (!isObject(group)) continue;
    const entries = Object.entries(group).filter(([name]) => used.has(refKey({ kind, name })));
    if (entries.length > 0) kept[kind] = Object.fromEntries(entries);
  }
  return kept;
}

function usedTagNames(paths: JsonObject): Set<string> {
  const names = new Set<string>();
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation) || !Array.isArray(operation['tags'])) continue;
      for (const tag of operation['tags']) if (typeof tag === 'string') names.add(tag);
    }
  }
  return names;
}

function keptTags(doc: JsonObject, paths: JsonObject): JsonValue[] {
  const tags = Array.isArray(doc['tags']) ? doc['tags'] : [];
  const used = usedTagNames(paths);
  return tags.filter((tag) => isObject(tag) && typeof tag['name'] === 'string' && used.has(tag['name']));
}

export function trimDocument(doc: JsonObject, surface: Surface): TrimResult {
  const paths = keptPaths(doc, surface);
  const roots: JsonValue[] = [paths];
  if (doc['security'] !== undefined) roots.push({ security: doc['security'] });
  const { used, missing } = closeOverRefs(doc, roots);
  const trimmed: JsonObject = {};
  for (const key of KEPT_TOP_LEVEL) {
    const value = doc[key];
    if (value !== undefined) trimmed[key] = structuredClone(value);
  }
  const tags = keptTags(doc, paths);
  if (tags.length > 0) trimmed['tags'] = structuredClone(tags);
  trimmed['paths'] = structuredClone(paths);
  const components = keptComponents(doc, used);
  if (Object.keys(components).length > 0) trimmed['components'] = structuredClone(components);
  return { doc: trimmed, missingRefs: missing.sort() };
}
