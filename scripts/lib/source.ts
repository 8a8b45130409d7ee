import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isObject, type JsonObject } from './json.js';
import type { SourceConfig } from './providers.js';

export interface FetchedSource {
  origin: string;
  bytes: Buffer;
  sha256: string;
  doc: JsonObject;
}

export class SourceError extends Error {}

const MIRROR_HINT = 'use --mirror DIR or TUNEKIT_SPEC_MIRROR=DIR to read a local copy';

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

async function readMirror(config: SourceConfig, mirrorDir: string): Promise<{ origin: string; bytes: Buffer }> {
  const origin = path.join(mirrorDir, config.mirrorFile);
  try {
    return { origin, bytes: await readFile(origin) };
  } catch (error) {
    throw new SourceError(
      `${config.provider}: cannot read mirror file ${origin} (${describe(error)}); check --mirror DIR / TUNEKIT_SPEC_MIRROR`,
    );
  }
}

async function fetchUpstream(config: SourceConfig): Promise<{ origin: string; bytes: Buffer }> {
  const origin = config.url;
  let response: Response;
  try {
    response = await fetch(origin, { signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new SourceError(`${config.provider}: cannot reach ${origin} (${describe(error)}); ${MIRROR_HINT}`);
  }
  if (!response.ok) {
    throw new SourceError(`${config.provider}: ${origin} answered HTTP ${response.status}; ${MIRROR_HINT}`);
  }
  return { origin, bytes: Buffer.from(await response.arrayBuffer()) };
}

function parseDocument(text: string, format: SourceConfig['format']): unknown {
  return format === 'json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: -1 });
}

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function loadSource(config: SourceConfig, mirrorDir: string | undefined): Promise<FetchedSource> {
  const { origin, bytes } = mirrorDir === undefined ? await fetchUpstream(config) : await readMirror(config, mirrorDir);
  let parsed: unknown;
  try {
    parsed = parseDocument(bytes.toString('utf8'), config.format);
  } catch (error) {
    throw new SourceError(`${config.provider}: ${origin} is not valid ${config.format} (${describe(error)})`);
  }
  if (!isObject(parsed) || !isObject(parsed['paths'])) {
    throw new SourceError(`${config.provider}: ${origin} is not an OpenAPI document (no "paths" object)`);
  }
  return { origin, bytes, sha256: sha256(bytes), doc: parsed };
}
