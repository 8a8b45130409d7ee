import { APIUserAbortError, ValidationError } from '../core/errors.js';
import type { RequestOptions } from '../core/exchange.js';
import type { DatasetReport } from '../core/dataset-report.js';
import { checkBeforeUpload, type Uploadable } from '../core/upload.js';
import { isPath } from './inputs.js';
import { CHECK_FILE, datasetMethod, refuseUnknownRequestKeys, type JobRequest } from './neutral.js';
import { documentedRequest, type ProviderEstimate, type ProviderTuning, type TuningTypes } from './tuning.js';
import { providers, type ProviderName } from '../providers/registry/providers.js';

/** An amount of money. Amounts are rounded to a hundredth of a cent, so they print without float artefacts. */
export interface Money {
  /** In `currency`, to a hundredth of a cent. */
  amount: number;
  /** Every price tunekit reads or computes is in US dollars (the providers' prices and your rate). */
  currency: 'USD';
}

/** What a job would cost: the provider's own estimate, or your rate times the trained tokens. */
export interface PriceEstimate extends Money {
  /** `provider`: the provider's estimate (Together's); `rate`: your `pricePerMillionTokens` × the trained tokens. */
  source: 'provider' | 'rate';
  /** Your rate, in dollars per million trained tokens, where the price is yours. */
  ratePerMillionTokens: number | undefined;
}

/** The tokens a job trains on: tokens per epoch × epochs. */
export interface TokenEstimate {
  /** Tokens of the training file per epoch (examples longer than the context length counted up to it). */
  perEpoch: number | undefined;
  /** The epochs counted: the request's, else the provider's default; `undefined` where the provider picks them (`auto`). */
  epochs: number | undefined;
  /** `perEpoch × epochs`, or the provider's own count; `undefined` when not known. */
  total: number | undefined;
  /**
   * `exact` (the model's own tokenizer: OpenAI models), `estimate` (the dataset checker's labelled estimate),
   * `provider` (the provider counted them), `unknown` (a file given by id, or not checked).
   */
  method: 'exact' | 'estimate' | 'provider' | 'unknown';
  /** Who counted: the tokenizer (`o200k_base`, `characters ÷ 4`) or the provider's estimate. */
  counter: string | undefined;
}

/** What `tuner.estimate` (and `train`'s `estimate` stage) finds a job would train on and cost, before it starts. */
export interface CostEstimate<P extends ProviderName = ProviderName> {
  /** The provider asked (or whose dataset rules counted). */
  provider: P;
  /** The base model of the request. */
  model: string;
  /** The tokens the job trains on. */
  tokens: TokenEstimate;
  /** Validation tokens the provider bills (Together: evaluations × the validation file's tokens), where it says. */
  evaluationTokens: number | undefined;
  /** `undefined` where the provider answers no price and no rate was given (or the tokens are not known). */
  price: PriceEstimate | undefined;
  /** False where the provider says the account cannot pay for the job (Together's `allowed_to_proceed`). */
  allowedToProceed: boolean | undefined;
  /** The account's credit limit, where the provider says. */
  creditLimit: Money | undefined;
  /** Why a part is unknown, and what would tell it, in words. */
  notes: string[];
  /** The dataset checker's reports of the local files (the token counts come from them). */
  reports: { training: DatasetReport | undefined; validation: DatasetReport | undefined };
  /** The provider's own answer, where it estimated (`raw`: Together's `/fine-tunes/estimate-price` answer). */
  providerEstimate: ProviderEstimate | undefined;
}

/** Options of `tuner.estimate`. */
export interface EstimateOptions {
  /**
   * Your rate, in US dollars per million trained tokens: the price is then `tokens.total × rate / 1e6` where the
   * provider answers none (Nebius, OpenAI, Azure OpenAI). The provider's own estimate wins where there is one.
   */
  pricePerMillionTokens?: number | undefined;
  /** Stops reading the files and the provider's estimate call. */
  signal?: AbortSignal | undefined;
  /** Per-request options of the provider's estimate call. */
  requestOptions?: RequestOptions | undefined;
}

/** A job request whose files may be local (a path, a Blob, a stream) or uploaded (an id): what `train` and `estimate` take. */
export type LocalFilesRequest<Options> = Omit<JobRequest<Options>, 'trainingFile' | 'validationFile'> & {
  trainingFile: Uploadable;
  validationFile?: Uploadable | undefined;
};

/** True for what `train` would upload (a path, a Blob, a stream), false for a file id. */
const isLocal = (input: Uploadable): boolean => typeof input !== 'string' || isPath(input);

/** `value` rounded (half up) to a hundredth of a cent, without float artefacts: `0.1 + 0.2` is `0.3`, `0.07125` is `0.0713`. */
const money = (value: number): number => Math.round(Number((value * 10_000).toPrecision(12))) / 10_000;

/** `pricePerMillionTokens` checked: a finite amount ≥ 0, else a `ValidationError` before anything is read or sent. */
export function checkedRate(rate: number | undefined, where: string): number | undefined {
  if (rate === undefined || (typeof rate === 'number' && Number.isFinite(rate) && rate >= 0)) return rate;
  throw ValidationError.of(where, {
    field: 'pricePerMillionTokens',
    rule: 'a number ≥ 0 (US dollars per million tokens)',
    value: rate,
    message: `pricePerMillionTokens = ${JSON.stringify(rate)} must be a number ≥ 0 (US dollars per million tokens)`,
  });
}

