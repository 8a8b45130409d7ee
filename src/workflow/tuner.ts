import { ValidationError, type FieldViolation } from '../core/errors.js';
import { refuseUnknownKeys, type JobRequest } from './neutral.js';
import { tunings as registered } from '../providers/registry/tunings.js';
import type { JobOf, ProviderOptionsOf, ProviderTypes, Tuner, TunerOptions } from './api.js';
import { train } from './train.js';
import { estimate } from './estimate.js';
import { createRequest, documentedRequest, type ProviderTuning } from './tuning.js';
import type { ProviderName } from '../providers/registry/providers.js';

/** The problem of a provider name the registry does not have. */
function unknownProvider(provider: unknown): FieldViolation {
  const known = Object.keys(tunings).join(', ');
  return {
    field: 'provider',
    rule: `one of ${known}`,
    value: provider,
    message: `provider ${JSON.stringify(provider)} is not one of ${known}`,
  };
}

/** Every provider's tuning module, by name. */
const tunings: { [P in ProviderName]: ProviderTuning<P, ProviderTypes[P]> } = registered;

/** The tuning module of `provider` (its mapping, its objects read neutrally, its calls). */
export function tuningOf<P extends ProviderName>(provider: P): ProviderTuning<P, ProviderTypes[P]> {
  return tunings[provider];
}

/** The request `P`'s client takes for a neutral one: mapped by the provider's table, refused where it cannot be. */
export function providerRequest<P extends ProviderName>(
  provider: P,
  request: JobRequest<ProviderOptionsOf<P>>,
): ProviderTypes[P]['createParams'] {
  const tuning: ProviderTuning<P, ProviderTypes[P]> = tunings[provider];
  return createRequest(tuning, request);
}

/**
 * One API for every provider: jobs and files in one vocabulary (a `Job` with a neutral `status`, dates as `Date`,
 * `raw` the provider's own object), neutral hyperparameters mapped per provider (refused, never dropped, where a
 * provider cannot honour them), and `train()`, the whole workflow in one call.
 * @example
 * ```ts
 * import { createTuner } from 'tunekit';
 * const tuner = createTuner({ provider: 'together' }); // TOGETHER_API_KEY from the environment
 * const { job, model } = await tuner.train(
 *   { model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', trainingFile: './train.jsonl', epochs: 3, lora: { rank: 16 } },
 *   { onProgress: (p) => console.log(p.stage) },
 * );
 * console.log(job.status, model);
 * ```
 */
export function createTuner<P extends ProviderName>(options: TunerOptions<P>): Tuner<P> {
  const tuning: ProviderTuning<P, ProviderTypes[P]> | undefined = tunings[options.provider];
  if (!tuning) throw ValidationError.of('createTuner', unknownProvider(options.provider));
  refuseUnknownKeys(`createTuner (${options.provider})`, options, ['provider', ...Object.keys(tuning.clientOptionKeys)]);
  const client = tuning.createClient(options);
  const { calls } = tuning;
  const job = (raw: ProviderTypes[P]['job'] | ProviderTypes[P]['jobSummary']): JobOf<P> => tuning.job(raw);
  return {
    provider: options.provider,
    client,
    jobs: {
      create: async (request, requestOptions) => job(await calls.create(client, documentedRequest(tuning, request), requestOptions)),
      retrieve: async (jobId, requestOptions) => job(await calls.retrieve(client, jobId, requestOptions)),
      list: (requestOptions) => calls.list(client, requestOptions).map(job),
      cancel: async (jobId, requestOptions) => job(await calls.cancel(client, jobId, requestOptions)),
      events: (jobId, requestOptions) => calls.events(client, jobId, requestOptions).map(tuning.event),
      checkpoints: (jobId, requestOptions) => calls.checkpoints(client, jobId, requestOptions).map(tuning.checkpoint),
      wait: async (jobId, wait, requestOptions) => job(await calls.wait(client, jobId, wait, requestOptions)),
    },
    files: {
      upload: async (file, upload, requestOptions) => tuning.file(await calls.upload(client, file, upload, requestOptions)),
      list: (requestOptions) => calls.files(client, requestOptions).map(tuning.file),
      retrieve: async (fileId, requestOptions) => tuning.file(await calls.file(client, fileId, requestOptions)),
      delete: async (fileId, requestOptions) => {
        await calls.deleteFile(client, fileId, requestOptions);
      },
    },
    train: (request, trainOptions) => train(tuning, client, request, trainOptions),
    estimate: (request, estimateOptions) => estimate(tuning, client, request, estimateOptions),
  };
}
