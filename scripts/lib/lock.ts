import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isObject, prettyJson, type JsonObject } from './json.js';
import type { ProviderName } from './providers.js';
import type { SurfaceSummary } from './summary.js';
import { parseSummary } from './summaryParse.js';

export interface Lock {
  url: string;
  sha256: string;
  infoVersion: string;
  pulledAt: string;
  surface: SurfaceSummary;
}

function lockPath(dir: string, provider: ProviderName): string {
  return path.join(dir, `${provider}.lock.json`);
}

export function parseLock(raw: unknown, label: string): Lock {
  if (!isObject(raw)) throw new Error(`${label} is not a JSON object`);
  const { url, sha256, infoVersion, pulledAt, surface } = raw;
  if (typeof url !== 'string' || typeof sha256 !== 'string' || typeof infoVersion !== 'string') {
    throw new Error(`${label} lacks url, sha256 or infoVersion`);
  }
  if (typeof pulledAt !== 'string') throw new Error(`${label} lacks pulledAt`);
  return { url, sha256, infoVersion, pulledAt, surface: parseSummary(surface, `${label}: surface`) };
}

function summaryJson(summary: SurfaceSummary): JsonObject {
  const schemas: JsonObject = {};
  for (const [name, schema] of Object.entries(summary.schemas)) {
    const entry: JsonObject = { properties: schema.properties, required: schema.required };
    if (schema.enum) entry['enum'] = schema.enum;
    if (schema.propertyEnums) entry['propertyEnums'] = schema.propertyEnums;
    schemas[name] = entry;
  }
  return { operations: summary.operations, schemas };
}

export async function readLock(dir: string, provider: ProviderName): Promise<Lock | undefined> {
  const file = lockPath(dir, provider);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  return parseLock(JSON.parse(text), file);
}

export async function writeLock(dir: string, provider: ProviderName, lock: Lock): Promise<void> {
  const body: JsonObject = {
    url: lock.url,
    sha256: lock.sha256,
    infoVersion: lock.infoVersion,
    pulledAt: lock.pulledAt,
    surface: summaryJson(lock.surface),
  };
  await writeFile(lockPath(dir, provider), prettyJson(body));
}
