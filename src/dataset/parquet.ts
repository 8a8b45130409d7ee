/**
 * Pre-tokenized Parquet files (Together's second format): the columns the profile names, each a list of integers
 * per row, checked row by row. The engine loads this module only when a `.parquet` file is checked, and this
 * module loads its reader (hyparquet) only then: the clients and every JSON Lines check never load either.
 * Issues name the row (as `line`, 1-based) and the column (as `field`).
 */
import type { AsyncBuffer, FileMetaData, SchemaTree } from 'hyparquet';
import { formatBytes } from '../core/format.js';
import { suggestKey } from '../core/check.js';
import { fileSize, fileStream } from '../platform/files.js';
import { show } from './formats.js';
import { IssueLog } from './issues.js';
import { openSource } from './source.js';
import type { DatasetProfile, ParquetRules } from './profile.js';
import type { CheckDatasetOptions, DatasetReport, DatasetSource } from '../core/dataset-report.js';

/** Rows read at a time. */
const SLICE = 1024;

/** A path or a Blob is read by ranges (the footer first, then column chunks); a stream is gathered first. */
async function openBuffer(source: DatasetSource): Promise<AsyncBuffer> {
  if (typeof source === 'string') {
    const size = await fileSize(source, 'checkDataset', 'source');
    return { byteLength: size, slice: (start, end) => readRange(source, start, end ?? size) };
  }
  if (source instanceof Blob) return { byteLength: source.size, slice: (start, end) => source.slice(start, end).arrayBuffer() };
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of (await openSource(source, undefined)).chunks) {
    parts.push(chunk);
    length += chunk.length;
  }
  const all = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return { byteLength: length, slice: (start, end) => all.slice(start, end).buffer };
}

async function readRange(path: string, start: number, end: number): Promise<ArrayBuffer> {
  const out = new Uint8Array(Math.max(0, end - start));
  const reader = fileStream(path, { start, end, chunkSize: Math.max(1, Math.min(out.length, 1 << 20)) }).getReader();
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.set(value, at);
    at += value.length;
  }
  return out.buffer;
}

/** True when the column holds a list of integers per row (INT32 or INT64 leaves under a repeated level). */
function integerList(column: SchemaTree): boolean {
  let node = column;
  let repeated = node.element.repetition_type === 'REPEATED';
  while (node.children.length === 1 && node.children[0] !== undefined) {
    node = node.children[0];
    if (node.element.repetition_type === 'REPEATED') repeated = true;
  }
  return node.children.length === 0 && repeated && (node.element.type === 'INT32' || node.element.type === 'INT64');
}

/** A row's list of integers as numbers (INT64 values arrive as bigint); undefined for anything else. */
function integers(value: unknown): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: number[] = [];
  for (const item of value as unknown[]) {
    if (typeof item === 'bigint') out.push(Number(item));
    else if (typeof item === 'number' && Number.isInteger(item)) out.push(item);
    else return undefined;
  }
  return out;
}

class ParquetCheck {
  readonly issues: IssueLog;
  /** The footer was read: the file is Parquet. */
  opened = false;
  rows = 0;
  valid = 0;
  tokens = { total: 0, min: Infinity, max: 0 };
  longest: { line: number; tokens: number; characters: number }[] = [];
  truncated = 0;
  tokensCut = 0;
  billed = 0;

  constructor(
    private readonly rules: ParquetRules,
    private readonly contextLength: number | undefined,
    maxIssues: number,
  ) {
    this.issues = new IssueLog(maxIssues);
  }

  private error(row: number, code: Parameters<IssueLog['add']>[2], column: string, message: string): void {
    this.issues.add('error', row, code, `row ${row}, column ${message}`, column);
  }

  /** The file's columns: unknown ones and missing required ones are errors; returns the ones to read. */
  columns(schema: SchemaTree): string[] {
    const known = [...this.rules.required, ...this.rules.optional];
    const present = schema.children.map((child) => child.element.name);
    const readable: string[] = [];
    for (const child of schema.children) {
      const name = child.element.name;
      if (!known.includes(name)) {
        const hint = suggestKey(name, known);
        this.issues.add(
          'error',
          0,
          'key.unknown',
          `column ${name} is not a column of the ${this.rules.label} format (columns: ${known.join(', ')})${hint ? `; did you mean ${hint}?` : ''}`,
          name,
        );
      } else if (!integerList(child)) {
        this.issues.add('error', 0, 'type.invalid', `column ${name} must hold a list of integers (INT32 or INT64) per row`, name);
      } else readable.push(name);
    }
    for (const name of this.rules.required) {
      if (!present.includes(name))
        this.issues.add(
          'error',
          0,
          'key.missing',
          `column ${name} is missing: the ${this.rules.label} format needs ${this.rules.required.join(' and ')}`,
          name,
        );
    }
    return readable;
  }

