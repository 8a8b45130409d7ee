import type { RequestOptions } from '../core/exchange.js';
import type { WaitClock } from './types.js';
import { formatDuration } from '../core/format.js';
import { DEFAULT_POLL_POLICY, poll, realClock, type PollPolicy } from './poll.js';
import type { ProviderName } from '../providers/registry/providers.js';
import { ModelDeploymentError, WaitAbortedError, WaitTimeoutError } from './errors.js';

/** Options of `models.wait`. */
export interface ModelWaitOptions<Model> {
  /** Called when the model's status changes. */
  onProgress?: (model: Model, status: string) => void;
  signal?: AbortSignal;
  /** Bound on the whole wait (the model keeps being made). */
  timeoutMs?: number;
  /** First interval between polls (default 5 000 ms), growing ×1.5 up to 60 s. */
  pollIntervalMs?: number;
  clock?: WaitClock;
}

/** What a provider says about a model being made: how to read it and its status. */
export interface ModelReader<Model> {
  provider: ProviderName;
  retrieve(name: string, options: RequestOptions): Promise<Model>;
  status(model: Model): string | undefined;
  reason(model: Model): string | undefined;
  ready: readonly string[];
  failed: readonly string[];
}

/** Poll a model until it is ready to call; throws `ModelDeploymentError` if it fails instead. */
export async function waitForModel<Model>(
  reader: ModelReader<Model>,
  name: string,
  options: ModelWaitOptions<Model> = {},
  requestOptions: RequestOptions = {},
): Promise<Model> {
  const signal = options.signal ?? requestOptions.signal;
  // A model's status changes rarely: the job wait's pace, without jitter and without riding out failures.
  const policy: PollPolicy = {
    ...DEFAULT_POLL_POLICY,
    intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_POLICY.intervalMs,
    jitter: 0,
    maxErrors: 0,
    timeoutMs: options.timeoutMs ?? Infinity,
  };
  let last: string | undefined;
  return poll<Model>(
    async () => {
      const model = await reader.retrieve(name, { ...requestOptions, signal });
      const status = reader.status(model) ?? 'unknown';
      const changed = status !== last;
      if (changed) options.onProgress?.(model, status);
      last = status;
      if (reader.ready.includes(status)) return { done: model };
      if (reader.failed.includes(status)) {
        const reason = reader.reason(model);
        throw new ModelDeploymentError(
          `${reader.provider} model ${name} ended ${status}${reason ? `: ${reason}` : ''}`,
          reader.provider,
          name,
          status,
          reason,
        );
      }
      return { changed: false };
    },
    {
      policy,
      clock: options.clock ?? realClock,
      signal,
      aborted: () =>
        new WaitAbortedError(
          `${reader.provider} model ${name}: waiting stopped by the caller; it keeps being made (status ${last ?? 'unknown'})`,
          reader.provider,
          name,
          undefined,
        ),
      timedOut: () =>
        new WaitTimeoutError(
          `${reader.provider} model ${name} is still ${last ?? 'unknown'} after ${formatDuration(policy.timeoutMs)} of waiting; it keeps being made`,
          reader.provider,
          name,
          last ?? 'unknown',
          undefined,
        ),
    },
  );
}
