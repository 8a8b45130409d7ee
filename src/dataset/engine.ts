/**
 * The provider-neutral engine: reads the bytes once, splits lines on `\n` in the bytes, decodes each line as
 * strict UTF-8, parses it, detects and checks its format (`formats.ts`), fingerprints it for duplicates, and
 * keeps running statistics. Memory stays flat: one chunk, one line, the duplicate table and a few numbers.
 */
import { ValidationError } from '../core/errors.js';
import { isRecord } from '../core/records.js';
import { DuplicateTable } from './duplicates.js';
import { ExampleChecker, Measure, show, type Report } from './formats.js';
import { IssueLog } from './issues.js';
import type { DatasetProfile } from './profile.js';
import { datasetProfiles } from '../providers/registry/datasets.js';
import { formatBytes } from '../core/format.js';
import { isProviderName } from '../providers/registry/providers.js';
import { openSource, sourceName } from './source.js';
import { modelRule, resolveCounter } from './tokens.js';
import type {
  CheckDatasetOptions,
  DatasetReport,
  DatasetSource,
  DatasetStats,
  Distribution,
  TokenCounter,
} from '../core/dataset-report.js';
import type { DatasetFormat } from '../core/dataset-report.js';

const LONGEST = 5;

class Running {
  total = 0;
  count = 0;
  min = Infinity;
  max = 0;
  add(value: number): void {
    this.total += value;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
  get distribution(): Distribution {
    return this.count === 0
      ? { total: 0, min: 0, mean: 0, max: 0 }
      : { total: this.total, min: this.min, mean: this.total / this.count, max: this.max };
  }
}

class DatasetCheck {
  private readonly issues: IssueLog;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly duplicates: DuplicateTable;
  private readonly measure: Measure;
  private readonly examples: ExampleChecker;
  private readonly report: Report;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** The bytes so far of a line longer than `maxLineBytes`, skipped up to its end instead of held. */
  private skipping: number | undefined;
  private readonly maxLineBytes: number;
  private head: Uint8Array | undefined = new Uint8Array(0);
  private lineNumber = 0;
  bytes = 0;
  private blank = 0;
  private nonBlank = 0;
  private valid = 0;
  private lf = 0;
  private crlf = 0;
  private bom = false;
  private format: DatasetFormat | undefined;
  private formatLine = 0;
  private readonly characters = new Running();
  private readonly tokens = new Running();
  private readonly messages = new Running();
  private readonly longest: DatasetStats['longest'] = [];
  private truncated = 0;
  private tokensCut = 0;
  private billed = 0;
  private duplicateCount = 0;
  private images = 0;
  private masked = 0;
  private readonly contextLength: number | undefined;
  /** The source's size, when known, until the duplicate table has been sized from it. */
  expectedBytes: number | undefined;

  constructor(
    private readonly profile: DatasetProfile,
    private readonly options: CheckDatasetOptions,
    private readonly counter: TokenCounter,
  ) {
    this.issues = new IssueLog(options.maxIssues ?? 1000);
    this.duplicates = new DuplicateTable(options.maxTrackedExamples ?? 1 << 20);
    this.measure = new Measure(counter);
    this.report = (severity, code, field, message) => this.issues.add(severity, this.lineNumber, code, message, field);
    this.examples = new ExampleChecker(profile, this.measure, this.report, options.method);
    this.format = options.format ?? methodFormat(options.method);
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.contextLength = options.contextLength ?? modelRule(profile, options.model)?.contextLength ?? profile.defaultContextLength;
  }

  get lines(): number {
    return this.lineNumber;
  }

  /** Feeds the next chunk of bytes; complete lines are checked at once. */
  push(input: Uint8Array): void {
    this.bytes += input.length;
    if (this.expectedBytes !== undefined && this.lineNumber >= 64) {
      // Enough lines to know their length: size the duplicate table for the whole file at once.
      this.duplicates.reserve(Math.ceil((this.expectedBytes / this.bytes) * this.lineNumber * 1.1));
      this.expectedBytes = undefined;
    }
    if (this.head !== undefined) {
      // The first bytes, held until there are three to look for a byte-order mark.
      this.head = concat([this.head, input]);
      if (this.head.length >= 3) this.startWith(this.head);
      return;
    }
    this.split(input);
  }

  /** The last line, when the file does not end with a newline. */
  end(): void {
    if (this.head !== undefined) this.startWith(this.head);
    if (this.skipping !== undefined) {
      this.tooLong(this.skipping, false);
      this.skipping = undefined;
    }
    if (this.pending.length) {
      const line = concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      this.line(line, viewOf(line), 0, line.length, false);
    }
  }