  row(values: Record<string, unknown>, row: number, columns: readonly string[]): void {
    this.rows++;
    this.issues.lineErrors = 0;
    const ids = integers(values.input_ids);
    if (ids === undefined || ids.length === 0) {
      this.error(row, 'tokens.invalid', 'input_ids', `input_ids = ${show(values.input_ids)} must be a non-empty list of token ids`);
    } else {
      const bad = ids.findIndex((id) => id < 0);
      if (bad >= 0)
        this.error(row, 'tokens.invalid', `input_ids[${bad}]`, `input_ids[${bad}] = ${ids[bad]} must be a non-negative token id`);
      if (columns.includes('attention_mask')) this.mask(values.attention_mask, ids.length, row);
      if (columns.includes('labels')) this.labels(values.labels, ids.length, row);
      this.measure(ids.length, row);
    }
    if (this.issues.lineErrors === 0) this.valid++;
  }

  private mask(value: unknown, tokens: number, row: number): void {
    const mask = integers(value);
    if (mask === undefined)
      this.error(row, 'mask.invalid', 'attention_mask', `attention_mask = ${show(value)} must be a list of 0 and 1, one per token`);
    else if (mask.length !== tokens)
      this.error(
        row,
        'mask.invalid',
        'attention_mask',
        `attention_mask has ${mask.length} entries and input_ids ${tokens}: there is one per token`,
      );
    else {
      const bad = mask.findIndex((bit) => bit !== 0 && bit !== 1);
      if (bad >= 0) this.error(row, 'mask.invalid', `attention_mask[${bad}]`, `attention_mask[${bad}] = ${mask[bad]} must be 0 or 1`);
    }
  }

  private labels(value: unknown, tokens: number, row: number): void {
    // "If this field is not given, input_ids will be used": a null list is a row without labels.
    if (value === null || value === undefined) return;
    const labels = integers(value);
    if (labels === undefined)
      this.error(row, 'type.invalid', 'labels', `labels = ${show(value)} must be a list of integers (-100 masks a position)`);
    else if (labels.length !== tokens)
      this.error(
        row,
        'labels.length',
        'labels',
        `labels has ${labels.length} entries and input_ids ${tokens}: there is one label per token`,
      );
    else {
      const bad = labels.findIndex((label) => label < 0 && label !== -100);
      if (bad >= 0)
        this.error(row, 'labels.invalid', `labels[${bad}]`, `labels[${bad}] = ${labels[bad]} must be a token id or -100 (masked)`);
    }
  }

  private measure(tokens: number, row: number): void {
    const t = this.tokens;
    t.total += tokens;
    if (tokens < t.min) t.min = tokens;
    if (tokens > t.max) t.max = tokens;
    const context = this.contextLength;
    if (context !== undefined && tokens > context) {
      this.truncated++;
      this.tokensCut += tokens - context;
      this.issues.add(
        'warning',
        row,
        'example.too-long',
        `row ${row} has ${tokens.toLocaleString('en-US')} tokens, more than the context length ${context.toLocaleString('en-US')}: it will be truncated`,
      );
    }
    this.billed += context === undefined ? tokens : Math.min(tokens, context);
    const longest = this.longest;
    if (longest.length < 5 || tokens > (longest[longest.length - 1]?.tokens ?? 0)) {
      let at = longest.length;
      while (at > 0 && (longest[at - 1]?.tokens ?? 0) < tokens) at--;
      longest.splice(at, 0, { line: row, tokens, characters: 0 });
      if (longest.length > 5) longest.pop();
    }
  }
}

