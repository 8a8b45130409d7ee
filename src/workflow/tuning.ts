import type { ClientOptions } from '../core/client.js';
import type { RequestOptions } from '../core/exchange.js';
import type { PageList } from '../core/pagination.js';
import type { Uploadable, UploadOptions } from '../core/upload.js';
import { ValidationError } from '../core/errors.js';
import { isRecord } from '../core/records.js';
import { schemasOf, type Rules } from '../core/schemas.js';
import { checkValue } from '../core/validate.js';
import { describeProblem } from '../core/problem-report.js';
import {
  mapRequest,
  neutralOptions,
  refuseUnknownRequestKeys,
  type JobRequest,
  type MappingTable,
  type NeutralCheckpoint,
  type NeutralFile,
  type NeutralJobBase,
} from './neutral.js';
import type { JobEvent, WaitOptions } from '../poller/types.js';
import type { ProviderName } from '../providers/registry/providers.js';

/** The provider's own types one tuning module works with. */
export interface TuningTypes {
  client: object;
  clientOptions: ClientOptions;
  /** A job as `retrieve` returns it, and as create/list/cancel return it (Together's truncated form). */
  job: object;
  jobSummary: object;
  createParams: object;
  file: object;
  checkpoint: object;
  event: object;
}

/**
 * One provider, as the neutral API (`createTuner`, `train`) sees it: how to build its client and its create
 * request, how to read its objects in the neutral vocabulary, and the few calls whose shapes differ between
 * providers. One small module per provider (`src/workflow/neutral/`); the engine (`tuner.ts`) is shared.
 */
export interface ProviderTuning<P extends ProviderName, T extends TuningTypes> {
  provider: P;
  createClient(options: T['clientOptions']): T['client'];
  /** Every key its client options have (for refusing a misspelled one in `createTuner`). */
  clientOptionKeys: { [K in keyof T['clientOptions']]-?: true };
  /** The document's rules and the create operation's key in them: a mapped request is checked before anything is sent. */
  createRules: { rules: Rules; operation: string };
  /** Every neutral option, mapped to the provider's request or refused (the table in docs/mapping.md is this data). */
  mapping: MappingTable<T['createParams']>;
  /** The request with the required fields and `providerOptions`, before the neutral options are mapped onto it. */
  baseRequest(
    model: string,
    trainingFile: string,
    providerOptions: Partial<Omit<T['createParams'], 'model' | 'training_file'>> | undefined,
  ): T['createParams'];
  job(raw: T['job'] | T['jobSummary']): NeutralJobBase & { provider: P; raw: T['job'] | T['jobSummary'] };
  file(raw: T['file']): NeutralFile<T['file']>;
  checkpoint(raw: T['checkpoint']): NeutralCheckpoint<T['checkpoint']>;
  event(raw: T['event']): JobEvent<T['event']>;
  calls: {
    create(client: T['client'], body: T['createParams'], options?: RequestOptions): Promise<T['jobSummary'] | T['job']>;
    retrieve(client: T['client'], jobId: string, options?: RequestOptions): Promise<T['job']>;
    list(client: T['client'], options?: RequestOptions): PageList<T['jobSummary'] | T['job']>;
    cancel(client: T['client'], jobId: string, options?: RequestOptions): Promise<T['jobSummary'] | T['job']>;
    events(client: T['client'], jobId: string, options?: RequestOptions): PageList<T['event']>;
    checkpoints(client: T['client'], jobId: string, options?: RequestOptions): PageList<T['checkpoint']>;
    wait(client: T['client'], jobId: string, wait?: WaitOptions<T['job'], T['event']>, options?: RequestOptions): Promise<T['job']>;
    upload(client: T['client'], file: Uploadable, upload?: UploadOptions, options?: RequestOptions): Promise<T['file']>;
    files(client: T['client'], options?: RequestOptions): PageList<T['file']>;
    file(client: T['client'], fileId: string, options?: RequestOptions): Promise<T['file']>;
    deleteFile(client: T['client'], fileId: string, options?: RequestOptions): Promise<unknown>;
  };
  /**
   * Make the finished job callable when it is not by itself (Nebius: a custom model from a checkpoint); returns the
   * model name. Absent where a successful job already names its model.
   */
  deploy?(client: T['client'], job: T['job'], checkpoint: NeutralCheckpoint<T['checkpoint']>, options: DeployStep): Promise<string>;
  /**
   * The provider's own estimate of what the job would cost, asked with the create request (its files uploaded): Together's
   * `/fine-tunes/estimate-price`. Absent where the provider answers no price before a job.
   */
  estimate?(client: T['client'], body: T['createParams'], options?: RequestOptions): Promise<ProviderEstimate>;
}

