import type { JsonPrimitive } from './json.js';
import type { SchemaSummary, SurfaceSummary } from './summary.js';

export interface EnumChange {
  target: string;
  added: JsonPrimitive[];
  removed: JsonPrimitive[];
}

export interface RequiredChange {
  schema: string;
  added: string[];
  removed: string[];
}

export interface SurfaceDiff {
  operationsAdded: string[];
  operationsRemoved: string[];
  schemasAdded: string[];
  schemasRemoved: string[];
  propertiesAdded: string[];
  propertiesRemoved: string[];
  enumChanges: EnumChange[];
  requiredChanges: RequiredChange[];
}

function minus<T>(left: readonly T[], right: readonly T[]): T[] {
  const keys = new Set(right.map((value) => JSON.stringify(value)));
  return left.filter((value) => !keys.has(JSON.stringify(value)));
}

function enumTargets(name: string, summary: SchemaSummary | undefined): Map<string, JsonPrimitive[]> {
  const targets = new Map<string, JsonPrimitive[]>();
  if (summary === undefined) return targets;
  if (summary.enum) targets.set(name, summary.enum);
  for (const [property, values] of Object.entries(summary.propertyEnums ?? {})) targets.set(`${name}.${property}`, values);
  return targets;
}

function diffSchema(name: string, before: SchemaSummary, after: SchemaSummary, into: SurfaceDiff): void {
  into.propertiesAdded.push(...minus(after.properties, before.properties).map((prop) => `${name}.${prop}`));
  into.propertiesRemoved.push(...minus(before.properties, after.properties).map((prop) => `${name}.${prop}`));
  const requiredAdded = minus(after.required, before.required);
  const requiredRemoved = minus(before.required, after.required);
  if (requiredAdded.length > 0 || requiredRemoved.length > 0) {
    into.requiredChanges.push({ schema: name, added: requiredAdded, removed: requiredRemoved });
  }
  const beforeEnums = enumTargets(name, before);
  const afterEnums = enumTargets(name, after);
  const targets = [...new Set([...beforeEnums.keys(), ...afterEnums.keys()])].sort();
  for (const target of targets) {
    const old = beforeEnums.get(target) ?? [];
    const now = afterEnums.get(target) ?? [];
    const added = minus(now, old);
    const removed = minus(old, now);
    if (added.length > 0 || removed.length > 0) into.enumChanges.push({ target, added, removed });
  }
}

export function diffSummaries(before: SurfaceSummary, after: SurfaceSummary): SurfaceDiff {
  const result: SurfaceDiff = {
    operationsAdded: minus(after.operations, before.operations),
    operationsRemoved: minus(before.operations, after.operations),
    schemasAdded: minus(Object.keys(after.schemas), Object.keys(before.schemas)).sort(),
    schemasRemoved: minus(Object.keys(before.schemas), Object.keys(after.schemas)).sort(),
    propertiesAdded: [],
    propertiesRemoved: [],
    enumChanges: [],
    requiredChanges: [],
  };
  for (const name of Object.keys(before.schemas).sort()) {
    const old = before.schemas[name];
    const now = after.schemas[name];
    if (old !== undefined && now !== undefined) diffSchema(name, old, now, result);
  }
  return result;
}

export function isEmptyDiff(diff: SurfaceDiff): boolean {
  return Object.values(diff).every((list: unknown[]) => list.length === 0);
}
