import { isRecord } from './records.js';

/** Marks an error made by tunekit, whichever copy of tunekit made it (a global symbol, the same in every copy). */
const TUNEKIT_ERROR = Symbol.for('tunekit.error');

/**
 * Base class of every error tunekit throws. `instanceof` holds across copies of tunekit in one process (its ESM and
 * CommonJS builds, the CLI's bundle, a dependency's own copy): an error of another copy is an instance of the class of
 * the same name here.
 */
export class TunekitError extends Error {
  override name = 'TunekitError';

  /** `instanceof` across copies of tunekit (an ESM and a CommonJS copy in one program): by brand and class name. */
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null || !(TUNEKIT_ERROR in value)) return false;
    // A bundler may rename a class it finds twice (`ValidationError2`): names are compared without that suffix.
    const kind = (name: string): string => name.replace(/\d+$/, '');
    for (
      let proto: unknown = Object.getPrototypeOf(value);
      typeof proto === 'object' && proto !== null;
      proto = Object.getPrototypeOf(proto)
    ) {
      if ('constructor' in proto && typeof proto.constructor === 'function' && kind(proto.constructor.name) === kind(this.name))
        return true;
    }
    return false;
  }
}
Object.defineProperty(TunekitError.prototype, TUNEKIT_ERROR, { value: true });

/** What the request was, for error messages (never headers: they hold the key). */
export interface RequestSummary {
  provider: string;
  method: string;
  path: string;
}

/** One field the server (or Prism) rejected, from a FastAPI `detail` list or a problem+json body. */
export interface FieldProblem {
  /** Dotted location, e.g. `body.hyperparameters.n_epochs`. */
  field: string;
  message: string;
}

/**
 * The server answered with a non-2xx status. Subclasses by status:
 * `BadRequestError` 400, `AuthenticationError` 401, `PermissionDeniedError` 403, `NotFoundError` 404,
 * `ConflictError` 409, `UnprocessableEntityError` 422, `RateLimitError` 429, `InternalServerError` ≥500.
 */
export class APIError extends TunekitError {
  override name = 'APIError';
  readonly status: number;
  readonly provider: string;
  readonly method: string;
  readonly path: string;
  /** The server's request id (`x-request-id` and similar), when it sent one. */
  readonly requestId: string | undefined;
  /** The parsed response body: JSON when it parsed, else the text. */
  readonly body: unknown;
  readonly headers: Headers;

  constructor(request: RequestSummary, status: number, body: unknown, headers: Headers) {
    const words = serverWords(body);
    super(`${request.provider} ${request.method} ${request.path} failed with ${status}${words ? `: ${words}` : ''}`);
    this.status = status;
    this.provider = request.provider;
    this.method = request.method;
    this.path = request.path;
    this.body = body;
    this.headers = headers;
    this.requestId =
      headers.get('x-request-id') ?? headers.get('request-id') ?? headers.get('apim-request-id') ?? headers.get('x-trace-id') ?? undefined;
  }
}

export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

/** 422: the request broke the API's rules. `fields` lists each offending field and why. */
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
  readonly fields: FieldProblem[];
  constructor(request: RequestSummary, status: number, body: unknown, headers: Headers) {
    super(request, status, body, headers);
    this.fields = fieldProblems(body);
  }
}

/** The request never got an answer: DNS, refused or reset connection, a broken body. */
export class APIConnectionError extends TunekitError {
  override name = 'APIConnectionError';
}

/** The whole exchange (retries and body read included) took longer than `timeoutMs`. */
export class APITimeoutError extends APIConnectionError {
  override name = 'APITimeoutError';
}

/** The caller's `signal` aborted the request. */
export class APIUserAbortError extends TunekitError {
  override name = 'APIUserAbortError';
}

/** A list endpoint repeated a cursor or made no progress; iteration stopped instead of looping. */
export class PaginationError extends TunekitError {
  override name = 'PaginationError';
}

