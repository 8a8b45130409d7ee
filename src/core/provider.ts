/**
 * What a provider is, as plain data: the facts every layer of tunekit reads by the provider's name (each provider's
 * `src/providers/<name>/facts.ts`), and the neutral job vocabulary its statuses map to.
 */

/** A job's status in one vocabulary for every provider (each provider's own status stays in `providerStatus`). */
export type JobStatus = 'validating' | 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';

/** The statuses a job never leaves. */
export const FINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Where a provider's API key, base URL and extra headers come from in the environment. */
export interface ProviderEnvironment {
  apiKey: string;
  baseUrl: string;
  /** Header name → the environment variable that sets it. */
  headers?: Readonly<Record<string, string>>;
}

/** One provider, as data: its name, how people call it, where its API is, and its statuses in the neutral vocabulary. */
export interface ProviderFacts<Name extends string = string, Status extends string = string> {
  name: Name;
  /** The provider's own name for people (`Together AI`). */
  label: string;
  defaultBaseUrl: string;
  env: ProviderEnvironment;
  /** Every status of the document's job status enum, in the neutral vocabulary. */
  statuses: Readonly<Record<Status, JobStatus>>;
}

/** `status` in the neutral vocabulary by a provider's table; `undefined` for a status the table does not know. */
export function statusIn<Status extends string>(table: Readonly<Record<Status, JobStatus>>, status: string): JobStatus | undefined {
  const known = (value: string): value is Status => value in table;
  return known(status) ? table[status] : undefined;
}
