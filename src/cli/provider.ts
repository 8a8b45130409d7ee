import { UsageError } from './exit.js';
import type { RequestOptions } from '../core/exchange.js';
import type { ProviderTypes, Tuner } from '../workflow/api.js';
import type { ProviderTuning } from '../workflow/tuning.js';
import type { Output } from './output.js';
import type { Rules } from '../core/schemas.js';
import type { ProviderName, providers } from '../providers/registry/providers.js';
import type { NeutralFile } from '../workflow/neutral.js';

/** Everything a command needs to talk to one provider: its neutral API, its own data, where to write, when to stop. */
export interface Session<P extends ProviderName = ProviderName> {
  provider: P;
  /** The provider's facts: its label, environment variables, statuses. */
  facts: (typeof providers)[P];
  cli: CliProvider<P>;
  tuner: Tuner<P>;
  /** How the provider's own objects read in the neutral vocabulary (for the provider's own commands). */
  tuning: ProviderTuning<P, ProviderTypes[P]>;
  out: Output;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
  request: RequestOptions;
  /** `tunekit --provider P` (`npx tunekit …` when run through npm; `--base-url` when given): the start of a command that reaches the same API again. */
  again: string;
  /** The provider's own command `group name` (`jobs pause`), bound to this session; `undefined` where it has none. */
  command(group: string, name: string): ((args: string[], options: Record<string, unknown>) => Promise<void>) | undefined;
}

/** A session of whichever provider the flags chose. */
export type AnySession = Session<ProviderName>;

/** One point of a loss curve: the training and/or validation loss at a step. */
export interface LossPoint {
  step: number;
  trainingLoss: number | undefined;
  validationLoss: number | undefined;
}

/** An option of a provider's own command, as commander declares it. */
interface CommandOption {
  flags: string;
  description: string;
  parse?: (value: string) => unknown;
}

/** A command only one provider has (`jobs pause` on OpenAI, `jobs download` on Together), declared as data. */
export interface ProviderCommand<P extends ProviderName> {
  group: 'jobs' | 'models';
  name: string;
  summary: string;
  args: { name: string; description: string }[];
  options?: CommandOption[];
  /** Takes the neutral hyperparameter flags too (`jobs price`). */
  hyperparameters?: boolean;
  run(session: Session<P>, args: string[], options: Record<string, unknown>): Promise<void>;
}

/** What the CLI knows about one provider beyond the neutral API: plain data, plus the few calls that differ. */
export interface CliProvider<P extends ProviderName> {
  /** The document's request rules (`generated/<provider>.rules.ts`), loaded when a request is checked. */
  rules(): Promise<Rules>;
  /** The file purposes `files upload --purpose` takes (the document's enum). */
  purposes: readonly string[];
  /** `files.upload` with one of `purposes` (the provider's own call; `check` applies to dataset purposes). */
  uploadAs(
    session: Session<P>,
    path: string,
    purpose: string,
    options: { check: boolean; onProgress: (progress: { loaded: number; total: number | undefined }) => void },
  ): Promise<NeutralFile>;
  /** What a neutral flag means here where it differs (`--batch-size`: `or "max"`), shown in its help. */
  flagNotes?: Readonly<Record<string, string>>;
  /** The document's create operation, whose rules check a job's request before anything is sent. */
  createOperation: string;
  /** Where `--train-on-inputs` goes in the provider's request, or why it cannot. */
  trainOnInputs: { field: string } | { refused: string };
  /** Why `train --deploy` does not apply, where it does not. */
  deployRefused: string | undefined;
  /** What a person must still do before the trained model answers, where the job's model is not callable yet (Azure: deploy it). */
  modelNote?: string;
  /** Every loss point the provider has recorded for a job, by step. */
  lossPoints(session: Session<P>, jobId: string): Promise<LossPoint[]>;
  commands: ProviderCommand<P>[];
}

/** `value` as one of `values` (a member of a document's enum), or a usage error naming the flag and the choices. */
export function oneOf<const T extends string>(values: readonly T[], value: string, flag: string, label: string): T {
  const chosen = values.find((known) => known === value);
  if (chosen === undefined) throw new UsageError(`${flag} "${value}" is not one ${label} takes: ${values.join(', ')}`);
  return chosen;
}