/** One rule a request broke, as a `ValidationError` lists it. */
export interface FieldViolation {
  /** Where, e.g. `body.hyperparameters.batch_size`. */
  field: string;
  /** The broken rule, e.g. `maximum 64`, `required`, `unknown field`. */
  rule: string;
  /** The offending value when it is a plain value; secrets, objects and arrays only as a placeholder. */
  value: unknown;
  /** One sentence naming the field, the value and the rule. */
  message: string;
  /** For an unknown field: the field the document names that it most likely meant (`epochs` → `n_epochs`). */
  suggestion?: string;
}

/**
 * The request broke rules of the provider's API document (a required field, a type, an enum, a bound, a key the
 * document does not name); thrown before anything is sent. `problems` lists every one; the message spells out the
 * first few. `validate: false` turns the check off.
 */
export class ValidationError extends TunekitError {
  override name = 'ValidationError';
  /** Every broken rule, in the order of the request's fields. */
  readonly problems: readonly FieldViolation[];
  /** The first problem's field, e.g. `body.hyperparameters.batch_size`. */
  readonly field: string;
  /** The first problem's broken rule, e.g. `maximum 64`. */
  readonly rule: string;
  /** The first problem's value (secrets, objects and arrays only as a placeholder). */
  readonly value: unknown;

  constructor(message: string, problems: readonly FieldViolation[]) {
    super(message);
    this.problems = problems;
    this.field = problems[0]?.field ?? '';
    this.rule = problems[0]?.rule ?? '';
    this.value = problems[0]?.value;
  }

  /**
   * The error for `problems` of `where` (a call, a client's options, a command): its message is `where: ` and each
   * problem's own sentence.
   * @example
   * const message = 'timeoutMs = 0 must be a number of milliseconds above 0';
   * throw ValidationError.of('nebius', { field: 'timeoutMs', rule: 'above 0', value: 0, message });
   */
  static of(where: string, ...problems: FieldViolation[]): ValidationError {
    return new ValidationError(`${where}: ${problems.map((problem) => problem.message).join('; ')}`, problems);
  }
}

const byStatus: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

export function apiErrorFor(request: RequestSummary, status: number, body: unknown, headers: Headers): APIError {
  const ErrorClass = byStatus[status] ?? (status >= 500 ? InternalServerError : APIError);
  return new ErrorClass(request, status, body, headers);
}

function fieldProblems(body: unknown): FieldProblem[] {
  if (!isRecord(body)) return [];
  // FastAPI: {detail: [{loc: [...], msg}]}; Prism problem+json: {validation: [{location: [...], message}]}
  const list = Array.isArray(body.detail) ? body.detail : Array.isArray(body.validation) ? body.validation : [];
  return list.filter(isRecord).map((item) => {
    const location = Array.isArray(item.loc) ? item.loc : Array.isArray(item.location) ? item.location : [];
    return { field: location.join('.'), message: String(item.msg ?? item.message ?? '') };
  });
}

const MAX_WORDS = 300;

/** The server's own explanation, in one line. */
function serverWords(body: unknown): string {
  let words = '';
  if (typeof body === 'string') {
    const title = /<title>([^<]*)<\/title>/i.exec(body);
    words = title?.[1] ?? body;
  } else if (isRecord(body)) {
    const problems = fieldProblems(body);
    const error = body.error;
    const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value : undefined);
    // Problem+json (Prism, RFC 9457): the title says what, the detail says why; both are worth reading.
    const titled =
      text(body.title) && text(body.detail) && body.title !== body.detail ? `${text(body.title)}: ${text(body.detail)}` : undefined;
    words = problems.length
      ? problems.map((p) => `${p.field}: ${p.message}`).join('; ')
      : isRecord(error) && text(error.message)
        ? `${error.message}${text(error.code) ? ` (${error.code})` : ''}`
        : (text(body.message) ?? text(error) ?? titled ?? text(body.title) ?? text(body.detail) ?? '');
  }
  words = words.replace(/\s+/g, ' ').trim();
  return words.length > MAX_WORDS ? `${words.slice(0, MAX_WORDS)}…` : words;
}
