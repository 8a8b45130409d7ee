import { ValidationError, type FieldViolation } from '../core/errors.js';
import { isRecord } from '../core/records.js';
import { schemasOf, type Rules, type Schema } from '../core/schemas.js';
import { checkValue } from '../core/validate.js';
import { describeProblem } from '../core/problem-report.js';
import { suggestKey } from '../core/check.js';
import type { ProviderOptionsOf } from '../workflow/api.js';
import { readFile } from 'node:fs/promises';
import {
  CHECK_FILE,
  type CheckpointSource,
  type JobRequest,
  type NeutralHyperparameters,
  type NeutralJobOptions,
  type TrainingMethod,
} from '../workflow/neutral.js';
import { providerRequest } from '../workflow/tuner.js';
import type { ProviderName } from '../providers/registry/providers.js';
import type { Session } from './provider.js';

type Env = Record<string, string | undefined>;

/** A job's request from the command line: neutral flags, then `--option` fields, checked before any request. */

/** The neutral options' flags (docs/cli.md lists the same). */
const NEUTRAL_FLAGS: Record<string, string> = {
  epochs: '--epochs',
  batchSize: '--batch-size',
  learningRate: '--learning-rate',
  warmupRatio: '--warmup-ratio',
  weightDecay: '--weight-decay',
  lora: '--lora / --no-lora / --lora-rank / --lora-alpha / --lora-dropout',
  suffix: '--suffix',
  validationFile: '--validation',
  method: '--method / --dpo-beta / --grader',
  fromCheckpoint: '--from-checkpoint',
  seed: '--seed',
  tags: '--tag',
  metadata: '--metadata',
  integrations: '--wandb-project / --wandb-name / --wandb-entity',
};

/** The flag that set a field of a provider's request, by the field's last name (the providers share these names). */
const FLAG_OF_FIELD: Record<string, string> = {
  n_epochs: '--epochs',
  batch_size: '--batch-size',
  learning_rate: '--learning-rate',
  warmup_ratio: '--warmup-ratio',
  weight_decay: '--weight-decay',
  lora: '--lora',
  lora_r: '--lora-rank',
  lora_alpha: '--lora-alpha',
  lora_dropout: '--lora-dropout',
  suffix: '--suffix',
  train_on_inputs: '--train-on-inputs',
  validation_file: '--validation',
  model: '--model',
  beta: '--dpo-beta',
  dpo_beta: '--dpo-beta',
  grader: '--grader',
  seed: '--seed',
  random_seed: '--seed',
  tags: '--tag',
  metadata: '--metadata',
  project: '--wandb-project',
  wandb_project_name: '--wandb-project',
  wandb_name: '--wandb-name',
  wandb_entity: '--wandb-entity',
};

/** The flags' values as commander parsed them (each already checked for its type). */
export interface RequestFlags {
  epochs?: number;
  batchSize?: number | 'max';
  learningRate?: number;
  warmupRatio?: number;
  weightDecay?: number;
  lora?: boolean;
  loraRank?: number;
  loraAlpha?: number;
  loraDropout?: number;
  suffix?: string;
  trainOnInputs?: boolean | 'auto';
  option?: Record<string, unknown>;
  method?: 'supervised' | 'dpo' | 'reinforcement';
  dpoBeta?: number;
  grader?: string;
  fromCheckpoint?: string;
  seed?: number;
  tag?: string[];
  metadata?: Record<string, string>;
  wandbProject?: string;
  wandbName?: string;
  wandbEntity?: string;
}

/** The request flags among a command's options (read without casts). */
export function requestFlags(options: Record<string, unknown>): RequestFlags {
  const num = (name: string): number | undefined => (typeof options[name] === 'number' ? options[name] : undefined);
  const batch = options['batchSize'];
  const inputs = options['trainOnInputs'];
  const str = (name: string): string | undefined => (typeof options[name] === 'string' ? options[name] : undefined);
  const { method, tag: tags, metadata } = options;
  return {
    epochs: num('epochs'),
    batchSize: typeof batch === 'number' || batch === 'max' ? batch : undefined,
    learningRate: num('learningRate'),
    warmupRatio: num('warmupRatio'),
    weightDecay: num('weightDecay'),
    lora: typeof options['lora'] === 'boolean' ? options['lora'] : undefined,
    loraRank: num('loraRank'),
    loraAlpha: num('loraAlpha'),
    loraDropout: num('loraDropout'),
    suffix: typeof options['suffix'] === 'string' ? options['suffix'] : undefined,
    trainOnInputs: typeof inputs === 'boolean' || inputs === 'auto' ? inputs : undefined,
    option: isRecord(options['option']) ? options['option'] : undefined,
    method: method === 'supervised' || method === 'dpo' || method === 'reinforcement' ? method : undefined,
    dpoBeta: num('dpoBeta'),
    grader: str('grader'),
    fromCheckpoint: str('fromCheckpoint'),
    seed: num('seed'),
    tag: Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : undefined,
    metadata: isRecord(metadata) ? Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, String(v)])) : undefined,
    wandbProject: str('wandbProject'),
    wandbName: str('wandbName'),
    wandbEntity: str('wandbEntity'),
  };
}

