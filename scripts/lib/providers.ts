import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isObject } from './json.js';
import type { Surface } from './surface.js';

export const PROVIDERS = ['nebius', 'together', 'openai', 'azure'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** One reviewed correction of the trimmed document, where a document contradicts itself (see openapi/QUIRKS.md). */
export interface DocumentFix {
  /** JSON pointer of the keyword to remove, in the trimmed document. */
  remove: string;
  /** Why, in a sentence that cites the document's own words. */
  why: string;
}

export interface SourceConfig {
  provider: ProviderName;
  /** Corrections applied after the normalization; a pointer that no longer resolves stops the pull. */
  fixes: DocumentFix[];
  url: string;
  mirrorFile: string;
  format: 'json' | 'yaml';
  surface: Surface;
  defaultServer: string;
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SOURCE_DIR = path.join(REPO_ROOT, 'openapi');

export function isProviderName(value: string): value is ProviderName {
  return (PROVIDERS as readonly string[]).includes(value);
}

function stringList(value: unknown, label: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(`${label} must be a list of strings`);
  }
  return value;
}

function requireString(record: Record<string, unknown>, key: string, label: string): string {
  const value = record[key];
  if (typeof value !== 'string' || value === '') throw new Error(`${label}.${key} must be a non-empty string`);
  return value;
}

function parseSourceConfig(raw: unknown, label: string): SourceConfig {
  if (!isObject(raw)) throw new Error(`${label} must be a JSON object`);
  const provider = requireString(raw, 'provider', label);
  if (!isProviderName(provider)) throw new Error(`${label}.provider is not a known provider: ${provider}`);
  const format = requireString(raw, 'format', label);
  if (format !== 'json' && format !== 'yaml') throw new Error(`${label}.format must be "json" or "yaml"`);
  const surface = raw['surface'];
  if (!isObject(surface)) throw new Error(`${label}.surface must be an object`);
  const fixes = raw['fixes'] ?? [];
  if (
    !Array.isArray(fixes) ||
    !fixes.every((fix) => isObject(fix) && typeof fix['remove'] === 'string' && typeof fix['why'] === 'string')
  ) {
    throw new Error(`${label}.fixes must be a list of { "remove": "<JSON pointer>", "why": "…" }`);
  }
  return {
    provider,
    fixes: fixes.map((fix) => ({ remove: String(isObject(fix) ? fix['remove'] : ''), why: String(isObject(fix) ? fix['why'] : '') })),
    url: requireString(raw, 'url', label),
    mirrorFile: requireString(raw, 'mirrorFile', label),
    format,
    surface: {
      include: stringList(surface['include'], `${label}.surface.include`),
      exclude: stringList(surface['exclude'] ?? [], `${label}.surface.exclude`),
    },
    defaultServer: requireString(raw, 'defaultServer', label),
  };
}

export async function loadSourceConfig(provider: ProviderName): Promise<SourceConfig> {
  const file = path.join(SOURCE_DIR, `${provider}.source.json`);
  const text = await readFile(file, 'utf8');
  return parseSourceConfig(JSON.parse(text), `openapi/${provider}.source.json`);
}
