import { isObject, type JsonObject } from './json.js';
import { normalizeDocument, type NormalizeCounts } from './normalize/index.js';
import type { SourceConfig } from './providers.js';
import { summarize, type SurfaceSummary } from './summary.js';
import { trimDocument } from './trim.js';

export interface PreparedDocument {
  doc: JsonObject;
  counts: NormalizeCounts;
  summary: SurfaceSummary;
  infoVersion: string;
}

export class PrepareError extends Error {}

export function infoVersionOf(doc: JsonObject): string {
  const info = doc['info'];
  const version = isObject(info) ? info['version'] : undefined;
  if (typeof version === 'string') return version;
  return version === undefined ? 'unknown' : JSON.stringify(version);
}

export function prepareDocument(upstream: JsonObject, config: SourceConfig): PreparedDocument {
  const trimmed = trimDocument(upstream, config.surface);
  if (trimmed.missingRefs.length > 0) {
    throw new PrepareError(`${config.provider}: unresolved references: ${trimmed.missingRefs.join(', ')}`);
  }
  const { doc, counts } = normalizeDocument(trimmed.doc);
  return { doc, counts, summary: summarize(doc), infoVersion: infoVersionOf(doc) };
}
