import { APIUserAbortError, ModelDeploymentError, WaitAbortedError, WaitTimeoutError } from '../core/errors.js';
import type { RequestOptions } from '../core/exchange.js';
import type { WaitClock } from './types.js';
import { formatDuration, realClock, WAIT_DEFAULTS } from './job-wait.js';
import type { ProviderName } from '../providers/registry/providers.js';

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
export async function waitForModel<Model>(reader: ModelReader<Model>, name: string, options: ModelWaitOptions<Model> = {}, requestOptions: RequestOptions = {}): Promise<Model> {
  const clock = options.clock ?? realClock;
  const signal = options.signal ?? requestOptions.signal;
  const started = clock.now();
  const timeoutMs = options.timeoutMs ?? Infinity;
  let interval = options.pollIntervalMs ?? WAIT_DEFAULTS.pollIntervalMs;
  let last: string | undefined;
  const stopped = (): WaitAbortedError =>
    new WaitAbortedError(`${reader.provider} model ${name}: waiting stopped by the caller; it keeps being made (status ${last ?? 'unknown'})`, reader.provider, name, undefined);
  for (;;) {
    let model: Model;
    try {
      model = await reader.retrieve(name, { ...requestOptions, signal });
    } catch (error) {
      if (error instanceof APIUserAbortError || signal?.aborted) throw stopped();
      throw error;
    }
    const status = reader.status(model) ?? 'unknown';
    if (status !== last) options.onProgress?.(model, status);
    last = status;
    if (reader.ready.includes(status)) return model;
    if (reader.failed.includes(status)) {
      const reason = reader.reason(model);
      throw new ModelDeploymentError(`${reader.provider} model ${name} ended ${status}${reason ? `: ${reason}` : ''}`, reader.provider, name, status, reason);
    }
    if (clock.now() - started >= timeoutMs) {
      throw new WaitTimeoutError(`${reader.provider} model ${name} is still ${status} after ${formatDuration(timeoutMs)} of waiting; it keeps being made`, reader.provider, name, status, undefined);
    }
    await clock.sleep(Math.min(interval, Math.max(0, started + timeoutMs - clock.now())), signal).catch(() => {
      throw stopped();
    });
    interval = Math.min(interval * WAIT_DEFAULTS.growth, WAIT_DEFAULTS.maxPollIntervalMs);
  }
}
