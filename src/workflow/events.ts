import type { RequestOptions } from '../core/exchange.js';
import type { PageList } from '../core/pagination.js';
import { isRecord } from '../core/records.js';
import type { JobEvent, JobStatus, ProviderName, WaitAdapter } from '../poller/types.js';

/** A number, or `undefined` for anything else (the documents type event data loosely). */
export function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Unix seconds (Nebius, OpenAI) or an ISO string (Together) as a Date; `undefined` when absent or unreadable. */
export function dateOf(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return new Date(value * 1_000);
  if (typeof value === 'string' && value) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/** `status` in the neutral vocabulary by a provider's table; `undefined` for a status the table does not know. */
export function statusIn<Status extends string>(table: Record<Status, JobStatus>, status: string): JobStatus | undefined {
  const known = (value: string): value is Status => value in table;
  return known(status) ? table[status] : undefined;
}

/** What the OpenAI-style event both Nebius and OpenAI send looks like, as far as tunekit reads it. */
interface OpenAIStyleEvent {
  id: string;
  created_at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  type?: string | null;
  data?: unknown;
}

/** A Nebius or OpenAI event, normalized: metrics events (`type: "metrics"`) carry `data.step`, `train_loss`, `valid_loss`. */
export function openAIStyleEvent<Raw extends OpenAIStyleEvent>(event: Raw): JobEvent<Raw> {
  const data = isRecord(event.data) ? event.data : {};
  return {
    id: event.id,
    at: dateOf(event.created_at) ?? new Date(0),
    level: event.level,
    message: event.message,
    type: event.type ?? undefined,
    step: numberOr(data['step']),
    totalSteps: numberOr(data['total_steps']),
    trainingLoss: numberOr(data['train_loss']),
    validationLoss: numberOr(data['valid_loss']) ?? numberOr(data['full_valid_loss']),
    raw: event,
  };
}

/** The client methods waiting on an OpenAI-style job needs. */
export interface OpenAIStyleJobReader<Job, Raw> {
  retrieve(jobId: string, options?: RequestOptions): Promise<Job>;
  events(jobId: string, query?: { limit?: number }, options?: RequestOptions): PageList<Raw>;
}

/** How `jobs.wait` reads an OpenAI-style job (Nebius, OpenAI): the provider's own readers of the job, its events 100 a page. */
export function openAIStyleWait<Job extends { status: string }, Raw extends OpenAIStyleEvent>(
  provider: ProviderName,
  jobs: OpenAIStyleJobReader<Job, Raw>,
  read: Pick<WaitAdapter<Job, Raw>, 'status' | 'progress' | 'failure'>,
): WaitAdapter<Job, Raw> {
  return {
    provider,
    retrieve: (jobId, options) => jobs.retrieve(jobId, options),
    providerStatus: (job) => job.status,
    ...read,
    events: async function* (jobId, options) {
      for await (const event of jobs.events(jobId, { limit: 100 }, options)) yield openAIStyleEvent(event);
    },
  };
}
