/**
 * The dataset check's contract: what `checkDataset` (`tunekit/dataset`) takes and reports. Core holds it, not the
 * checker, so an upload's `check` option and `train()`'s report are typed while the checker itself loads only when used.
 */
import type { DatasetIssueCode } from './dataset-codes.js';
import type { ProviderName } from '../providers/registry/providers.js';

/** The dataset formats tunekit knows. Providers name them differently (Together's "conversation" is `chat`). */
export type DatasetFormat = 'chat' | 'preference' | 'instruction' | 'text' | 'pretokenized';

/** The providers whose rules tunekit knows (every registered provider). */
export type DatasetProvider = ProviderName;

/** The tokenizers tunekit can count with exactly (through the `gpt-tokenizer` package). */
export type Encoding = 'o200k_base' | 'cl100k_base';

/**
 * What `checkDataset` reads: a path (Node, Bun, Deno), a `Blob`/`File`, or a stream of bytes (a web
 * `ReadableStream`, a Node `Readable`, any async iterable of `Uint8Array`). A stream is consumed.
 */
export type DatasetSource = string | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** Counts the tokens of a piece of text, e.g. a Hugging Face tokenizer you load yourself. */
export interface TokenCounter {
  /** Shown in the report, e.g. `Llama-3.1 tokenizer`. */
  name: string;
  /** True when this is the model's own tokenizer (counts are then reported as exact). */
  exact: boolean;
  /** The number of tokens in `text`. */
  count(text: string): number;
}

/**
 * How tokens are counted: `auto` (the model's own tokenizer when tunekit has it, i.e. OpenAI models; else an
 * estimate), `estimate` (characters ÷ 4, fastest), an encoding (`o200k_base`, `cl100k_base`), or your own counter.
 */
export type TokenizerOption = 'auto' | 'estimate' | Encoding | TokenCounter;

/** Options of `checkDataset` and `assertDataset`: the provider (required), the model, and how to check and count. */
export interface CheckDatasetOptions {
  provider: DatasetProvider;
  /** The base model of the job: picks the tokenizer and the context length (OpenAI). */
  model?: string | undefined;
  /** The format the file must be in; by default the first example's format, and every other must match. */
  format?: DatasetFormat | undefined;
  /**
   * The training method the file is for: `supervised` (default) takes any of the provider's formats,
   * `preference` insists on the preference format, and `reinforcement` checks `messages` lines by the provider's
   * reinforcement fine-tuning rules (OpenAI: no assistant answer needed, other top-level keys are data for the grader).
   */
  method?: 'supervised' | 'preference' | 'reinforcement' | undefined;
  /** `fine-tune` (default) checks the format; Together's `eval` files are only checked as JSON lines. */
  purpose?: 'fine-tune' | 'eval' | undefined;
  /** Epochs of the job, for the billed-token estimate (default: the provider's default, when it has one). */
  epochs?: number | undefined;
  /** Context length of the job: longer examples are reported as truncated (default: the model's or provider's). */
  contextLength?: number | undefined;
  tokenizer?: TokenizerOption | undefined;
  /** How many errors and how many warnings the report keeps (the rest are counted). Default 1,000. */
  maxIssues?: number | undefined;
  /** Distinct examples the duplicate check remembers (8 bytes each, 12 in the table). Default 1,048,576. */
  maxTrackedExamples?: number | undefined;
  /**
   * The longest line read, in bytes (default 134,217,728: 128 MiB). A longer line is reported as `line.too-long` and
   * skipped without being held, so memory stays flat whatever the file holds.
   */
  maxLineBytes?: number | undefined;
  /** The file's name, for the `.jsonl` check and the report (a path's or `File`'s name by default). */
  name?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Called after each chunk read, with the bytes read so far and the total when known. */
  onProgress?: ((progress: { bytes: number; totalBytes: number | undefined; lines: number }) => void) | undefined;
}

/** One problem, on a 1-based line (0 for the file as a whole). */
export interface DatasetIssue {
  line: number;
  code: DatasetIssueCode;
  /** Names the field (`messages[2].role`), the value and the rule. */
  message: string;
  /** The field, as a path inside the line's JSON, when the problem has one. */
  field?: string;
}

/** The minimum, mean and maximum of a per-example quantity. */
export interface Distribution {
  total: number;
  min: number;
  mean: number;
  max: number;
}

/** What a dataset holds: examples, messages, characters, tokens, the longest examples, truncation and the billed-token estimate. */
export interface DatasetStats {
  bytes: number;
  lines: number;
  blankLines: number;
  /** Examples without any error. */
  validExamples: number;
  lineEndings: 'lf' | 'crlf' | 'mixed' | 'none';
  byteOrderMark: boolean;
  /** Messages per example (chat and preference formats; a preference counts input and both outputs). */
  messages?: Distribution;
  /** Characters (UTF-16 code units) of the text of each example: contents, tool calls and tool definitions. */
  characters: Distribution;
  tokens: Distribution & {
    /** `exact`: the model's tokenizer (or `token_ids`); `estimate`: another tokenizer or characters ÷ 4. */
    method: 'exact' | 'estimate';
    /** `o200k_base`, `cl100k_base`, `characters ÷ 4`, `token_ids`, or your counter's name. */
    tokenizer: string;
  };
  /** The longest examples by tokens, longest first (at most 5). */
  longest: { line: number; tokens: number; characters: number }[];
  /** The context length examples were compared with, when known. */
  contextLength: number | undefined;
  /** Examples longer than `contextLength`: they will be truncated. */
  truncated: { examples: number; tokensCut: number };
  /** What the job trains on: tokens per epoch (truncated examples count up to the context length) × epochs. */
  billedTokens: { perEpoch: number; epochs: number | undefined; total: number | undefined; method: 'exact' | 'estimate' };
  duplicates: { examples: number; tracked: number; complete: boolean };
  images: number;
  /** Assistant messages with `weight: 0` (not trained on). */
  maskedMessages: number;
}

/** What `checkDataset` found. `ok` is true when there is no error (warnings allowed). */
export interface DatasetReport {
  ok: boolean;
  provider: DatasetProvider;
  /** The file's name, when known. */
  name: string | undefined;
  /** The file's format (forced by `format`, else the first example's); `undefined` when none was recognized. */
  format: DatasetFormat | undefined;
  /** The provider's own name of the format, e.g. Together's `conversation`. */
  formatLabel: string | undefined;
  /** Non-blank lines. */
  examples: number;
  /** The first `maxIssues` errors, in line order. */
  errors: DatasetIssue[];
  warnings: DatasetIssue[];
  /** All problems found, including those not kept. */
  counts: { errors: number; warnings: number; byCode: Partial<Record<DatasetIssueCode, number>> };
  stats: DatasetStats;
}

/** What an upload's `check` needs of the checker, which it loads at run time: `tunekit/dataset`'s `assertDataset`. */
export interface DatasetChecker {
  assertDataset(source: DatasetSource, options: CheckDatasetOptions & { where?: string }): Promise<DatasetReport>;
}
