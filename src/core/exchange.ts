import { APIConnectionError, APITimeoutError, APIUserAbortError, TunekitError, type RequestSummary } from './errors.js';
import { notSent, refusal, resendable } from './idempotency.js';
import { DEBUG, WARN, type Log } from './log.js';
import { retryDelay, type AttemptOutcome, type RetryPolicy } from './retry.js';
import { startTimer, type RequestClock, type Timer } from './sleep.js';

/** Per-call options, always the last argument of a method. */
export interface RequestOptions {
  /** Aborts the call, including the wait between retries. */
  signal?: AbortSignal | undefined;
  /** Deadline for the whole exchange: every attempt, the waits between them, and reading the body. */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number | undefined;
  /** Extra headers for this call. */
  headers?: Record<string, string> | undefined;
  /**
   * Keys merged into this call's JSON body after validation, unchecked: the way to send a field the provider's
   * document does not name yet (validation refuses unknown keys). On Nebius, `extra_body` in the job is the
   * documented place for trainer options.
   */
  extraBody?: Record<string, unknown> | undefined;
}

export interface ExchangeConfig {
  provider: string;
  fetch: typeof fetch;
  retry: RetryPolicy;
  timeoutMs: number;
  log: Log;
  /** The time calls run on (real time by default). */
  clock: RequestClock;
}

/**
 * Thrown by an exchange whose body must be built afresh for another attempt (uploads: a new stream from the file),
 * instead of resending a copy: the caller waits `delay` ms and sends a newly built request through the same exchange.
 */
export class Resend extends Error {
  constructor(readonly delay: number) {
    super('resend with a fresh body');
  }
}

/**
 * How an attempt can be repeated: `clone` the request (small bodies), `rebuild` it through the caller (streamed
 * uploads: a copy of a stream would hold the whole body in memory), or `none` (a one-shot stream: never resent).
 */
export type Replay = 'clone' | 'rebuild' | 'none';

/**
 * One call's life: a deadline, an abort controller that the caller's signal and the deadline both
 * trip, and a `fetch` that retries by the policy. `finish()` must run when the body has been read.
 * A non-idempotent exchange (create, upload) repeats an attempt only when nothing was sent or the
 * server said it did nothing (408, 429, 503); `idempotent: undefined` decides by method (POST, PATCH are not).
 */
export class Exchange {
  readonly signal: AbortSignal;
  /** Attempts made so far (every `fetch` and every retry of a broken body counts). */
  attempt = 0;
  /** The status the last attempt answered with (0: none). */
  status = 0;
  private readonly controller = new AbortController();
  private readonly config: ExchangeConfig;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly deadline: number;
  private readonly userSignal: AbortSignal | undefined;
  private timer: Timer | undefined;
  /** The request being exchanged, once openapi-fetch has built it. */
  private request: Request | undefined;

  constructor(
    config: ExchangeConfig,
    options: RequestOptions | undefined,
    public idempotent: boolean | undefined = true,
    readonly replay: Replay = 'clone',
  ) {
    this.config = config;
    this.signal = this.controller.signal;
    this.policy = options?.maxRetries === undefined ? config.retry : { ...config.retry, maxRetries: options.maxRetries };
    this.timeoutMs = options?.timeoutMs ?? config.timeoutMs;
    this.deadline = config.clock.now() + this.timeoutMs;
    this.userSignal = options?.signal;
    if (this.userSignal) {
      if (this.userSignal.aborted) this.onUserAbort();
      else this.userSignal.addEventListener('abort', this.onUserAbort);
    }
    this.armTimer();
  }

  /** Restart the deadline (streamed bodies: the timeout becomes an idle timeout). */
  armTimer(): void {
    this.timer?.cancel();
    this.timer = startTimer(this.config.clock, this.timeoutMs, () => {
      this.controller.abort(new APITimeoutError(`${this.describe()} timed out after ${this.timeoutMs} ms`));
    });
  }

  finish(): void {
    this.timer?.cancel();
    this.userSignal?.removeEventListener('abort', this.onUserAbort);
  }