  /** Holds the start of a line not ended yet, unless that makes it longer than `maxLineBytes`: then it is skipped. */
  private hold(part: Uint8Array): void {
    if (this.skipping !== undefined) {
      this.skipping += part.length;
      return;
    }
    if (this.pendingBytes + part.length > this.maxLineBytes) {
      this.skipping = this.pendingBytes + part.length;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    this.pending.push(part.slice());
    this.pendingBytes += part.length;
  }

  /** A line longer than `maxLineBytes`: reported as such, never decoded. */
  private tooLong(length: number, terminated: boolean): void {
    this.lineNumber++;
    this.nonBlank++;
    if (terminated) this.lf++;
    this.issues.lineErrors = 0;
    const size = (n: number): string => n.toLocaleString('en-US');
    this.report(
      'error',
      'line.too-long',
      undefined,
      `the line is ${size(length)} bytes long, more than the ${size(this.maxLineBytes)} a line may have (maxLineBytes); it was skipped unread: is the file JSON lines, one example per line?`,
    );
  }

  private startWith(head: Uint8Array): void {
    this.head = undefined;
    this.bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
    this.split(this.bom ? head.subarray(3) : head);
  }

  private split(chunk: Uint8Array): void {
    let start = 0;
    let newline = chunk.indexOf(10);
    if (this.pending.length || this.skipping !== undefined) {
      if (newline < 0) {
        this.hold(chunk);
        return;
      }
      this.hold(chunk.subarray(0, newline));
      if (this.skipping !== undefined) {
        this.tooLong(this.skipping, true);
        this.skipping = undefined;
      } else {
        const line = concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
        this.line(line, viewOf(line), 0, line.length, true);
      }
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    const view = viewOf(chunk);
    while (newline >= 0) {
      this.line(chunk, view, start, newline, true);
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  private line(bytes: Uint8Array, view: DataView, start: number, end: number, terminated: boolean): void {
    if (end - start > this.maxLineBytes) return this.tooLong(end - start, terminated);
    this.lineNumber++;
    let stop = end;
    if (stop > start && bytes[stop - 1] === 13) {
      stop--;
      if (terminated) this.crlf++;
    } else if (terminated) this.lf++;
    if (isBlank(bytes, start, stop)) {
      this.blank++;
      this.report(this.profile.blankLines, 'line.blank', undefined, 'the line is blank: every line must be one JSON object');
      return;
    }
    this.nonBlank++;
    this.issues.lineErrors = 0;
    let text: string;
    try {
      text = this.decoder.decode(bytes.subarray(start, stop));
    } catch {
      const at = invalidUtf8(bytes, start, stop);
      this.report(
        'error',
        'line.utf8',
        undefined,
        `the line is not valid UTF-8: the byte sequence at byte ${at + 1} (0x${(bytes[start + at] ?? 0).toString(16).padStart(2, '0')}) is not UTF-8; save the file as UTF-8`,
      );
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.report(
        'error',
        'line.json',
        undefined,
        `the line is not valid JSON (${error instanceof Error ? error.message : String(error)}); each line must be one complete JSON object`,
      );
      return;
    }
    if (!isRecord(value)) {
      this.report(
        'error',
        'line.not-object',
        undefined,
        `the line is a JSON ${Array.isArray(value) ? 'array' : value === null ? 'null' : `${typeof value} (${show(value)})`}, not an object: each line must be one example object`,
      );
      return;
    }
    this.measure.reset();
    const checked = this.options.purpose !== 'eval' && this.checkFormat(value);
    const first = this.duplicates.seen(view, start, stop, this.lineNumber);
    if (first > 0) {
      this.duplicateCount++;
      this.report('warning', 'example.duplicate', undefined, `the example is the same as line ${first}`);
    }
    if (checked) this.measureExample();
    if (this.issues.lineErrors === 0) this.valid++;
  }

  /** Detects and checks the line's format; false when it has none, or another than the file's. */
  private checkFormat(value: Record<string, unknown>): boolean {
    const detected = this.examples.detect(value);
    if (detected === undefined) return false;
    if (this.format === undefined) {
      this.format = detected;
      this.formatLine = this.lineNumber;
    } else if (detected !== this.format) {
      const why = this.formatLine ? `the file's format from line ${this.formatLine}` : 'the format asked for';
      this.report(
        'error',
        'format.mixed',
        undefined,
        `the line is in the ${this.examples.label(detected)} format, but ${why} is ${this.examples.label(this.format)}: a file holds one format`,
      );
      return false;
    }
    this.examples.check(value, detected);
    return true;
  }

  private measureExample(): void {
    const { characters, tokens, messages } = this.measure;
    this.characters.add(characters);
    this.tokens.add(tokens);
    if (messages > 0) this.messages.add(messages);
    this.images += this.measure.images;
    this.masked += this.measure.masked;
    const context = this.contextLength;
    if (context !== undefined && tokens > context) {
      this.truncated++;
      this.tokensCut += tokens - context;
      const how = this.counter.exact ? '' : ' (estimated)';
      this.report(
        'warning',
        'example.too-long',
        undefined,
        `the example has ${tokens.toLocaleString('en-US')} tokens${how}, more than the context length ${context.toLocaleString('en-US')}: it will be truncated`,
      );
    }
    this.billed += context === undefined ? tokens : Math.min(tokens, context);
    const longest = this.longest;
    if (longest.length < LONGEST || tokens > (longest[longest.length - 1]?.tokens ?? 0)) {
      let at = longest.length;
      while (at > 0 && (longest[at - 1]?.tokens ?? 0) < tokens) at--;
      longest.splice(at, 0, { line: this.lineNumber, tokens, characters });
      if (longest.length > LONGEST) longest.pop();
    }
  }

  finish(size: number | undefined, name: string | undefined): DatasetReport {
    const { profile, issues } = this;
    const limit = profile.maxFileBytes;
    const bytes = size ?? this.bytes;
    if (this.duplicates.complete === false) {
      issues.addFile(
        'warning',
        'duplicates.limit',
        `more than ${this.duplicates.tracked.toLocaleString('en-US')} distinct examples: later ones were checked against those only (raise maxTrackedExamples)`,
      );
    }
    if (name !== undefined && !/\.jsonl$/i.test(name))
      issues.addFile('warning', 'file.extension', `the file name ${JSON.stringify(name)} does not end with .jsonl`);
    if (this.bom && profile.warnBom)
      issues.addFile(
        'warning',
        'file.bom',
        `the file starts with a UTF-8 byte-order mark; ${profile.provider}'s own check reads line 1 with it and fails: save without it`,
      );
    if (this.nonBlank === 0)
      issues.addFile('error', 'file.empty', bytes === 0 ? 'the file is empty' : 'the file has only blank lines: no examples');
    else if (this.nonBlank < profile.minExamples) {
      issues.addFile(
        'error',
        'examples.too-few',
        `the file has ${this.nonBlank} examples; ${profile.provider} needs at least ${profile.minExamples}`,
      );
    }
    if (bytes > limit)
      issues.addFile(
        'error',
        'file.too-large',
        `the file has ${formatBytes(bytes)}; ${profile.provider} accepts at most ${formatBytes(limit)}`,
      );
    const epochs = this.options.epochs ?? profile.defaultEpochs;
    const method = this.counter.exact || this.format === 'pretokenized' ? 'exact' : 'estimate';
    const format = this.format;
    return {
      ok: issues.errorCount === 0,
      provider: profile.provider,
      name,
      format,
      formatLabel: format === undefined ? undefined : this.examples.label(format),
      examples: this.nonBlank,
      errors: issues.errors,
      warnings: issues.warnings,
      counts: { errors: issues.errorCount, warnings: issues.warningCount, byCode: issues.byCode },
      stats: {
        bytes,
        lines: this.lineNumber,
        blankLines: this.blank,
        validExamples: this.valid,
        lineEndings: this.lf && this.crlf ? 'mixed' : this.crlf ? 'crlf' : this.lf ? 'lf' : 'none',
        byteOrderMark: this.bom,
        ...(this.messages.count > 0 ? { messages: this.messages.distribution } : {}),
        characters: this.characters.distribution,
        tokens: { ...this.tokens.distribution, method, tokenizer: format === 'pretokenized' ? 'token_ids' : this.counter.name },
        longest: this.longest,
        contextLength: this.contextLength,
        truncated: { examples: this.truncated, tokensCut: this.tokensCut },
        billedTokens: { perEpoch: this.billed, epochs, total: epochs === undefined ? undefined : this.billed * epochs, method },
        duplicates: { examples: this.duplicateCount, tracked: this.duplicates.tracked, complete: this.duplicates.complete },
        images: this.images,
        maskedMessages: this.masked,
      },
    };
  }
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte !== 32 && byte !== 9 && byte !== 13) return false;
  }
  return true;
}

/** Offset of the first byte sequence that breaks UTF-8 (the slow path, only for a line that failed to decode). */
function invalidUtf8(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const byte = bytes[i] as number;
    const length =
      byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > end) return i - start;
    for (let k = 1; k < length; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i - start;
    i += length;
  }
  return 0;
}

/** 128 MiB: far above any example a provider takes (ten 10 MB images as base64 fit), far below V8's longest string (~512 MB). */
const DEFAULT_MAX_LINE_BYTES = 128 * 1_048_576;

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function badOption(field: string, value: unknown, rule: string): ValidationError {
  const message = `${field} = ${show(value)} is not ${rule}`;
  return new ValidationError(`checkDataset: ${message}; nothing was read`, [{ field, rule, value, message }]);
}

/** The one format a training method takes (reinforcement data is `messages` lines), if it insists on one. */
function methodFormat(method: CheckDatasetOptions['method']): DatasetFormat | undefined {
  return method === 'preference' ? 'preference' : method === 'reinforcement' ? 'chat' : undefined;
}

function checkOptions(options: CheckDatasetOptions): DatasetProfile {
  const profile = isProviderName(options.provider) ? datasetProfiles[options.provider] : undefined;
  if (profile === undefined) throw badOption('provider', options.provider, `one of ${Object.keys(datasetProfiles).join(', ')}`);
  if (options.format !== undefined && profile.formats[options.format] === undefined) {
    throw badOption('format', options.format, `a ${profile.provider} format (${Object.keys(profile.formats).join(', ')})`);
  }
  for (const key of ['epochs', 'contextLength', 'maxIssues', 'maxTrackedExamples', 'maxLineBytes'] as const) {
    const value = options[key];
    const least = key === 'maxIssues' ? 0 : 1;
    if (value !== undefined && (!Number.isInteger(value) || value < least)) throw badOption(key, value, `an integer ≥ ${least}`);
  }
  const tokenizer = options.tokenizer;
  if (typeof tokenizer === 'string' && !['auto', 'estimate', 'o200k_base', 'cl100k_base'].includes(tokenizer)) {
    throw badOption('tokenizer', tokenizer, 'auto, estimate, o200k_base, cl100k_base or a TokenCounter');
  }
  if (options.purpose !== undefined && options.purpose !== 'fine-tune' && options.purpose !== 'eval')
    throw badOption('purpose', options.purpose, 'fine-tune or eval');
  const method = options.method;
  if (method !== undefined) {
    const methods = [
      'supervised',
      ...(profile.formats.preference ? ['preference'] : []),
      ...(profile.reinforcement ? ['reinforcement'] : []),
    ];
    if (!methods.includes(method)) throw badOption('method', method, `a ${profile.provider} training method (${methods.join(', ')})`);
    const format = methodFormat(method);
    if (format !== undefined && options.format !== undefined && options.format !== format)
      throw badOption('format', options.format, `${format}, the format of the ${method} method`);
  }
  return profile;
}

/**
 * Checks a fine-tuning dataset (JSON Lines) against a provider's rules, reading it once in flat memory, and
 * reports every problem with its line, plus statistics (examples, messages, characters, tokens, truncation,
 * billed tokens, duplicates). Nothing is sent anywhere.
 *
 * @example
 * ```ts
 * import { checkDataset, formatDatasetReport } from 'tunekit/dataset';
 *
 * const report = await checkDataset('./train.jsonl', { provider: 'openai', model: 'gpt-4o-mini-2024-07-18', epochs: 3 });
 * if (!report.ok) console.error(formatDatasetReport(report));
 * console.log(report.stats.billedTokens.total);
 * ```
 */
export async function checkDataset(source: DatasetSource, options: CheckDatasetOptions): Promise<DatasetReport> {
  const profile = checkOptions(options);
  options.signal?.throwIfAborted();
  // A Parquet file (by its name) is another reader's job, loaded only then.
  const name = options.name ?? sourceName(source);
  if (name !== undefined && /\.parquet$/i.test(name)) return (await import('./parquet.js')).checkParquet(source, profile, options, name);
  const counter = await resolveCounter(options.tokenizer ?? 'auto', profile, options.model);
  const opened = await openSource(source, options.name);
  const check = new DatasetCheck(profile, options, counter);
  check.expectedBytes = opened.size;
  const { signal, onProgress } = options;
  for await (const chunk of opened.chunks) {
    signal?.throwIfAborted();
    check.push(chunk);
    onProgress?.({ bytes: check.bytes, totalBytes: opened.size, lines: check.lines });
  }
  check.end();
  return check.finish(opened.size, opened.name);
}
