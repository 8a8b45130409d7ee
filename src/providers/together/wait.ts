/** Together AI, for the workflow: its statuses, where its progress is, its events (no ids) and its metrics. */
import { facts } from './facts.js';
import type { components } from '../../../generated/together.js';
import type { RequestOptions } from '../../core/exchange.js';
import type { PageList } from '../../core/pagination.js';
import type { JobEvent, JobProgressFields, WaitAdapter } from '../../poller/types.js';
import type { JobStatus } from '../../core/provider.js';
import { statusIn } from '../../core/provider.js';
import { dateOf, numberOr } from '../../core/records.js';

type Job = components['schemas']['FinetuneResponse'];
type Event = components['schemas']['FineTuneEvent'];
type Summary = components['schemas']['FinetuneResponseTruncated'];

const levels: Record<string, JobEvent['level']> = { warning: 'warn', legacy_iwarning: 'warn', error: 'error', legacy_ierror: 'error' };
/** Event types whose `step` is a training step (the others carry 0 or a stale one). */
const stepTypes = new Set(['checkpoint_save', 'epoch_complete', 'training_complete']);

/** A Together event, normalized. Together's events have no id: its `hash`, else a fingerprint of time, type and message. */
export function togetherEvent(event: Event): JobEvent<Event> {
  return {
    id: event.hash || `${event.created_at}|${event.type}|${event.message}`,
    at: dateOf(event.created_at) ?? new Date(0),
    level: levels[event.level ?? ''] ?? 'info',
    message: event.message,
    type: event.type,
    step: stepTypes.has(event.type) && event.step > 0 ? event.step : undefined,
    totalSteps: event.total_steps > 0 ? event.total_steps : undefined,
    trainingLoss: undefined,
    validationLoss: undefined,
    raw: event,
  };
}

/** One point of `GET /fine-tunes/{id}/metrics` (`train/loss`, `train/global_step`, `eval/loss`, …), normalized. */
export function togetherMetric(point: Record<string, number>): {
  step: number | undefined;
  trainingLoss: number | undefined;
  validationLoss: number | undefined;
} {
  return {
    step: numberOr(point['train/global_step'] ?? point['global_step'] ?? point['step']),
    trainingLoss: numberOr(point['train/loss'] ?? point['loss']),
    validationLoss: numberOr(point['eval/loss'] ?? point['valid/loss'] ?? point['validation/loss']),
  };
}

/** The client methods waiting needs. */
export interface TogetherJobReader {
  retrieve(jobId: string, options?: RequestOptions): Promise<Job>;
  events(jobId: string, options?: RequestOptions): PageList<Event>;
  metrics(jobId: string, options?: RequestOptions): Promise<Record<string, number>[]>;
}

/** A Together job's neutral status (either form of the job); `undefined` for a status the table does not know. */
export const togetherStatus = (job: { status: Job['status'] }): JobStatus | undefined => statusIn(facts.statuses, job.status);

/** Epochs and ETA, from the job itself (steps come from its events, loss from its metrics). */
export const togetherProgress = (job: Job | Summary): JobProgressFields => {
  const full: Partial<Job> = job;
  const remaining = full.progress?.estimate_available ? numberOr(full.progress.seconds_remaining) : undefined;
  const since = dateOf(job.updated_at);
  return {
    step: undefined,
    totalSteps: undefined,
    epoch: numberOr(full.epochs_completed),
    totalEpochs: numberOr(job.n_epochs),
    estimatedFinish: remaining !== undefined && since ? new Date(since.getTime() + remaining * 1_000) : undefined,
    trainedTokens: undefined,
  };
};

/** How `jobs.wait` reads a Together job: epochs and ETA from the job, steps from its events, loss from its metrics. */
export function togetherWait(jobs: TogetherJobReader): WaitAdapter<Job, Event> {
  return {
    provider: 'together',
    retrieve: (jobId, options) => jobs.retrieve(jobId, options),
    providerStatus: (job) => job.status,
    status: togetherStatus,
    progress: togetherProgress,
    failure: () => undefined, // a Together job carries no error: the engine takes the last error event's message
    events: async function* (jobId, options) {
      for await (const event of jobs.events(jobId, options)) yield togetherEvent(event);
    },
    metrics: async (jobId, options) => (await jobs.metrics(jobId, options)).map(togetherMetric),
  };
}