  /** For `raw`, whose body is read after `fetch` returns: the deadline and the caller's signal stay armed, the timer holds no process open. */
  release(): void {
    this.timer?.unref();
  }

  private readonly onUserAbort = (): void => {
    this.controller.abort(new APIUserAbortError(`${this.describe()} was aborted by the caller`));
  };

  /** What is being exchanged, for errors and logs: derived on demand, off the hot path. */
  get summary(): RequestSummary {
    const { request } = this;
    return { provider: this.config.provider, method: request?.method ?? '', path: request ? new URL(request.url).pathname : '' };
  }

  describe(): string {
    const { method, path, provider } = this.summary;
    return `${provider} ${method} ${path}`;
  }

  /** The fetch handed to openapi-fetch for this call. */
  readonly fetch = async (request: Request): Promise<Response> => {
    this.request = request;
    this.idempotent ??= request.method !== 'POST' && request.method !== 'PATCH';
    const { log } = this.config;
    for (;;) {
      const started = this.config.clock.now();
      const mayRetry = this.attempt++ < this.policy.maxRetries && this.replay !== 'none';
      this.status = 0;
      let outcome: AttemptOutcome;
      try {
        // The signal goes in `init`: undici drops the abort of a cloned or copied Request after a GC (nodejs/undici#4068).
        const response = await this.config.fetch(mayRetry && request.body && this.replay === 'clone' ? request.clone() : request, {
          signal: this.signal,
        });
        this.status = response.status;
        if (log.level >= DEBUG)
          log.write(DEBUG, `${this.describe()} → ${response.status} in ${this.config.clock.now() - started} ms (attempt ${this.attempt})`);
        if (response.ok || !mayRetry) return response;
        outcome = { response };
      } catch (error) {
        if (this.signal.aborted) throw this.signal.reason;
        // Refused by fetch itself (a bad port, an unknown scheme): nothing was sent, and no retry can change that.
        if (refusal(error) !== undefined) throw error;
        outcome = { error };
      }
      const delay = mayRetry && (this.idempotent || resendable(outcome)) ? this.delay(outcome) : undefined;
      if (delay === undefined) {
        if ('error' in outcome) throw outcome.error;
        return outcome.response;
      }
      if ('response' in outcome) await outcome.response.body?.cancel().catch(() => undefined);
      if (this.replay === 'rebuild') throw new Resend(delay);
      await this.sleep(delay);
    }
  };

  /** How long to wait before another attempt after `outcome`; `undefined` when out of attempts or time. Logs the retry. */
  delay(outcome: AttemptOutcome): number | undefined {
    const now = this.config.clock.now();
    const delay = retryDelay(this.policy, this.attempt - 1, outcome, now);
    if (delay === undefined || now + delay > this.deadline) return undefined;
    const { log } = this.config;
    if (log.level >= WARN) {
      const what = 'error' in outcome ? this.failure(outcome.error).message : `${this.describe()} → ${outcome.response.status}`;
      log.write(WARN, `${what}; retry ${this.attempt} of ${this.policy.maxRetries} in ${Math.round(delay)} ms`);
    }
    return delay;
  }

  sleep(ms: number): Promise<void> {
    return this.config.clock.sleep(ms, this.signal);
  }

  /** Any thrown value, as the typed error the caller should see. */
  failure(error: unknown): TunekitError {
    if (error instanceof TunekitError) return error;
    if (this.signal.aborted && this.signal.reason instanceof TunekitError) return this.signal.reason;
    const refused = refusal(error);
    if (refused !== undefined) {
      return new APIConnectionError(`${this.describe()}: refused by fetch before sending (${refused}); nothing was sent`, { cause: error });
    }
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    const what = this.status ? 'could not read the response' : 'connection failed';
    const unsure = this.idempotent === false && !notSent(error) ? '; the server may have acted on it' : '';
    const oneShot =
      this.replay === 'none'
        ? '; the file was a one-shot stream, so it was not sent again (pass a path or a Blob to let tunekit retry)'
        : '';
    return new APIConnectionError(`${this.describe()}: ${what} (${reason})${unsure}${oneShot}`, { cause: error });
  }
}
