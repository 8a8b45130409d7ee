/** Nebius Token Factory, for the workflow: its statuses, where its progress and errors are, its events. */
import { facts } from './facts.js';
import type { components } from '../../../generated/nebius.js';
import { openAIStyleWait, type OpenAIStyleJobReader } from '../openai-style/wait.js';
import type { JobFailure, JobProgressFields, WaitAdapter } from '../../poller/types.js';
import type { JobStatus } from '../../core/provider.js';
import { statusIn } from '../../core/provider.js';
import { dateOf, numberOr } from '../../core/records.js';

type Job = components['schemas']['FineTuningJob'];
type Event = components['schemas']['FineTuningJobEvent'];

/** A Nebius job's neutral status; `undefined` for a status the table does not know. */
export const nebiusStatus = (job: Job): JobStatus | undefined => statusIn(facts.statuses, job.status);

/** Steps, ETA and tokens, from the job itself. */
export const nebiusProgress = (job: Job): JobProgressFields => ({
  step: numberOr(job.trained_steps),
  totalSteps: numberOr(job.total_steps),
  epoch: undefined,
  totalEpochs: numberOr(job.hyperparameters?.n_epochs),
  estimatedFinish: dateOf(job.estimated_finish),
  trainedTokens: numberOr(job.trained_tokens),
});

/** The job's own error code and message. */
export const nebiusFailure = (job: Job): JobFailure | undefined =>
  job.error ? { code: job.error.code || undefined, message: job.error.message } : undefined;

/** How `jobs.wait` reads a Nebius job: steps and ETA from the job, loss from its metrics events. */
export function nebiusWait(jobs: OpenAIStyleJobReader<Job, Event>): WaitAdapter<Job, Event> {
  return openAIStyleWait('nebius', jobs, { status: nebiusStatus, progress: nebiusProgress, failure: nebiusFailure });
}
