import { ValidationError, type FieldViolation } from '../core/errors.js';
import { isRecord } from '../core/records.js';
import { redactSecrets } from '../core/problem-report.js';
import { suggestKey } from '../core/check.js';
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

/** A preference (DPO) job's settings; each one is sent where the provider's document has it, refused where not. */
export interface PreferenceMethod {
  type: 'dpo';
  /** How far the tuned model may move from the reference model (DPO's beta). */
  beta?: number | undefined;
  /** Weight of a supervised (RPO) loss added to the preference loss (Together). */
  rpoAlpha?: number | undefined;
  /** SimPO's target reward margin (Together). */
  simpoGamma?: number | undefined;
  /** Normalize the log-ratios by sequence length (Together). */
  normalizeByLength?: boolean | undefined;
  /** Train without a reference model (Together). */
  referenceFree?: boolean | undefined;
}

/** Reinforcement fine-tuning (OpenAI, Azure OpenAI): a grader in OpenAI's own shape, checked against the provider's document. */
export interface ReinforcementMethod {
  type: 'reinforcement';
  /** The grader, as OpenAI's document writes it (`{ type: 'string_check', name, input, reference, operation }`, …). */
  grader: Record<string, unknown>;
  reasoningEffort?: 'default' | 'low' | 'medium' | 'high' | undefined;
  computeMultiplier?: number | undefined;
  evalInterval?: number | undefined;
  evalSamples?: number | undefined;
}

/** How the job trains: supervised (the default), preference (`'dpo'` or its settings) or reinforcement. */
export type TrainingMethod = 'supervised' | 'dpo' | { type: 'supervised' } | PreferenceMethod | ReinforcementMethod;

/**
 * Where a continued job starts: a job's checkpoint (its final one, or the one at `step`), a checkpoint by the
 * provider's own name for it (Together: `<job or model>[:step]`; OpenAI: a fine-tuned model or checkpoint model,
 * `ft:…`), or a Hugging Face model where the provider can start from one (`token` is a secret: never shown).
 */
export type CheckpointSource =
  | { job: string; step?: number | undefined }
  | { checkpoint: string }
  | { huggingFace: string; revision?: string | undefined; token?: string | undefined };

/** Weights & Biases: where the run logs. `apiKey` is a secret (never shown), needed where the provider has no key of its own. */
export interface WandbIntegration {
  project: string;
  name?: string | undefined;
  entity?: string | undefined;
  tags?: string[] | undefined;
  apiKey?: string | undefined;
  /** A dedicated W&B server (Together). */
  baseUrl?: string | undefined;
}

/** MLflow (Nebius): the tracking server and run; `password` is a secret (never shown). */
export interface MlflowIntegration {
  trackingUri: string;
  experimentName: string;
  runName: string;
  username: string;
  password: string;
  /** The server's CA certificate (PEM text), or `certificateFileId`, an uploaded one. */
  certificateFile?: string | undefined;
  certificateFileId?: string | undefined;
  tags?: Record<string, string> | undefined;
}

/** Experiment trackers, in one shape; each provider's own fields (see docs/mapping.md). */
export interface Integrations {
  wandb?: WandbIntegration | undefined;
  mlflow?: MlflowIntegration | undefined;
}

/** The job options beyond hyperparameters: method, starting point, seed, labels, trackers. */
export interface NeutralJobOptions {
  /** Supervised (the default), preference (DPO) or reinforcement (OpenAI, Azure OpenAI). */
  method?: TrainingMethod | undefined;
  /** Continue from a checkpoint or a Hugging Face model (see `CheckpointSource`). */
  fromCheckpoint?: CheckpointSource | undefined;
  /** For a reproducible run. */
  seed?: number | undefined;
  /** Labels of the job (Nebius). */
  tags?: string[] | undefined;
  /** Key-value pairs on the job (OpenAI, Azure OpenAI). */
  metadata?: Record<string, string> | undefined;
  /** Weights & Biases, MLflow. */
  integrations?: Integrations | undefined;
}

