import type { Rules } from '../core/schemas.js';
import type { Problem } from '../core/check.js';
import type { Failure, Route } from './routes.js';
import type { JobError, Lifecycle } from './timeline.js';
import type { ProviderName } from '../providers/registry/providers.js';

export type { ProviderName };

/** How a provider words its errors. */
export interface ErrorWords {
  /** 401: no bearer token (`missing`), or one the sandbox does not accept. */
  unauthorized(missing: boolean): Failure;
  /** Any other non-2xx answer (404, 400, 405, scripted faults) with a message and, where the provider has one, a code. */
  status(status: number, message: string, code?: string): Failure;
  /** 422: the request broke the document's rules, every problem listed. */
  invalid(problems: readonly Problem[]): Failure;
}

/** One provider, as data: what the engine needs to serve it. */
export interface SandboxProvider<State, JobRequest> {
  name: ProviderName;
  /** Where the document's paths are served: `/v1` when the provider's `servers` URL ends with it. */
  prefix: string;
  /** The generated request rules (`generated/<provider>.rules.ts`), the same the client checks with. */
  rules: Rules;
  lifecycle: Lifecycle<string>;
  routes: readonly Route<State, JobRequest>[];
  /** The provider's own per-key collections (Nebius models, OpenAI uploads). */
  init(): State;
  errors: ErrorWords;
  /** The code and message of a scripted failure that names none. */
  failure: JobError;
  /** The request's credential where it is not a bearer token (Azure's `api-key` header); default `Authorization: Bearer`. */
  credential?(headers: Headers): string | undefined;
}

type StatusesOf<L> = L extends {
  before: readonly { status: infer B }[];
  running: infer R;
  after: readonly { status?: infer A }[];
  succeeded: infer S;
  failed: infer F;
  cancelled: infer C;
}
  ? B | R | A | S | F | C | (L extends { cancelling: { status: infer X } } ? X : never) | (L extends { paused: infer P } ? P : never)
  : never;

/**
 * Compiles only when the lifecycle `L` uses every status of the document's enum `All` (and `Lifecycle<All>` allows
 * no other): the state machine and the document cannot drift apart. Called once per provider module, with no arguments.
 */
export function everyStatus<All extends string, L extends Lifecycle<All>>(
  ..._missing: [Exclude<All, StatusesOf<L>>] extends [never] ? [] : [missing: Exclude<All, StatusesOf<L>>]
): void {}

/**
 * `values`, compiling only when they are every member of the document's enum `All` (a form field's allowed values):
 * `allValues<Purpose>()(['batch', 'fine-tune'])`.
 */
export function allValues<All extends string>() {
  return <const V extends readonly All[]>(
    values: V,
    ..._missing: [Exclude<All, V[number]>] extends [never] ? [] : [missing: Exclude<All, V[number]>]
  ): V => values;
}
