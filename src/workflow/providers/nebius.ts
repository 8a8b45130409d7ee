/** Nebius Token Factory, for the workflow: its statuses, where its progress and errors are, its events. */
import type { components } from '../../../generated/nebius.js';
import { dateOf, numberOr, openAIStyleWait, statusIn, type OpenAIStyleJobReader } from '../events.js';
import type { JobFailure, JobProgressFields, JobStatus, WaitAdapter } from '../types.js';

type Job = components['schemas']['FineTuningJob'];
type Event = components['schemas']['FineTuningJobEvent'];

/** Every status of the document's enum, in the neutral vocabulary. */
const nebiusStatuses: Record<Job['status'], JobStatus> = {
  validating_files: 'validating',
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** A Nebius job's neutral status; `undefined` for a status the table does not know. */
export const nebiusStatus = (job: Job): JobStatus | undefined => statusIn(nebiusStatuses, job.status);

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
export const nebiusFailure = (job: Job): JobFailure | undefined => (job.error ? { code: job.error.code || undefined, message: job.error.message } : undefined);

/** How `jobs.wait` reads a Nebius job: steps and ETA from the job, loss from its metrics events. */
export function nebiusWait(jobs: OpenAIStyleJobReader<Job, Event>): WaitAdapter<Job, Event> {
  return openAIStyleWait('nebius', jobs, { status: nebiusStatus, progress: nebiusProgress, failure: nebiusFailure });
}
