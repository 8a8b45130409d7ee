import type { EnumChange, RequiredChange, SurfaceDiff } from './diff.js';
import { diffSummaries, isEmptyDiff } from './diff.js';
import type { JsonPrimitive } from './json.js';
import type { SurfaceSummary } from './summary.js';

export interface DriftHeader {
  provider: string;
  /** `upstream`: the document's bytes changed; `surface`: the same bytes trimmed to another surface (source.json edited). */
  reason?: 'upstream' | 'surface';
  oldSha256: string;
  newSha256: string;
  oldVersion: string;
  newVersion: string;
}

function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

function section(title: string, lines: string[]): string[] {
  return lines.length === 0 ? [] : [`  ${title}:`, ...lines.map((line) => `    ${line}`)];
}

function formatValues(values: JsonPrimitive[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

function enumLines(changes: EnumChange[], pick: 'added' | 'removed'): string[] {
  return changes.filter((change) => change[pick].length > 0).map((change) => `${change.target}: ${formatValues(change[pick])}`);
}

function requiredLines(changes: RequiredChange[]): string[] {
  const lines: string[] = [];
  for (const change of changes) {
    for (const name of change.added) lines.push(`+ ${change.schema}.${name} (now required)`);
    for (const name of change.removed) lines.push(`- ${change.schema}.${name} (no longer required)`);
  }
  return lines;
}

function formatDiff(diff: SurfaceDiff): string[] {
  if (isEmptyDiff(diff)) return ['  no change in the trimmed surface (operations, schemas, properties, enums, required)'];
  return [
    ...section(
      'operations added',
      diff.operationsAdded.map((op) => `+ ${op}`),
    ),
    ...section(
      'operations removed',
      diff.operationsRemoved.map((op) => `- ${op}`),
    ),
    ...section(
      'schemas added',
      diff.schemasAdded.map((name) => `+ ${name}`),
    ),
    ...section(
      'schemas removed',
      diff.schemasRemoved.map((name) => `- ${name}`),
    ),
    ...section(
      'properties added',
      diff.propertiesAdded.map((name) => `+ ${name}`),
    ),
    ...section(
      'properties removed',
      diff.propertiesRemoved.map((name) => `- ${name}`),
    ),
    ...section(
      'enum values added',
      enumLines(diff.enumChanges, 'added').map((line) => `+ ${line}`),
    ),
    ...section(
      'enum values removed',
      enumLines(diff.enumChanges, 'removed').map((line) => `- ${line}`),
    ),
    ...section('required changed', requiredLines(diff.requiredChanges)),
  ];
}

export function driftReport(header: DriftHeader, before: SurfaceSummary, after: SurfaceSummary): string {
  const version =
    header.oldVersion === header.newVersion
      ? `info.version ${header.newVersion} (unchanged)`
      : `info.version ${header.oldVersion} -> ${header.newVersion}`;
  const lines = [
    header.reason === 'surface'
      ? `${header.provider}: trimmed surface changed, upstream document unchanged (openapi/${header.provider}.source.json or the normalization changed)`
      : `${header.provider}: upstream document changed`,
    `  sha256 ${shortHash(header.oldSha256)} -> ${shortHash(header.newSha256)}, ${version}`,
    ...formatDiff(diffSummaries(before, after)),
  ];
  return `${lines.join('\n')}\n`;
}
