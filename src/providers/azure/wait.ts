/** Azure OpenAI, for the workflow: its statuses (no `paused`), where its progress and errors are, its events. */
import { facts } from './facts.js';
import type { components } from '../../../generated/azure.js';
import { openAIStyleWait, type OpenAIStyleJobReader } from '../openai-style/wait.js';
import type { JobFailure, JobProgressFields, WaitAdapter } from '../../poller/types.js';
import type { JobStatus } from '../../core/provider.js';
import { statusIn } from '../../core/provider.js';
import { dateOf, numberOr } from '../../core/records.js';

type Job = components['schemas']['FineTuningJob'];
type Event = components['schemas']['FineTuningJobEvent'];

/** The epochs a job was asked for, wherever the request put them (`method.*.hyperparameters` or the legacy field). */
function azureEpochs(job: Job): number | undefined {
  const method = job.method;
  const hyper =
    method?.supervised?.hyperparameters ?? method?.dpo?.hyperparameters ?? method?.reinforcement?.hyperparameters ?? job.hyperparameters;
  return numberOr(hyper?.n_epochs);
}

/** An Azure job's neutral status; `undefined` for a status the table does not know (such as a `paused` the document omits). */
export const azureStatus = (job: Job): JobStatus | undefined => statusIn(facts.statuses, job.status);

/** ETA, tokens and epochs, from the job itself (steps come from its metrics events). */
export const azureProgress = (job: Job): JobProgressFields => ({
  step: undefined,
  totalSteps: undefined,
  epoch: undefined,
  totalEpochs: azureEpochs(job),
  estimatedFinish: dateOf(job.estimated_finish),
  trainedTokens: numberOr(job.trained_tokens),
});

/** The job's own error code and message. */
export const azureFailure = (job: Job): JobFailure | undefined =>
  job.error?.message ? { code: job.error.code || undefined, message: job.error.message } : undefined;

/** How `jobs.wait` reads an Azure job: ETA and tokens from the job, steps and loss from its metrics events. */
export function azureWait(jobs: OpenAIStyleJobReader<Job, Event>): WaitAdapter<Job, Event> {
  return openAIStyleWait('azure', jobs, { status: azureStatus, progress: azureProgress, failure: azureFailure });
}
