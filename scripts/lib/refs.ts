import { isObject, type JsonObject, type JsonValue } from './json.js';

export interface ComponentRef {
  kind: string;
  name: string;
}

const COMPONENT_PREFIX = '#/components/';

function decodeUriComponentSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function decodePointerToken(token: string): string {
  return decodeUriComponentSafely(token).replace(/~1/g, '/').replace(/~0/g, '~');
}

export function parseComponentRef(ref: string): ComponentRef | undefined {
  if (!ref.startsWith(COMPONENT_PREFIX)) return undefined;
  const tokens = ref.slice(COMPONENT_PREFIX.length).split('/').map(decodePointerToken);
  const [kind, name] = tokens;
  if (kind === undefined || name === undefined) return undefined;
  return { kind, name };
}

function collectSecurityNames(value: JsonValue | undefined, into: ComponentRef[]): void {
  if (!Array.isArray(value)) return;
  for (const requirement of value) {
    if (!isObject(requirement)) continue;
    for (const name of Object.keys(requirement)) into.push({ kind: 'securitySchemes', name });
  }
}

function collectMappingRefs(discriminator: JsonValue | undefined, into: ComponentRef[]): void {
  if (!isObject(discriminator) || !isObject(discriminator['mapping'])) return;
  for (const target of Object.values(discriminator['mapping'])) {
    if (typeof target !== 'string') continue;
    const ref = parseComponentRef(target);
    if (ref) into.push(ref);
  }
}

export function collectRefs(node: JsonValue, into: ComponentRef[] = []): ComponentRef[] {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, into);
    return into;
  }
  if (!isObject(node)) return into;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      const ref = parseComponentRef(value);
      if (ref) into.push(ref);
    } else if (key === 'security') {
      collectSecurityNames(value, into);
    } else if (key === 'discriminator') {
      collectMappingRefs(value, into);
    }
    collectRefs(value, into);
  }
  return into;
}

export function lookupComponent(doc: JsonObject, ref: ComponentRef): JsonValue | undefined {
  const components = doc['components'];
  if (!isObject(components)) return undefined;
  const group = components[ref.kind];
  if (!isObject(group)) return undefined;
  return group[ref.name];
}