function failure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Checks a Parquet file against the profile's `parquet` rules and reports as `checkDataset` does. */
export async function checkParquet(
  source: DatasetSource,
  profile: DatasetProfile,
  options: CheckDatasetOptions,
  name: string,
): Promise<DatasetReport> {
  const rules = profile.parquet;
  const contextLength = options.contextLength ?? profile.defaultContextLength;
  const check = new ParquetCheck(rules ?? { label: 'Parquet', required: [], optional: [] }, contextLength, options.maxIssues ?? 1000);
  const { issues } = check;
  const file = await openBuffer(source);
  if (rules === undefined || options.purpose === 'eval') {
    const why =
      rules === undefined
        ? `${profile.provider} takes no Parquet files`
        : `${profile.provider} takes Parquet files for fine-tuning only, not for ${options.purpose ?? 'this purpose'}`;
    issues.addFile('error', 'format.unknown', `${name} is a Parquet file: ${why}; save the examples as JSON Lines (.jsonl)`);
  } else if (file.byteLength > profile.maxFileBytes) {
    issues.addFile(
      'error',
      'file.too-large',
      `the file has ${formatBytes(file.byteLength)}; ${profile.provider} accepts at most ${formatBytes(profile.maxFileBytes)}`,
    );
  } else await readRows(file, check, options);
  if (check.opened && issues.errorCount === 0 && check.rows === 0) issues.addFile('error', 'file.empty', 'the Parquet file has no rows');
  else if (rules !== undefined && check.rows > 0 && check.rows < profile.minExamples) {
    issues.addFile(
      'error',
      'examples.too-few',
      `the file has ${check.rows} rows; ${profile.provider} needs at least ${profile.minExamples}`,
    );
  }
  const epochs = options.epochs ?? profile.defaultEpochs;
  const t = check.tokens;
  const mean = check.rows === 0 ? 0 : t.total / check.rows;
  return {
    ok: issues.errorCount === 0,
    provider: profile.provider,
    name,
    format: check.opened ? 'pretokenized' : undefined,
    formatLabel: check.opened ? rules?.label : undefined,
    examples: check.rows,
    errors: issues.errors,
    warnings: issues.warnings,
    counts: { errors: issues.errorCount, warnings: issues.warningCount, byCode: issues.byCode },
    stats: {
      bytes: file.byteLength,
      lines: check.rows,
      blankLines: 0,
      validExamples: check.valid,
      lineEndings: 'none',
      byteOrderMark: false,
      characters: { total: 0, min: 0, mean: 0, max: 0 },
      tokens: { total: t.total, min: t.total === 0 ? 0 : t.min, mean, max: t.max, method: 'exact', tokenizer: 'input_ids' },
      longest: check.longest,
      contextLength,
      truncated: { examples: check.truncated, tokensCut: check.tokensCut },
      billedTokens: { perEpoch: check.billed, epochs, total: epochs === undefined ? undefined : check.billed * epochs, method: 'exact' },
      // Rows are not fingerprinted: the duplicate check is for JSON Lines.
      duplicates: { examples: 0, tracked: 0, complete: true },
      images: 0,
      maskedMessages: 0,
    },
  };
}

/** Reads the footer, checks the columns, then the rows, one row group at a time. */
async function readRows(file: AsyncBuffer, check: ParquetCheck, options: CheckDatasetOptions): Promise<void> {
  const { parquetMetadataAsync, parquetReadObjects, parquetSchema } = await import('hyparquet');
  const { issues } = check;
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    issues.addFile('error', 'parquet.invalid', `the file is not a readable Parquet file (${failure(error)})`);
    return;
  }
  check.opened = true;
  const columns = check.columns(parquetSchema(metadata));
  const total = Number(metadata.num_rows);
  if (!columns.includes('input_ids')) {
    // Without readable token ids no row can be checked; the column problem is reported once, above.
    check.rows = total;
    return;
  }
  // Slices of rows, the pages they need found through the offset index where the file has one: a row group of
  // 128 MB is never decoded whole (its values become JavaScript numbers and bigints, several times its size).
  let start = 0;
  while (start < total) {
    options.signal?.throwIfAborted();
    const end = Math.min(total, start + SLICE);
    try {
      const rows = await parquetReadObjects({ file, metadata, columns, rowStart: start, rowEnd: end, useOffsetIndex: true });
      for (let i = 0; i < rows.length; i++) check.row(rows[i] ?? {}, start + i + 1, columns);
    } catch (error) {
      issues.add('error', start + 1, 'parquet.invalid', `rows ${start + 1} to ${end} could not be read (${failure(error)})`);
      check.rows += end - start;
    }
    start = end;
    options.onProgress?.({ bytes: Math.round((file.byteLength * start) / Math.max(total, 1)), totalBytes: file.byteLength, lines: start });
  }
}