/** A job to create, in the provider-neutral vocabulary. `providerOptions` sends any field of the provider's own request. */
export interface JobRequest<ProviderOptions> extends NeutralHyperparameters, NeutralJobOptions {
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
export type NeutralOption = keyof NeutralHyperparameters | keyof NeutralJobOptions | 'validationFile';

/**
 * Every neutral option, in the order they are mapped and the mapping table of docs/mapping.md lists them (`method`
 * first: where the hyperparameters go depends on it).
 */
export const NEUTRAL_OPTIONS: readonly NeutralOption[] = [
  'method',
  'validationFile',
  'epochs',
  'batchSize',
  'learningRate',
  'warmupRatio',
  'weightDecay',
  'lora',
  'suffix',
  'fromCheckpoint',
  'seed',
  'tags',
  'metadata',
  'integrations',
];

/** Every key of a neutral job request (the options, and what every request has). */
const REQUEST_KEYS: Record<keyof JobRequest<unknown>, true> = {
  model: true,
  trainingFile: true,
  providerOptions: true,
  method: true,
  validationFile: true,
  epochs: true,
  batchSize: true,
  learningRate: true,
  warmupRatio: true,
  weightDecay: true,
  lora: true,
  suffix: true,
  fromCheckpoint: true,
  seed: true,
  tags: true,
  metadata: true,
  integrations: true,
};

/**
 * Refuses a key `known` does not have, before anything is sent: a `ValidationError` that names it and the key it
 * most likely meant, or where it belongs (`elsewhere`: a key of another argument, and which one).
 */
export function refuseUnknownKeys(
  where: string,
  given: object,
  known: readonly string[],
  elsewhere: Readonly<Record<string, string>> = {},
): void {
  const problems: FieldViolation[] = [];
  for (const [key, value] of Object.entries(given)) {
    if (known.includes(key) || value === undefined) continue;
    const belongs = elsewhere[key];
    const meant = belongs === undefined ? suggestKey(key, known) : undefined;
    const why = belongs ?? (meant ? `did you mean ${meant}?` : `known: ${known.join(', ')}`);
    problems.push({
      field: key,
      rule: 'unknown option',
      value: redactSecrets(undefined, value),
      message: `${key} is not an option of ${where} (${why})`,
      ...(meant ? { suggestion: meant } : {}),
    });
  }
  if (problems.length) throw ValidationError.of(where, ...problems);
}

/** Refuses a key of a neutral job request that is not one (a typo, or an option of another argument). */
export function refuseUnknownRequestKeys(where: string, request: object, elsewhere: Readonly<Record<string, string>> = {}): void {
  refuseUnknownKeys(where, request, Object.keys(REQUEST_KEYS), elsewhere);
}

/** What one neutral option becomes on one provider: a field of its request, or a refusal that says why. */
export type OptionRule<Body> =
  | {
      /** Where it goes in the provider's request (for the table in docs/mapping.md). */
      field: string;
      /** What the table adds: the shape sent, the values refused. */
      note?: string;
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

/** `setOnce` for a value that may be absent: nothing to set when it is `undefined`. */
export function setGiven<T extends object, K extends keyof T>(
  target: T,
  name: K,
  value: T[K] | undefined,
  path: string,
): string | undefined {
  return value === undefined ? undefined : setOnce(target, name, value, path);
}

/** The rule for a value at the top of the request under `field` (`seed`, `tags`, `metadata`): checked, then set once. */
export function checkedField<K extends string, V extends number | object, Body extends Partial<Record<K, V | null>>>(
  field: K,
  check: (value: unknown) => V | string,
): OptionRule<Body> {
  return {
    field,
    apply: (body, value) => {
      const target: Partial<Record<K, V | null>> = body;
      const checked = check(value);
      return typeof checked === 'string' ? checked : setOnce(target, field, checked, field);
    },
  };
}

/** A seed: a whole number ≥ 0, or why not. */
export const seedValue = (value: unknown): number | string => wholeNumber(value, 0);

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
    if (why !== undefined) {
      const shown = redactSecrets(undefined, value);
      problems.push({
        field: option,
        rule: why,
        value: shown,
        message: `${option} = ${JSON.stringify(shown)} cannot be sent to ${provider}: ${why}`,
      });
    }
  }
  if (problems.length) {
    throw ValidationError.of(`${provider} jobs.create`, ...problems);
  }
  return body;
}

/** The options of a neutral request, for `mapRequest`. */
export function neutralOptions(
  request: NeutralHyperparameters & NeutralJobOptions & { validationFile?: string | undefined },
): Partial<Record<NeutralOption, unknown>> {
  const options: Partial<Record<NeutralOption, unknown>> = {};
  for (const option of NEUTRAL_OPTIONS) options[option] = request[option];
  return options;
}

/** The rule for an option the provider's document has no field for: refused, saying so. */
export const absent = (refused: string): { refused: string } => ({ refused });

