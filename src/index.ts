export { createNebiusClient, type NebiusClient, type NebiusClientOptions } from './providers/nebius.js';
export type * from './providers/nebius.js';
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
  JobFailedError,
  JobCancelledError,
  WaitTimeoutError,
  WaitAbortedError,
  ModelDeploymentError,
  type FieldProblem,
  type FieldViolation,
} from './core/errors.js';
export { VERSION } from './core/version.js';
export { createTogetherClient, type TogetherClient, type TogetherClientOptions } from './providers/together.js';
export type * from './providers/together.js';
export { createOpenAIClient, type OpenAIClient, type OpenAIClientOptions } from './providers/openai.js';
export type * from './providers/openai.js';
export { createTuner } from './workflow/tuner.js';
export type { Tuner, TunerOptions, Job, JobOf, ProviderOptionsOf, ProviderTypes, TrainRequest, TrainOptions, TrainProgress, TrainResult } from './workflow/api.js';
export type { JobStatus, JobEvent, JobFailure, JobProgressFields, ProviderName, WaitOptions, WaitProgress, WaitState, WaitClock } from './workflow/types.js';
export type { JobRequest, NeutralHyperparameters, LoraOptions, NeutralFile, NeutralCheckpoint, NeutralJobBase } from './workflow/neutral.js';
export type { ModelWaitOptions } from './workflow/models.js';