/** What an estimate is made of: the checker's reports, the provider's answer, your rate, and what is known to be unknown. */
export interface EstimateParts<P extends ProviderName> {
  provider: P;
  model: string;
  epochs: number | undefined;
  reports: CostEstimate['reports'];
  answer: ProviderEstimate | undefined;
  rate: number | undefined;
  /** True where the provider has an estimate of its own (asked only once the files are uploaded). */
  prices: boolean;
  notes: string[];
}

/** The estimate from its parts: the provider's token count and price first, else the checker's count and your rate. */
export function assembleEstimate<P extends ProviderName>(parts: EstimateParts<P>): CostEstimate<P> {
  const { provider, model, reports, answer, rate } = parts;
  const notes = [...parts.notes];
  const { label } = providers[provider];
  const billed = reports.training?.stats.billedTokens;
  const tokens: TokenEstimate =
    answer?.trainingTokens !== undefined
      ? {
          // The provider's count only: the checker's may count differently (its report is in `reports`).
          perEpoch: undefined,
          epochs: billed?.epochs ?? parts.epochs,
          total: answer.trainingTokens,
          method: 'provider',
          counter: answer.source,
        }
      : billed && reports.training
        ? {
            perEpoch: billed.perEpoch,
            epochs: billed.epochs,
            total: billed.total,
            method: billed.method,
            counter: reports.training.stats.tokens.tokenizer,
          }
        : { perEpoch: undefined, epochs: parts.epochs, total: undefined, method: 'unknown', counter: undefined };
  if (billed && tokens.total === undefined) {
    notes.push(`${label} chooses the number of epochs itself when none is given: give the epochs for the total`);
  }
  let price: PriceEstimate | undefined;
  if (answer?.price !== undefined) {
    price = { amount: money(answer.price), currency: 'USD', source: 'provider', ratePerMillionTokens: undefined };
  } else if (rate !== undefined && tokens.total !== undefined) {
    price = { amount: money((tokens.total * rate) / 1e6), currency: 'USD', source: 'rate', ratePerMillionTokens: rate };
  } else if (rate !== undefined) {
    notes.push('no price at your rate: the trained tokens are not known');
  } else if (!parts.prices) {
    notes.push(`${label} answers no price before a job: give your rate (US dollars per million tokens) for one`);
  }
  return {
    provider,
    model,
    tokens,
    evaluationTokens: answer?.evaluationTokens,
    price,
    allowedToProceed: answer?.allowedToProceed,
    creditLimit: answer?.creditLimit === undefined ? undefined : { amount: money(answer.creditLimit), currency: 'USD' },
    notes,
    reports,
    providerEstimate: answer,
  };
}

/**
 * The engine of `tuner.estimate`: the trained tokens of the local files (the dataset checker, loaded only now: exact
 * for OpenAI models, a labelled estimate elsewhere, times the epochs), and the price where the provider answers one
 * for uploaded files (Together) or where a rate is given. Nothing is uploaded or created.
 */
export async function estimate<P extends ProviderName, T extends TuningTypes>(
  tuning: ProviderTuning<P, T>,
  client: T['client'],
  request: LocalFilesRequest<Partial<Omit<T['createParams'], 'model' | 'training_file'>>>,
  options: EstimateOptions = {},
): Promise<CostEstimate<P>> {
  const { provider } = tuning;
  const { label } = providers[provider];
  const where = `${provider} estimate`;
  const rate = checkedRate(options.pricePerMillionTokens, where);
  const { trainingFile, validationFile, model, epochs } = request;
  const signal = options.signal ?? options.requestOptions?.signal;
  // The request is mapped (and refused where it cannot be) before any file is read.
  refuseUnknownRequestKeys(where, request, {});
  documentedRequest(tuning, {
    ...request,
    trainingFile: CHECK_FILE,
    validationFile: validationFile === undefined ? undefined : CHECK_FILE,
  });
  const stopIfAborted = (): void => {
    if (signal?.aborted) throw new APIUserAbortError(`${where}: stopped by the caller`);
  };
  const count = async (which: 'training' | 'validation', input: Uploadable): Promise<DatasetReport | undefined> => {
    stopIfAborted();
    if (!isLocal(input)) return undefined;
    return checkBeforeUpload(
      input,
      { model, epochs, signal, method: datasetMethod(request.method) },
      provider,
      `${where} (${which} file)`,
      `${which}File`,
    );
  };
  const reports = {
    training: await count('training', trainingFile),
    validation: validationFile === undefined ? undefined : await count('validation', validationFile),
  };
  stopIfAborted();
  const notes: string[] = [];
  let answer: ProviderEstimate | undefined;
  const uploaded = typeof trainingFile === 'string' && !isLocal(trainingFile);
  if (tuning.estimate) {
    if (uploaded && (validationFile === undefined || (typeof validationFile === 'string' && !isLocal(validationFile)))) {
      const body = documentedRequest(tuning, { ...request, trainingFile, validationFile });
      answer = await tuning.estimate(client, body, { ...options.requestOptions, signal });
    } else {
      notes.push(`${label} prices uploaded files: upload them and pass their ids for its price (train asks it before creating the job)`);
    }
  }
  if (uploaded && answer?.trainingTokens === undefined) {
    notes.push(`the training file ${trainingFile} is already uploaded: its tokens are not read; give the local file to count them`);
  }
  return assembleEstimate({ provider, model, epochs, reports, answer, rate, prices: tuning.estimate !== undefined, notes });
}
