import { ValidationError } from '../core/errors.js';
import type { JobProgressFields } from '../poller/types.js';
import type { ProviderName } from '../providers/registry/providers.js';
import type { JobStatus } from '../core/provider.js';

/** LoRA settings in one vocabulary: the adapter's rank, its alpha (scaling), its dropout. */
export interface LoraOptions {
  rank?: number | undefined;
  alpha?: number | undefined;
  dropout?: number | undefined;
}

/** The hyperparameters every provider understands, by a name of its own (see the mapping table in docs/mapping.md). */
export interface NeutralHyperparameters {
  epochs?: number | undefined;
  /** A number, or `'max'` where the provider has it (Together). */
  batchSize?: number | 'max' | undefined;
  /** An absolute learning rate (OpenAI takes a multiplier instead, and refuses this). */
  learningRate?: number | undefined;
  warmupRatio?: number | undefined;
  weightDecay?: number | undefined;
  /** `true` for the provider's default LoRA, settings for your own, `false` for full fine-tuning. */
  lora?: boolean | LoraOptions | undefined;
  /** A name part for the fine-tuned model. */
  suffix?: string | undefined;
}

/** A job to create, in the provider-neutral vocabulary. `providerOptions` sends any field of the provider's own request. */
export interface JobRequest<ProviderOptions> extends NeutralHyperparameters {
  /** The base model to fine-tune. */
  model: string;
  /** Id of the uploaded training file. */
  trainingFile: string;
  /** Id of the uploaded validation file. */
  validationFile?: string | undefined;
  /** Fields of the provider's own create request, for what the neutral options do not cover. */
  providerOptions?: ProviderOptions | undefined;
}

/** The file id a request is checked with before its files are uploaded (`train`, `tunekit train`). */
export const CHECK_FILE = 'file-tunekit-check';

/** The neutral options a mapping table covers. */
export type NeutralOption = keyof NeutralHyperparameters | 'validationFile';

/** Every neutral option, in the order the mapping table of docs/mapping.md lists them. */
export const NEUTRAL_OPTIONS: readonly NeutralOption[] = [
  'validationFile',
  'epochs',
  'batchSize',
  'learningRate',
  'warmupRatio',
  'weightDecay',
  'lora',
  'suffix',
];

/** What one neutral option becomes on one provider: a field of its request, or a refusal that says why. */
export type OptionRule<Body> =
  | {
      /** Where it goes in the provider's request (for the table in docs/mapping.md). */
      field: string;
      /** Sets it on `body`; returns a reason instead when this value cannot be sent. */
      apply(body: Body, value: unknown): string | undefined;
    }
  | { refused: string };

/** A provider's mapping table: every neutral option, mapped or refused. */
export type MappingTable<Body> = Record<NeutralOption, OptionRule<Body>>;

/** A job in the neutral vocabulary; `raw` is the provider's own object, with its own generated type. */
export interface NeutralJobBase {
  id: string;
  status: JobStatus;
  /** The provider's own status (`validating_files`, `compressing`, …). */
  providerStatus: string;
  /** The base model. */
  model: string | undefined;
  /** The name to call once it succeeded, where the job has one (a Nebius job has none: see `train({ deploy })`). */
  fineTunedModel: string | undefined;
  trainingFile: string | undefined;
  validationFile: string | undefined;
  createdAt: Date | undefined;
  finishedAt: Date | undefined;
  progress: JobProgressFields;
  /** The provider's error code and message, when the job failed and says why. */
  error: { code: string | undefined; message: string } | undefined;
}

/** An uploaded file in the neutral vocabulary. */
export interface NeutralFile<Raw = unknown> {
  provider: ProviderName;
  id: string;
  filename: string;
  bytes: number;
  createdAt: Date | undefined;
  purpose: string;
  /** `uploaded` → `processed` (or `error`) where the provider tracks it; `undefined` where it does not. */
  status: 'uploaded' | 'processed' | 'error' | undefined;
  raw: Raw;
}

