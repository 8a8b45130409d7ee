import { ValidationError, type FieldViolation } from '../core/errors.js';
import { isRecord } from '../core/records.js';
import { schemasOf, type Rules } from '../core/schemas.js';
import { checkValue, describeProblem } from '../core/validate.js';
import type { ProviderOptionsOf } from '../workflow/api.js';
import { CHECK_FILE, type JobRequest, type NeutralHyperparameters } from '../workflow/neutral.js';
import { providerRequest } from '../workflow/tuner.js';
import type { ProviderName } from '../providers/registry/providers.js';
import type { Session } from './provider.js';

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
}

/** The request flags among a command's options (read without casts). */
export function requestFlags(options: Record<string, unknown>): RequestFlags {
  const num = (name: string): number | undefined => (typeof options[name] === 'number' ? options[name] : undefined);
  const batch = options['batchSize'];
  const inputs = options['trainOnInputs'];
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
    refuse([{ field: '--no-lora', rule: 'LoRA settings need LoRA', value: false, message: '--no-lora (full fine-tuning) cannot go with --lora-rank, --lora-alpha or --lora-dropout' }]);
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

/** Where a problem's field came from on the command line: an `--option` path, or a flag. */
function flagOf(field: string, options: Record<string, unknown>): string {
  let at: unknown = options;
  const parts = field.split('.');
  for (const part of parts) at = isRecord(at) ? at[part] : undefined;
  if (at !== undefined) return `--option ${field}`;
  const leaf = parts[parts.length - 1]?.replace(/\[\d+\]$/, '') ?? field;
  return FLAG_OF_FIELD[leaf] ?? `--option ${field}`;
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
  refuse(problems.map((p) => {
    const flag = flagOf(p.field, providerOptions);
    return { field: flag, rule: p.rule, value: p.value, message: `${flag}: ${describeProblem(p)} (${name}'s API document)`, ...(p.suggestion ? { suggestion: p.suggestion } : {}) };
  }));
}

/** `--train-on-inputs` into the provider's own options, or refused as the provider's data says. */
function withTrainOnInputs<P extends ProviderName>({ provider: name, cli }: Pick<Session<P>, 'provider' | 'cli'>, flags: RequestFlags): Record<string, unknown> {
  const options = structuredClone(flags.option ?? {});
  if (flags.trainOnInputs === undefined) return options;
  const rule = cli.trainOnInputs;
  if ('refused' in rule) {
    refuse([{ field: '--train-on-inputs', rule: rule.refused, value: flags.trainOnInputs, message: `--train-on-inputs ${String(flags.trainOnInputs)} cannot be sent to ${name}: ${rule.refused}` }]);
  }
  if (options[rule.field] !== undefined && options[rule.field] !== flags.trainOnInputs) {
    refuse([{ field: '--train-on-inputs', rule: 'set once', value: flags.trainOnInputs, message: `--train-on-inputs and --option ${rule.field} disagree; set it in one place` }]);
  }
  options[rule.field] = flags.trainOnInputs;
  return options;
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
): Promise<{ hyperparameters: NeutralHyperparameters; providerOptions: ProviderOptionsOf<P> | undefined }> {
  const hyperparameters = neutralHyperparameters(flags);
  const providerOptions = withTrainOnInputs(session, flags);
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
    refuse(error.problems.map((p) => {
      const flag = NEUTRAL_FLAGS[p.field]?.split(' / ')[0] ?? p.field;
      return { ...p, field: flag, message: `${flag} ${typeof p.value === 'object' ? JSON.stringify(p.value) : String(p.value)} cannot be sent to ${session.provider}: ${p.rule}` };
    }));
  }
  assertCreateBody(session, rules, body, providerOptions);
  return { hyperparameters, providerOptions: Object.keys(providerOptions).length ? providerOptions : undefined };
}