/** `value` as a record (a plain object), or `undefined`. */
function recordOf(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

/** `value` as a list of strings, or why not. */
export function stringList(value: unknown): string[] | string {
  return Array.isArray(value) && value.every((item): item is string => typeof item === 'string') ? value : 'must be a list of strings';
}

/** `value` as a map of strings to strings, or why not. */
export function stringMap(value: unknown): Record<string, string> | string {
  const record = recordOf(value);
  if (!record) return 'must be an object of strings';
  const map: Record<string, string> = {};
  for (const [key, v] of Object.entries(record)) {
    if (typeof v !== 'string') return `${key} must be a string`;
    map[key] = v;
  }
  return map;
}

/** The keys of `value` outside `known`, as a reason (with the one it likely meant), or `undefined`. */
function unknownKeys(value: Record<string, unknown>, known: readonly string[], what: string): string | undefined {
  const unknown = Object.keys(value).find((key) => !known.includes(key) && value[key] !== undefined);
  if (unknown === undefined) return undefined;
  const meant = suggestKey(unknown, known);
  return `${what} takes ${known.join(', ')}, not ${unknown}${meant ? ` (did you mean ${meant}?)` : ''}`;
}

/** The dataset checker's `method` for a job's method: preference data for DPO, reinforcement data for RFT. */
export function datasetMethod(method: unknown): 'supervised' | 'preference' | 'reinforcement' | undefined {
  const settings = methodOf(method);
  if (typeof settings === 'string') return undefined;
  return settings.type === 'dpo' ? 'preference' : settings.type;
}

/** The method as settings (`'dpo'` → `{ type: 'dpo' }`), or why not. */
export function methodOf(value: unknown): { type: 'supervised' } | PreferenceMethod | ReinforcementMethod | string {
  if (value === 'supervised' || value === 'dpo') return { type: value };
  if (value === 'reinforcement') return 'a reinforcement job needs its grader: { type: "reinforcement", grader: { … } }';
  const record = recordOf(value);
  const type = record?.['type'];
  if (!record || typeof type !== 'string') return 'must be "supervised", "dpo", or { type: "supervised" | "dpo" | "reinforcement", … }';
  if (type === 'supervised') return unknownKeys(record, ['type'], 'a supervised method') ?? { type };
  if (type === 'dpo') {
    const known = ['type', 'beta', 'rpoAlpha', 'simpoGamma', 'normalizeByLength', 'referenceFree'];
    const why = unknownKeys(record, known, 'a dpo method');
    if (why) return why;
    const { beta, rpoAlpha, simpoGamma, normalizeByLength, referenceFree } = record;
    for (const [name, v] of Object.entries({ beta, rpoAlpha, simpoGamma }))
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) return `${name} must be a number`;
    for (const [name, v] of Object.entries({ normalizeByLength, referenceFree }))
      if (v !== undefined && typeof v !== 'boolean') return `${name} must be true or false`;
    return {
      type,
      beta: numberOrNot(beta),
      rpoAlpha: numberOrNot(rpoAlpha),
      simpoGamma: numberOrNot(simpoGamma),
      normalizeByLength: normalizeByLength === undefined ? undefined : normalizeByLength === true,
      referenceFree: referenceFree === undefined ? undefined : referenceFree === true,
    };
  }
  if (type === 'reinforcement') {
    const known = ['type', 'grader', 'reasoningEffort', 'computeMultiplier', 'evalInterval', 'evalSamples'];
    const why = unknownKeys(record, known, 'a reinforcement method');
    if (why) return why;
    const grader = recordOf(record['grader']);
    if (!grader) return "a reinforcement method needs its grader, an object as the provider's document writes it";
    const effort = record['reasoningEffort'];
    if (effort !== undefined && effort !== 'default' && effort !== 'low' && effort !== 'medium' && effort !== 'high')
      return 'reasoningEffort must be default, low, medium or high';
    const { computeMultiplier, evalInterval, evalSamples } = record;
    for (const [name, v] of Object.entries({ computeMultiplier, evalInterval, evalSamples }))
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) return `${name} must be a number`;
    return {
      type,
      grader,
      reasoningEffort: effort,
      computeMultiplier: numberOrNot(computeMultiplier),
      evalInterval: numberOrNot(evalInterval),
      evalSamples: numberOrNot(evalSamples),
    };
  }
  return `method type "${type}" is not one of supervised, dpo, reinforcement`;
}

