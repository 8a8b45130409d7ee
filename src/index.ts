/**
 * The client library: a typed client per provider (Nebius Token Factory, Together AI, OpenAI), one provider-neutral
 * API with `createTuner` and `train()`, errors, retries and pagination.
 *
 * @packageDocumentation
 * @module tunekit
 */
export { JobFailedError, JobCancelledError, WaitTimeoutError, WaitAbortedError, ModelDeploymentError } from './poller/errors.js';
export { type JobStatus } from './core/provider.js';
export { type ProviderName } from './providers/registry/providers.js';
export * from './providers/registry/clients.js';
export type { ClientOptions } from './core/client.js';
export type { Logger, LogLevel } from './core/log.js';
export type { RequestOptions } from './core/exchange.js';
export type { RequestClock } from './core/sleep.js';
export { defaultRetryPolicy, retryDelay, type RetryPolicy } from './core/retry.js';
export { PageList, type Page } from './core/pagination.js';
export type { Uploadable, UploadOptions, UploadProgress } from './core/upload.js';
export {
  TunekitError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  PaginationError,
  ValidationError,
  type FieldProblem,
  type FieldViolation,
} from './core/errors.js';
export { VERSION } from './core/version.js';
export { createTuner } from './workflow/tuner.js';
export type {
  Tuner,
  TunerOptions,
  Job,
  JobOf,
  ProviderOptionsOf,
  ProviderTypes,
  TrainRequest,
  TrainOptions,
  TrainProgress,
  TrainResult,
} from './workflow/api.js';
export type { CostEstimate, EstimateOptions, Money, PriceEstimate, TokenEstimate } from './workflow/estimate.js';
export type { ProviderEstimate } from './workflow/tuning.js';
export type { JobEvent, JobFailure, JobProgressFields, WaitOptions, WaitProgress, WaitState, WaitClock } from './poller/types.js';
export type {
  JobRequest,
  NeutralHyperparameters,
  LoraOptions,
  NeutralFile,
  NeutralCheckpoint,
  NeutralJobBase,
  NeutralJobOptions,
  TrainingMethod,
  PreferenceMethod,
  ReinforcementMethod,
  CheckpointSource,
  Integrations,
  WandbIntegration,
  MlflowIntegration,
} from './workflow/neutral.js';
export type { ModelWaitOptions } from './poller/model-wait.js';
