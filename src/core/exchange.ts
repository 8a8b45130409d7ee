import { APIConnectionError, APITimeoutError, APIUserAbortError, TunekitError, type RequestSummary } from './errors.js';
import { retryDelay, type RetryPolicy } from './retry.js';

/** Per-call options, always the last argument of a method. */
export interface RequestOptions {
  /** Aborts the call, including the wait between retries. */
  signal?: AbortSignal;
  /** Deadline for the whole exchange: every attempt, the waits between them, and reading the body. */
  timeoutMs?: number;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

export interface ExchangeConfig {
  provider: string;
  fetch: typeof fetch;
  retry: RetryPolicy;
  timeoutMs: number;
}

/**
 * One call's life: a deadline, an abort controller that the caller's signal and the deadline both
 * trip, and a `fetch` that retries by the policy. `finish()` must run when the body has been read.
 */
export class Exchange {
  readonly signal: AbortSignal;
  summary: RequestSummary;
  private readonly controller = new AbortController();
  private readonly config: ExchangeConfig;
  private readonly policy: RetryPolicy;
  private responded = false;
  private readonly timeoutMs: number;
  private readonly deadline: number;
  private readonly userSignal: AbortSignal | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(config: ExchangeConfig, options: RequestOptions | undefined, readonly replayable = true) {
    this.config = config;
    this.signal = this.controller.signal;
    this.summary = { provider: config.provider, method: '', path: '' };
    this.policy = options?.maxRetries === undefined ? config.retry : { ...config.retry, maxRetries: options.maxRetries };
    this.timeoutMs = options?.timeoutMs ?? config.timeoutMs;
    this.deadline = Date.now() + this.timeoutMs;
    this.userSignal = options?.signal;
    if (this.userSignal) {
      if (this.userSignal.aborted) this.onUserAbort();
      else this.userSignal.addEventListener('abort', this.onUserAbort);
    }
    this.armTimer();
  }

  /** Restart the deadline (streamed bodies: the timeout becomes an idle timeout). */
  armTimer(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const { method, path, provider } = this.summary;
      this.controller.abort(new APITimeoutError(`${provider} ${method} ${path} timed out after ${this.timeoutMs} ms`));
    }, this.timeoutMs);
  }

  finish(): void {
    clearTimeout(this.timer);
    this.userSignal?.removeEventListener('abort', this.onUserAbort);
  }

  private readonly onUserAbort = (): void => {
    const { method, path, provider } = this.summary;
    this.controller.abort(new APIUserAbortError(`${provider} ${method} ${path} was aborted by the caller`));
  };

  /** The fetch handed to openapi-fetch for this call. */
  readonly fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    this.summary = { provider: this.config.provider, method: request.method, path: url.pathname };
    for (let attempt = 0; ; attempt++) {
      const mayRetry = attempt < this.policy.maxRetries && (this.replayable || request.body === null);
      let outcome: { response: Response } | { error: unknown };
      try {
        const response = await this.config.fetch(mayRetry && request.body ? request.clone() : request);
        if (response.ok || !mayRetry) {
          this.responded = true;
          return response;
        }
        outcome = { response };
      } catch (error) {
        if (this.signal.aborted) throw this.signal.reason;
        outcome = { error };
      }
      const delay = mayRetry ? retryDelay(this.policy, attempt, outcome) : undefined;
      if (delay === undefined || Date.now() + delay > this.deadline) {
        if ('error' in outcome) throw outcome.error;
        this.responded = true;
        return outcome.response;
      }
      if ('response' in outcome) await outcome.response.body?.cancel().catch(() => undefined);
      await this.sleep(delay);
    }
  };

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(this.signal.reason);
      };
      const timer = setTimeout(() => {
        this.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Any thrown value, as the typed error the caller should see. */
  failure(error: unknown): TunekitError {
    if (error instanceof TunekitError) return error;
    if (this.signal.aborted && this.signal.reason instanceof TunekitError) return this.signal.reason;
    const { method, path, provider } = this.summary;
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    const what = this.responded ? 'could not read the response' : 'connection failed';
    return new APIConnectionError(`${provider} ${method} ${path}: ${what} (${reason})`, { cause: error });
  }
}
