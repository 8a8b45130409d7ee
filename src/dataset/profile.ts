import type { DatasetProvider, Encoding } from '../core/dataset-report.js';

/**
 * The shape of a provider's dataset rules: plain data read by the engine (`engine.ts`, `formats.ts`).
 * Adding a provider means writing one of these, not code.
 */

/** How bad an issue is: an error fails the check, a warning does not. */
export type Severity = 'error' | 'warning';

/** Images inside list content (`{type: 'image_url', image_url: {url}}`). */
export interface ImageRules {
  /** Roles whose messages may carry images. */
  roles: readonly string[];
  /** Only `data:image/<format>;base64,…` URLs (Together), or also `https://` links (OpenAI). */
  dataUrlsOnly: boolean;
  formats: readonly string[];
  /** Decoded size limit per image, in bytes. */
  maxBytes: number;
  maxPerExample: number;
  /** A message with an image must not be trained on (Together: weight 0 or none). */
  weightMustBeZero: boolean;
}

export interface ContentRules {
  /** Part types allowed in list content, by role; a role not listed takes only a string. */
  parts: Readonly<Record<string, readonly string[]>>;
  images?: ImageRules;
  /** All messages of an example use strings, or all use lists (Together). */
  noMixing: boolean;
}

export interface ChatRules {
  /** The provider's own name of the format, for messages ("conversation"). */
  label: string;
  /** Top-level keys of a line; `messages` first. */
  keys: readonly string[];
  /** Allowed roles, each with the keys its messages may have. */
  roles: Readonly<Record<string, readonly string[]>>;
  /** Roles a conversation may start with. */
  firstRoles?: readonly string[];
  /** No two messages in a row with the same role. */
  alternate: boolean;
  /** At least one assistant message. */
  requireAssistant: boolean;
  /** The last message must have this role, with text content (not only a tool call). */
  lastRole?: string;
  /** Roles that may carry `weight` (0 or 1). */
  weightRoles: readonly string[];
  content: ContentRules;
  /**
   * `tools`, `tool_calls`, `tool_call_id` and legacy `functions`/`function_call` are checked; an assistant message
   * may carry `tool_calls` (in place of content) and a tool message `tool_call_id`, whether `roles` lists them or not.
   */
  tools: boolean;
  /**
   * Top-level keys beyond `keys` are the example's own data, not mistakes (OpenAI's reinforcement fine-tuning:
   * its grader reads them as `item.<key>`).
   */
  otherKeys?: boolean;
}

export interface PreferenceRules {
  label: string;
  keys: readonly string[];
  /** Keys of `input` besides `messages`. */
  inputKeys: readonly string[];
  /** Rules of `input.messages` (no assistant needed; must not end with one). */
  input: ChatRules;
}

/**
 * A Parquet file of pre-tokenized rows (Together): its columns, each a list of integers per row. Read by
 * `parquet.ts`, which loads its reader only when a `.parquet` file is checked.
 */
export interface ParquetRules {
  label: string;
  /** Columns every file must have. */
  required: readonly string[];
  /** Columns a file may have besides. Any other column is an error. */
  optional: readonly string[];
}

interface ModelRule {
  /** Model names this rule covers. */
  match: RegExp;
  /** The model's tokenizer, when tunekit can count it exactly. */
  encoding?: Encoding;
  /** Tokens one training example may have before it is truncated. */
  contextLength?: number;
}

/** A provider's dataset rules, as data: its formats, roles, limits and models. */
export interface DatasetProfile {
  provider: DatasetProvider;
  /** Where the rules come from. */
  sources: readonly string[];
  maxFileBytes: number;
  minExamples: number;
  /** Severity of a top-level key the format does not define. */
  extraKeys: Severity;
  blankLines: Severity;
  /** Warn about a byte-order mark (the provider's own parser rejects it). */
  warnBom: boolean;
  formats: {
    chat?: ChatRules;
    preference?: PreferenceRules;
    instruction?: { label: string; parts: boolean };
    text?: { label: string };
    pretokenized?: { label: string };
  };
  /**
   * Rules of the `messages` lines of a reinforcement fine-tuning file (checked with `method: 'reinforcement'`),
   * where the provider has that method.
   */
  reinforcement?: ChatRules;
  /** Pre-tokenized Parquet files (`.parquet`), where the provider takes them. */
  parquet?: ParquetRules;
  /** Epochs the provider trains for when the job does not say. */
  defaultEpochs?: number;
  /** Context length the provider trains with when the job does not say. */
  defaultContextLength?: number;
  models: readonly ModelRule[];
  /** Tokens a chat template adds: per message, per `name`, per example (OpenAI's published counting). */
  template: { perMessage: number; perName: number; perExample: number };
}