function refuse(problems: FieldViolation[]): never {
  throw new ValidationError(problems.map((p) => p.message).join('; '), problems);
}

/** The neutral hyperparameters the flags ask for. */
function neutralHyperparameters(flags: RequestFlags): NeutralHyperparameters {
  const { loraRank: rank, loraAlpha: alpha, loraDropout: dropout } = flags;
  const settings = rank !== undefined || alpha !== undefined || dropout !== undefined;
  if (settings && flags.lora === false) {
    refuse([
      {
        field: '--no-lora',
        rule: 'LoRA settings need LoRA',
        value: false,
        message: '--no-lora (full fine-tuning) cannot go with --lora-rank, --lora-alpha or --lora-dropout',
      },
    ]);
  }
  return {
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    learningRate: flags.learningRate,
    warmupRatio: flags.warmupRatio,
    weightDecay: flags.weightDecay,
    lora: settings ? { rank, alpha, dropout } : flags.lora,
    suffix: flags.suffix,
  };
}

/** A flag given without the flag it goes with. */
function needs(flag: string, given: unknown, other: string, present: boolean): void {
  if (given !== undefined && !present)
    refuse([{ field: flag, rule: `goes with ${other}`, value: given, message: `${flag} goes with ${other}` }]);
}

/** `--grader`: a JSON file or JSON text, as an object. */
async function graderOf(value: string): Promise<Record<string, unknown>> {
  let text = value;
  if (!value.trim().startsWith('{')) {
    try {
      text = await readFile(value, 'utf8');
    } catch {
      refuse([{ field: '--grader', rule: 'a JSON file or JSON text', value, message: `--grader ${value}: no such file, and not JSON` }]);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isRecord(parsed))
    refuse([
      {
        field: '--grader',
        rule: 'a JSON object',
        value: '{…}',
        message: `--grader ${value}: not a JSON object (a grader as the provider's document writes it)`,
      },
    ]);
  return parsed;
}

/**
 * The job options the flags ask for: method, starting point, seed, labels, W&B. Secrets come from the environment
 * only (`WANDB_API_KEY`, `HF_TOKEN`), never from a flag; the W&B key is sent only where the provider takes one.
 */
async function jobOptions<P extends ProviderName>(provider: P, flags: RequestFlags, env: Env): Promise<NeutralJobOptions> {
  needs('--dpo-beta', flags.dpoBeta, '--method dpo', flags.method === 'dpo');
  needs('--grader', flags.grader, '--method reinforcement', flags.method === 'reinforcement');
  needs('--wandb-name', flags.wandbName, '--wandb-project', flags.wandbProject !== undefined);
  needs('--wandb-entity', flags.wandbEntity, '--wandb-project', flags.wandbProject !== undefined);
  const method: TrainingMethod | undefined =
    flags.method === 'reinforcement'
      ? { type: 'reinforcement', grader: flags.grader === undefined ? {} : await graderOf(flags.grader) }
      : flags.method === 'dpo'
        ? { type: 'dpo', beta: flags.dpoBeta }
        : flags.method;
  if (flags.method === 'reinforcement' && flags.grader === undefined)
    refuse([
      {
        field: '--method',
        rule: 'needs --grader',
        value: 'reinforcement',
        message: "--method reinforcement needs --grader FILE (its grader, as the provider's document writes it)",
      },
    ]);
  const from = flags.fromCheckpoint;
  const hf = from === undefined ? undefined : /^hf:([^@]+)(?:@(.+))?$/.exec(from);
  const fromCheckpoint: CheckpointSource | undefined =
    from === undefined
      ? undefined
      : hf
        ? { huggingFace: hf[1] ?? '', revision: hf[2], token: env['HF_TOKEN'] || undefined }
        : { checkpoint: from };
  const wandbKey = env['WANDB_API_KEY'] || undefined;
  const integrations =
    flags.wandbProject === undefined
      ? undefined
      : {
          wandb: {
            project: flags.wandbProject,
            name: flags.wandbName,
            entity: flags.wandbEntity,
            apiKey: wandbKey !== undefined && takesWandbKey(provider) ? wandbKey : undefined,
          },
        };
  return { method, fromCheckpoint, seed: flags.seed, tags: flags.tag, metadata: flags.metadata, integrations };
}

/** Whether the provider's mapping sends a W&B key in the request (some read it from the account instead, and refuse one). */
function takesWandbKey(provider: ProviderName): boolean {
  try {
    providerRequest(provider, { model: 'm', trainingFile: CHECK_FILE, integrations: { wandb: { project: 'p', apiKey: 'probe-key' } } });
    return true;
  } catch {
    return false;
  }
}

/** Where a problem's field came from on the command line: an `--option` path, or a flag. */
function flagOf(field: string, options: Record<string, unknown>): string {
  let at: unknown = options;
  const parts = field.split('.');
  // `integrations[0].wandb.project`: names and array indices, in order.
  for (const step of field.split(/\.|(?=\[)/)) {
    const index = /^\[(\d+)\]$/.exec(step)?.[1];
    at = index !== undefined ? (Array.isArray(at) ? at[Number(index)] : undefined) : isRecord(at) ? at[step] : undefined;
  }
  if (at !== undefined) return `--option ${field}`;
  const leaf = parts[parts.length - 1]?.replace(/\[\d+\]$/, '') ?? field;
  return FLAG_OF_FIELD[leaf] ?? `--option ${field}`;
}

/** Every field path of a request schema, however deep (through unions and allOf; arrays are not entered). */
function fieldPaths(schema: Schema, prefix = '', depth = 0, seen = new Set<Schema>()): string[] {
  if (depth > 6 || seen.has(schema)) return [];
  seen = new Set(seen).add(schema);
  const paths: string[] = [];
  for (const [name, child] of schema.properties ?? []) {
    const path = prefix ? `${prefix}.${name}` : name;
    paths.push(path, ...fieldPaths(child, path, depth + 1, seen));
  }
  for (const part of [...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) paths.push(...fieldPaths(part, prefix, depth + 1, seen));
  return [...new Set(paths)];
}

/**
 * For an unknown field that has no near sibling, the field it likely meant anywhere in the request (`n_epoch` →
 * `hyperparameters.n_epochs` on Nebius, `method.supervised.hyperparameters.n_epochs` on OpenAI), and the flag that sets it.
 */
function nestedSuggestion(body: Schema, field: string): string | undefined {
  const leaf = field.split('.').pop() ?? field;
  const paths = fieldPaths(body).filter((path) => path !== field);
  const leaves = [...new Set(paths.map((path) => path.split('.').pop() ?? path))];
  const meant = suggestKey(leaf, leaves);
  if (meant === undefined) return undefined;
  // The shortest path to it (OpenAI's supervised method before dpo and reinforcement: the document's order).
  const path = paths.filter((p) => (p.split('.').pop() ?? p) === meant).sort((a, b) => a.split('.').length - b.split('.').length)[0];
  if (path === undefined) return undefined;
  const flag = FLAG_OF_FIELD[meant];
  return flag ? `${flag} (or --option ${path}=…)` : path;
}

/**
 * Checks `body` against the document's rules of the create operation; every problem names the flag that set it.
 * Asserts `providerOptions` (which `body` contains) are fields of the provider's own request.
 */
function assertCreateBody<P extends ProviderName>(
  { provider: name, cli }: Pick<Session<P>, 'provider' | 'cli'>,
  rules: Rules,
  body: object,
  providerOptions: Record<string, unknown>,
): asserts providerOptions is ProviderOptionsOf<P> & Record<string, unknown> {
  const schema = schemasOf(rules).operation(cli.createOperation)?.properties?.get('body');
  if (schema === undefined) return;
  const problems = checkValue(schema, body);
  if (!problems.length) return;
  refuse(
    problems.map((p) => {
      const flag = flagOf(p.field, providerOptions);
      const suggestion = p.suggestion ?? (p.rule === 'unknown field' ? nestedSuggestion(schema, p.field) : undefined);
      const told = suggestion === undefined ? p : { ...p, suggestion };
      return {
        field: flag,
        rule: p.rule,
        value: p.secret ? '[redacted]' : p.value,
        message: `${flag}: ${describeProblem(told)} (${name}'s API document)`,
        ...(suggestion ? { suggestion } : {}),
      };
    }),
  );
}

/** `--train-on-inputs` into the provider's own options, or refused as the provider's data says. */
function withTrainOnInputs<P extends ProviderName>(
  { provider: name, cli }: Pick<Session<P>, 'provider' | 'cli'>,
  flags: RequestFlags,
): Record<string, unknown> {
  const options = structuredClone(flags.option ?? {});
  if (flags.trainOnInputs === undefined) return options;
  const rule = cli.trainOnInputs;
  if ('refused' in rule) {
    refuse([
      {
        field: '--train-on-inputs',
        rule: rule.refused,
        value: flags.trainOnInputs,
        message: `--train-on-inputs ${String(flags.trainOnInputs)} cannot be sent to ${name}: ${rule.refused}`,
      },
    ]);
  }
  if (options[rule.field] !== undefined && options[rule.field] !== flags.trainOnInputs) {
    refuse([
      {
        field: '--train-on-inputs',
        rule: 'set once',
        value: flags.trainOnInputs,
        message: `--train-on-inputs and --option ${rule.field} disagree; set it in one place`,
      },
    ]);
  }
  options[rule.field] = flags.trainOnInputs;
  return options;
}

/** `--option model=…` (or the file fields) beside the flag or argument that sets them: refused, never dropped. */
function refuseContradictions(
  options: Record<string, unknown>,
  model: string,
  files: { training: string | undefined; validation: string | undefined },
): void {
  const given: [string, string, string | undefined][] = [
    ['model', '--model', model],
    ['training_file', files.training === CHECK_FILE ? 'FILE' : '--training-file', files.training],
    ['validation_file', files.validation === CHECK_FILE ? '--validation' : '--validation-file', files.validation],
  ];
  const problems: FieldViolation[] = [];
  for (const [field, flag, value] of given) {
    const option = options[field];
    if (option === undefined || value === undefined || option === value) continue;
    problems.push({
      field: `--option ${field}`,
      rule: `set by ${flag}`,
      value: option,
      message: `--option ${field}=${JSON.stringify(option)} contradicts ${flag}${value === CHECK_FILE ? '' : ` ${value}`}: set it in one place (${flag})`,
    });
  }
  if (problems.length) refuse(problems);
}

/**
 * The job request the flags describe, refused before any request (or upload) when a neutral option cannot go to
 * this provider or a value breaks its document's rules: every problem named by its flag, value and rule.
 */
export async function checkedRequest<P extends ProviderName>(
  session: Pick<Session<P>, 'provider' | 'cli'>,
  model: string,
  flags: RequestFlags,
  files: { training: string | undefined; validation: string | undefined },
  env: Env = process.env,
): Promise<{ hyperparameters: NeutralHyperparameters & NeutralJobOptions; providerOptions: ProviderOptionsOf<P> | undefined }> {
  const hyperparameters = { ...neutralHyperparameters(flags), ...(await jobOptions(session.provider, flags, env)) };
  const providerOptions = withTrainOnInputs(session, flags);
  refuseContradictions(providerOptions, model, files);
  const rules = await session.cli.rules();
  assertCreateBody(session, rules, { ...providerOptions, model, training_file: CHECK_FILE }, providerOptions);
  const request: JobRequest<ProviderOptionsOf<P>> = {
    ...hyperparameters,
    model,
    trainingFile: files.training ?? CHECK_FILE,
    validationFile: files.validation,
    providerOptions,
  };
  let body: object;
  try {
    body = providerRequest(session.provider, request);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    refuse(
      error.problems.map((p) => {
        const flag = NEUTRAL_FLAGS[p.field]?.split(' / ')[0] ?? p.field;
        // As the user wrote it: --lora / --no-lora, not "--lora true"; the value after any other flag.
        const given =
          typeof p.value === 'boolean'
            ? p.value
              ? flag
              : flag.replace(/^--/, '--no-')
            : `${flag} ${typeof p.value === 'object' ? JSON.stringify(p.value) : String(p.value)}`;
        // The library's words name providerOptions paths; on the command line that is --option.
        const rule = p.rule
          .replace(/set providerOptions\.([\w.]+)/g, 'set it with --option $1=…')
          .replace(/providerOptions\.([\w.]+)/g, '--option $1');
        return { ...p, field: flag, rule, message: `${given} cannot be sent to ${session.provider}: ${rule}` };
      }),
    );
  }
  assertCreateBody(session, rules, body, providerOptions);
  return { hyperparameters, providerOptions: Object.keys(providerOptions).length ? providerOptions : undefined };
}
