import type { ProviderName } from '../../workflow/types.js';
import type { Session } from '../session.js';

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
  name: P;
  label: string;
  /** The environment variable the API key comes from (the client reads it; the CLI names it in messages). */
  keyEnv: string;
  /** The document's create operation, whose rules check a job's request before anything is sent. */
  createOperation: string;
  /** Where `--train-on-inputs` goes in the provider's request, or why it cannot. */
  trainOnInputs: { field: string } | { refused: string };
  /** Why `train --deploy` does not apply, where it does not. */
  deployRefused: string | undefined;
  /** Every loss point the provider has recorded for a job, by step. */
  lossPoints(session: Session<P>, jobId: string): Promise<LossPoint[]>;
  commands: ProviderCommand<P>[];
}