/** A checkpoint in the neutral vocabulary. */
export interface NeutralCheckpoint<Raw = unknown> {
  provider: ProviderName;
  /** The provider's id (Together's checkpoints have none: their step). */
  id: string;
  step: number;
  createdAt: Date | undefined;
  /** What to call or load: a model name (OpenAI, Nebius checkpoint name) or a path (Together). */
  model: string | undefined;
  trainingLoss: number | undefined;
  validationLoss: number | undefined;
  raw: Raw;
}

/** Sets `name` to `value` in `target` unless `providerOptions` already set it to something else (then: why not). */
export function setOnce<T extends object, K extends keyof T>(target: T, name: K, value: T[K], path: string): string | undefined {
  const current = target[name];
  if (current !== undefined && current !== null && current !== value) {
    return `providerOptions.${path} is ${JSON.stringify(current)} already; set it in one place`;
  }
  target[name] = value;
  return undefined;
}

/** The rule for a string at the top of the request under `field` (`validation_file`, `suffix`): set once, else `rule`. */
export function stringField<K extends string, Body extends Partial<Record<K, string | null>>>(field: K, rule: string): OptionRule<Body> {
  return {
    field,
    apply: (body, value) => {
      const target: Partial<Record<K, string | null>> = body;
      return typeof value === 'string' ? setOnce(target, field, value, field) : rule;
    },
  };
}

/**
 * Builds a provider's request from a neutral one with its mapping table: every option given is mapped or refused
 * (a `ValidationError` naming the provider, the option and why), never dropped.
 */
export function mapRequest<Body>(
  provider: ProviderName,
  table: MappingTable<Body>,
  body: Body,
  request: Partial<Record<NeutralOption, unknown>>,
): Body {
  const problems: { field: string; rule: string; value: unknown; message: string }[] = [];
  for (const option of NEUTRAL_OPTIONS) {
    const value = request[option];
    if (value === undefined) continue;
    const rule = table[option];
    const why = 'refused' in rule ? rule.refused : rule.apply(body, value);
    if (why !== undefined)
      problems.push({
        field: option,
        rule: why,
        value,
        message: `${option} = ${JSON.stringify(value)} cannot be sent to ${provider}: ${why}`,
      });
  }
  if (problems.length) {
    throw ValidationError.of(`${provider} jobs.create`, ...problems);
  }
  return body;
}

/** The options of a neutral request, for `mapRequest`. */
export function neutralOptions(request: NeutralHyperparameters & { validationFile?: string }): Partial<Record<NeutralOption, unknown>> {
  const { epochs, batchSize, learningRate, warmupRatio, weightDecay, lora, suffix, validationFile } = request;
  return { epochs, batchSize, learningRate, warmupRatio, weightDecay, lora, suffix, validationFile };
}

/** `value` as a positive whole number, or why not. */
export function wholeNumber(value: unknown, min = 1): number | string {
  return typeof value === 'number' && Number.isInteger(value) && value >= min ? value : `must be a whole number ≥ ${min}`;
}

/** `value` as a finite number, or why not. */
export function finiteNumber(value: unknown): number | string {
  return typeof value === 'number' && Number.isFinite(value) ? value : 'must be a number';
}

/** `lora` as settings (`true` → defaults), `false` for full fine-tuning, or why not. */
export function loraSettings(value: unknown): LoraOptions | false | string {
  if (value === false) return false;
  if (value === true) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be true, false, or { rank, alpha, dropout }';
  const settings: LoraOptions = {};
  for (const [name, v] of Object.entries(value)) {
    if (name !== 'rank' && name !== 'alpha' && name !== 'dropout') return `lora takes rank, alpha and dropout, not ${name}`;
    if (v === undefined) continue;
    if (typeof v !== 'number') return `lora.${name} must be a number`;
    settings[name] = v;
  }
  return settings;
}
