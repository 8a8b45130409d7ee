import type { CursorRule } from './pagination.js';
import type { AttemptOutcome } from './retry.js';
import type { CallInit, FetchResult } from './call.js';

/**
 * A provider's way to make `jobs.create` safe to retry: tunekit puts a fresh key in the job
 * (Nebius `tags`, OpenAI `metadata`) and, when an answer is lost, looks for a job carrying it
 * among the newest jobs before it would send the create again.
 */
export interface CreateKey<Body, Job, ListBody> {
  /** The body carrying `key`, or `undefined` when this body cannot carry one. */
  mark(body: Body, key: string): Body | undefined;
  /** `true`: this job carries `key`; `false`: it shows the field without `key`; `undefined`: it does not show the field. */
  found(job: Job, key: string): boolean | undefined;
  /** One page of the newest jobs. */
  recent(after: string | undefined, init: CallInit): Promise<FetchResult<ListBody>>;
  rule: CursorRule<ListBody, Job>;
}

/**
 * The job carrying `key` among the first two pages of jobs; `false` when every job seen shows the
 * key field and none carries it (the create did not happen); `undefined` when it cannot tell.
 */
export async function findCreated<Body, Job, ListBody>(
  spec: CreateKey<Body, Job, ListBody>,
  key: string,
  init: CallInit,
): Promise<Job | false | undefined> {
  let after: string | undefined;
  let sure = true;
  for (let page = 0; page < 2; page++) {
    const { data } = await spec.recent(after, init);
    if (data === undefined) return undefined;
    const jobs = spec.rule.items(data);
    for (const job of jobs) {
      const found = spec.found(job, key);
      if (found) return job;
      if (found === undefined) sure = false;
    }
    if (!spec.rule.hasMore(data)) break;
    after = spec.rule.next(data, jobs);
  }
  return sure ? false : undefined;
}

const notSentCodes = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'];

/** What `fetch` says when it refuses a request before opening a connection: it can never succeed as it is. */
const refusals =
  /^(bad port|unknown scheme|invalid url|failed to parse url|request with (get|head) method cannot have body|requestinit: duplex option is required)/i;

/** The reason `fetch` refused the request before sending anything (`bad port`, `unknown scheme`, …), if it did. */
export function refusal(error: unknown): string | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (refusals.test(e.message) || ('code' in e && e.code === 'ERR_INVALID_URL')) return e.message;
  }
  return undefined;
}

/** True when a fetch failure proves the request never reached a server (refused by fetch, refused connection, no DNS, no route). */
export function notSent(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e instanceof AggregateError ? e.errors[0] : e.cause) {
    if ('code' in e && notSentCodes.includes(String(e.code))) return true;
  }
  return refusal(error) !== undefined;
}

/** A failed attempt that a non-idempotent request (create, upload) may repeat: nothing was sent, or the server says it did nothing. */
export function resendable(outcome: AttemptOutcome): boolean {
  if ('error' in outcome) return notSent(outcome.error);
  const { status, headers } = outcome.response;
  return status === 408 || status === 429 || status === 503 || headers.get('x-should-retry') === 'true';
}