/** What a provider that prices a job before it starts answers for its create request; `raw` is its own answer. */
export interface ProviderEstimate {
  /** Who answered, for people: `Together's estimate`. */
  source: string;
  /** In US dollars. */
  price: number | undefined;
  /** The tokens it will train on (all epochs). */
  trainingTokens: number | undefined;
  /** The validation tokens it bills (evaluations × the validation file's tokens). */
  evaluationTokens: number | undefined;
  /** False where the provider says the account cannot pay for it (its credit limit and balance). */
  allowedToProceed: boolean | undefined;
  /** The account's credit limit, in US dollars. */
  creditLimit: number | undefined;
  /** The provider's own answer (Together: its `/fine-tunes/estimate-price` body). */
  raw: unknown;
}

/** The provider's own types a tuning module works with: `TuningTypesOf<typeof tuning>`. */
export type TuningTypesOf<Tuning> = Tuning extends ProviderTuning<infer _P, infer T> ? T : never;

/** The provider's create request for a neutral one: its base request with every neutral option mapped or refused. */
export function createRequest<P extends ProviderName, T extends TuningTypes>(
  tuning: ProviderTuning<P, T>,
  request: JobRequest<Partial<Omit<T['createParams'], 'model' | 'training_file'>>>,
): T['createParams'] {
  refuseUnknownRequestKeys(`${tuning.provider} jobs.create`, request);
  const body = tuning.baseRequest(request.model, request.trainingFile, request.providerOptions);
  return mapRequest(tuning.provider, tuning.mapping, body, neutralOptions(request));
}

/** `createRequest`, then the request checked against the provider's document: every value, however deep (a grader too). */
export function documentedRequest<P extends ProviderName, T extends TuningTypes>(
  tuning: ProviderTuning<P, T>,
  request: JobRequest<Partial<Omit<T['createParams'], 'model' | 'training_file'>>>,
): T['createParams'] {
  return checkedBody(tuning, createRequest(tuning, request));
}

/** `body` if it keeps the provider's document (every value, however deep: a grader too), else a `ValidationError` that names each problem; secrets never shown. */
function checkedBody<P extends ProviderName, T extends TuningTypes>(
  tuning: ProviderTuning<P, T>,
  body: T['createParams'],
): T['createParams'] {
  const { rules, operation } = tuning.createRules;
  const schema = schemasOf(rules).operation(operation)?.properties?.get('body');
  const problems = schema ? checkValue(schema, body) : [];
  if (!problems.length) return body;
  throw ValidationError.of(
    `${tuning.provider} jobs.create (its API document)`,
    ...problems.map((p) => ({
      field: p.field,
      rule: p.rule,
      value: p.secret ? '[redacted]' : Array.isArray(p.value) ? '[…]' : isRecord(p.value) ? '{…}' : p.value,
      message: describeProblem(p),
      ...(p.suggestion ? { suggestion: p.suggestion } : {}),
    })),
  );
}

/** Every key of the client options all providers share (a provider's tuning adds its own). */
export const CLIENT_OPTION_KEYS: { [K in keyof ClientOptions]-?: true } = {
  apiKey: true,
  baseUrl: true,
  headers: true,
  fetch: true,
  timeoutMs: true,
  maxRetries: true,
  retry: true,
  logLevel: true,
  logger: true,
  validate: true,
  clock: true,
};

/** What `deploy` gets besides the job and checkpoint. */
interface DeployStep {
  name: string | undefined;
  signal: AbortSignal | undefined;
  onStatus(status: string, model: string): void;
  wait: Pick<WaitOptions, 'clock' | 'pollIntervalMs' | 'timeoutMs'>;
  request: RequestOptions | undefined;
}
