import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { prettyJson } from './json.js';
import { readLock, writeLock, type Lock } from './lock.js';
import type { NormalizeCounts } from './normalize/index.js';
import { prepareDocument, type PreparedDocument } from './prepare.js';
import type { SourceConfig } from './providers.js';
import { diffSummaries, isEmptyDiff } from './diff.js';
import { driftReport } from './report.js';
import { loadSource } from './source.js';

export interface PullOptions {
  mirrorDir: string | undefined;
  outDir: string;
  update: boolean;
  now: () => Date;
}

export interface PullOutcome {
  ok: boolean;
  output: string;
}

function formatCounts(counts: NormalizeCounts): string {
  const unchecked = counts.examplesUnchecked > 0 ? [`examples unchecked ${counts.examplesUnchecked}`] : [];
  // The 3.0 quirks (openapi/QUIRKS.md 15–20) are named only for a document that has them.
  const from30 = [
    ...(counts.upgradedFrom30 ? ['openapi 3.0 → 3.1'] : []),
    ...(counts.prefixedNames > 0 ? [`prefixed-names ${counts.prefixedNames}`] : []),
    ...(counts.unixtimeFormats > 0 ? [`unixtime-format ${counts.unixtimeFormats}`] : []),
    ...(counts.externalRefExtensions > 0 ? [`external-ref-extensions ${counts.externalRefExtensions}`] : []),
    ...(counts.discriminatorMappings > 0 ? [`discriminator-mappings ${counts.discriminatorMappings}`] : []),
    ...(counts.discriminatorBases > 0 ? [`discriminator-bases ${counts.discriminatorBases}`] : []),
    ...(counts.multipartObjects > 0 ? [`multipart-objects ${counts.multipartObjects}`] : []),
  ];
  return [
    ...from30,
    counts.nullableFalseDropped > 0
      ? `nullable ${counts.nullable} (+${counts.nullableFalseDropped} nullable:false removed)`
      : `nullable ${counts.nullable}`,
    `null-enum ${counts.nullEnum}`,
    `exclusive-bounds ${counts.exclusiveBounds}`,
    `composition-type ${counts.compositionTypes}`,
    `overlapping-oneOf ${counts.overlappingOneOf}`,
    `closed-request-objects ${counts.closedRequestObjects}`,
    `defaulted-required ${counts.defaultedRequired.length}`,
    `example-enum-values ${counts.exampleEnumValues.length}`,
    `examples dropped ${counts.examplesDropped} of ${counts.examplesChecked} checked`,
    ...unchecked,
  ].join(', ');
}

function describePrepared(prepared: PreparedDocument, verbose: boolean): string {
  const schemas = Object.keys(prepared.summary.schemas).length;
  const line = `${prepared.summary.operations.length} operations, ${schemas} schemas; quirks: ${formatCounts(prepared.counts)}; fixes ${prepared.fixes})`;
  if (!verbose) return line;
  return [line, ...prepared.counts.droppedAt.map((pointer) => `  dropped invalid example ${pointer}`)].join('\n');
}

async function writeDocument(outDir: string, config: SourceConfig, prepared: PreparedDocument): Promise<void> {
  await writeFile(path.join(outDir, `${config.provider}.json`), prettyJson(prepared.doc));
}

function newLock(config: SourceConfig, sha: string, prepared: PreparedDocument, now: Date): Lock {
  return {
    url: config.url,
    sha256: sha,
    infoVersion: prepared.infoVersion,
    pulledAt: now.toISOString(),
    surface: prepared.summary,
  };
}

export async function pullProvider(config: SourceConfig, options: PullOptions): Promise<PullOutcome> {
  const source = await loadSource(config, options.mirrorDir);
  const prepared = prepareDocument(source.doc, config);
  await mkdir(options.outDir, { recursive: true });
  const previous = await readLock(options.outDir, config.provider);
  const short = source.sha256.slice(0, 12);
  if (previous === undefined) {
    await writeDocument(options.outDir, config, prepared);
    await writeLock(options.outDir, config.provider, newLock(config, source.sha256, prepared, options.now()));
    return { ok: true, output: `${config.provider}: locked ${short} (${describePrepared(prepared, true)}\n` };
  }
  const sameSurface = isEmptyDiff(diffSummaries(previous.surface, prepared.summary));
  if (previous.sha256 === source.sha256 && sameSurface) {
    await writeDocument(options.outDir, config, prepared);
    return { ok: true, output: `${config.provider}: unchanged ${short} (${describePrepared(prepared, false)}\n` };
  }
  // Same upstream bytes with another trimmed surface: the source's surface (or the trimming) changed.
  const report = driftReport(
    {
      reason: previous.sha256 === source.sha256 ? 'surface' : 'upstream',
      provider: config.provider,
      oldSha256: previous.sha256,
      newSha256: source.sha256,
      oldVersion: previous.infoVersion,
      newVersion: prepared.infoVersion,
    },
    previous.surface,
    prepared.summary,
  );
  if (!options.update) return { ok: false, output: report };
  await writeDocument(options.outDir, config, prepared);
  await writeLock(options.outDir, config.provider, newLock(config, source.sha256, prepared, options.now()));
  return { ok: true, output: `${report}${config.provider}: lock updated to ${short}\n` };
}
