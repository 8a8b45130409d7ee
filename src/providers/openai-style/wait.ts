/** What Nebius and OpenAI share for `jobs.wait`: their event shape, read neutrally, and the adapter over it. */
import type { RequestOptions } from '../../core/exchange.js';
import type { PageList } from '../../core/pagination.js';
import { dateOf, isRecord, numberOr } from '../../core/records.js';
import type { JobEvent, WaitAdapter } from '../../poller/types.js';
import type { ProviderName } from '../registry/providers.js';

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