const numberOrNot = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** The starting checkpoint, checked for its shape, or why not. */
export function checkpointOf(value: unknown): CheckpointSource | string {
  const record = recordOf(value);
  const shapes = '{ job, step? }, { checkpoint } or { huggingFace, revision?, token? }';
  if (!record) return `must be ${shapes}`;
  const text = (name: string): string | undefined =>
    typeof record[name] === 'string' && record[name] !== '' ? String(record[name]) : undefined;
  if ('job' in record) {
    const job = text('job');
    const step = record['step'];
    if (job === undefined) return 'job must be a job id';
    if (step !== undefined && !(typeof step === 'number' && Number.isInteger(step) && step >= 1)) return 'step must be a whole number ≥ 1';
    return unknownKeys(record, ['job', 'step'], 'a job checkpoint') ?? { job, step: numberOrNot(step) };
  }
  if ('checkpoint' in record) {
    const checkpoint = text('checkpoint');
    if (checkpoint === undefined) return "checkpoint must be the provider's name of a checkpoint";
    return unknownKeys(record, ['checkpoint'], 'a named checkpoint') ?? { checkpoint };
  }
  if ('huggingFace' in record) {
    const huggingFace = text('huggingFace');
    if (huggingFace === undefined) return 'huggingFace must be a model repository (owner/name)';
    const revision = record['revision'];
    const token = record['token'];
    if (revision !== undefined && typeof revision !== 'string') return 'revision must be a string';
    if (token !== undefined && typeof token !== 'string') return 'token must be a string';
    return (
      unknownKeys(record, ['huggingFace', 'revision', 'token'], 'a Hugging Face model') ?? {
        huggingFace,
        revision: typeof revision === 'string' ? revision : undefined,
        token: typeof token === 'string' ? token : undefined,
      }
    );
  }
  return `must be ${shapes}`;
}

/** The integrations, checked for their shape, or why not. */
export function integrationsOf(value: unknown): Integrations | string {
  const record = recordOf(value);
  if (!record) return 'must be { wandb?, mlflow? }';
  const why = unknownKeys(record, ['wandb', 'mlflow'], 'integrations');
  if (why) return why;
  const integrations: Integrations = {};
  if (record['wandb'] !== undefined) {
    const wandb = recordOf(record['wandb']);
    if (!wandb) return 'wandb must be { project, name?, entity?, tags?, apiKey?, baseUrl? }';
    const bad = unknownKeys(wandb, ['project', 'name', 'entity', 'tags', 'apiKey', 'baseUrl'], 'wandb');
    if (bad) return bad;
    const strings = ['project', 'name', 'entity', 'apiKey', 'baseUrl'].find((k) => wandb[k] !== undefined && typeof wandb[k] !== 'string');
    if (strings) return `wandb.${strings} must be a string`;
    const project = wandb['project'];
    if (typeof project !== 'string' || project === '') return 'wandb.project is required';
    const tags = wandb['tags'] === undefined ? undefined : stringList(wandb['tags']);
    if (typeof tags === 'string') return `wandb.tags ${tags}`;
    const text = (name: string): string | undefined => (typeof wandb[name] === 'string' ? String(wandb[name]) : undefined);
    integrations.wandb = { project, name: text('name'), entity: text('entity'), tags, apiKey: text('apiKey'), baseUrl: text('baseUrl') };
  }
  if (record['mlflow'] !== undefined) {
    const mlflow = recordOf(record['mlflow']);
    const keys = ['trackingUri', 'experimentName', 'runName', 'username', 'password', 'certificateFile', 'certificateFileId', 'tags'];
    if (!mlflow) return `mlflow must be { ${keys.join(', ')} }`;
    const bad = unknownKeys(mlflow, keys, 'mlflow');
    if (bad) return bad;
    const text = (name: string): string | undefined => (typeof mlflow[name] === 'string' ? String(mlflow[name]) : undefined);
    const missing = ['trackingUri', 'experimentName', 'runName', 'username', 'password'].find((k) => text(k) === undefined);
    if (missing) return `mlflow.${missing} is required (a string)`;
    const tags = mlflow['tags'] === undefined ? undefined : stringMap(mlflow['tags']);
    if (typeof tags === 'string') return `mlflow.tags: ${tags}`;
    integrations.mlflow = {
      trackingUri: text('trackingUri') ?? '',
      experimentName: text('experimentName') ?? '',
      runName: text('runName') ?? '',
      username: text('username') ?? '',
      password: text('password') ?? '',
      certificateFile: text('certificateFile'),
      certificateFileId: text('certificateFileId'),
      tags,
    };
  }
  return integrations;
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
