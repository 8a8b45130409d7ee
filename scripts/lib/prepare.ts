import { isObject, type JsonObject, type JsonValue } from './json.js';
import { normalizeDocument, type NormalizeCounts } from './normalize/index.js';
import type { DocumentFix, SourceConfig } from './providers.js';
import { summarize, type SurfaceSummary } from './summary.js';
import { trimDocument } from './trim.js';

export interface PreparedDocument {
  doc: JsonObject;
  counts: NormalizeCounts;
  summary: SurfaceSummary;
  infoVersion: string;
  /** Reviewed fixes applied (`fixes` in the source). */
  fixes: number;
}

export class PrepareError extends Error {}

function infoVersionOf(doc: JsonObject): string {
  const info = doc['info'];
  const version = isObject(info) ? info['version'] : undefined;
  if (typeof version === 'string') return version;
  return version === undefined ? 'unknown' : JSON.stringify(version);
}

/** Removes the keyword a fix points at; a pointer that no longer resolves means the document changed: stop. */
function applyFix(doc: JsonObject, fix: DocumentFix, provider: string): void {
  const tokens = fix.remove
    .replace(/^\//, '')
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  const key = tokens.pop();
  let node: JsonValue | undefined = doc;
  for (const token of tokens) node = isObject(node) ? node[token] : undefined;
  if (key === undefined || !isObject(node) || !(key in node)) {
    throw new PrepareError(
      `${provider}: the fix "${fix.remove}" (${fix.why}) no longer applies; review it in openapi/${provider}.source.json`,
    );
  }
  delete node[key];
}

export function prepareDocument(upstream: JsonObject, config: SourceConfig): PreparedDocument {
  const trimmed = trimDocument(upstream, config.surface);
  if (trimmed.missingRefs.length > 0) {
    throw new PrepareError(`${config.provider}: unresolved references: ${trimmed.missingRefs.join(', ')}`);
  }
  const { doc, counts } = normalizeDocument(trimmed.doc);
  for (const fix of config.fixes) applyFix(doc, fix, config.provider);
  return { doc, counts, summary: summarize(doc), infoVersion: infoVersionOf(doc), fixes: config.fixes.length };
}
