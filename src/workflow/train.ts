import { APIUserAbortError, TunekitError } from '../core/errors.js';
import type { RequestOptions } from '../core/exchange.js';
import { checkBeforeUpload, type Uploadable } from '../core/upload.js';
import type { JobOf, ProviderTypes, TrainOptions, TrainRequest, TrainResult } from './api.js';
import {
  CHECK_FILE,
  datasetMethod,
  NEUTRAL_OPTIONS,
  refuseUnknownKeys,
  refuseUnknownRequestKeys,
  type NeutralCheckpoint,
  type NeutralFile,
} from './neutral.js';
import { documentedRequest, type ProviderTuning } from './tuning.js';
import { isPath } from './inputs.js';
import { assembleEstimate, checkedRate } from './estimate.js';
import type { DatasetReport } from '../core/dataset-report.js';
import { DEFAULT_POLL_POLICY, poll, realClock, type PollPolicy } from '../poller/poll.js';
import type { ProviderName } from '../providers/registry/providers.js';

/** Every key of `train`'s options. */
const TRAIN_OPTION_KEYS: { [K in keyof TrainOptions<ProviderName>]-?: true } = {
  onProgress: true,
  signal: true,
  check: true,
  deploy: true,
  wait: true,
  requestOptions: true,
  estimate: true,
  confirm: true,
};

/** An option of `train`'s second argument given in its request: where it belongs. */
const TRAIN_OPTIONS_ELSEWHERE: Record<string, string> = Object.fromEntries(
  Object.keys(TRAIN_OPTION_KEYS).map((key) => [key, `${key} is an option of train's second argument, not of its request`]),
);

/** A job option given in `train`'s second argument: where it belongs. */
const REQUEST_OPTIONS_ELSEWHERE: Record<string, string> = Object.fromEntries(
  [...NEUTRAL_OPTIONS, 'model', 'trainingFile', 'providerOptions'].map((key) => [
    key,
    `${key} belongs in train's request, its first argument`,
  ]),
);

/** How long a file may stay `uploaded` before `train` gives up on the provider processing it. */
const FILE_PROCESSING_TIMEOUT_MS = 30 * 60_000;

/**
 * The whole workflow on one provider (the engine of `tuner.train`): check and upload local files, wait until the
 * provider has processed them, create the job (once), wait for it, list its checkpoints and end with a model name
 * (deploying one from a checkpoint where the provider needs that).
 */
export async function train<P extends ProviderName>(
  tuning: ProviderTuning<P, ProviderTypes[P]>,
  client: ProviderTypes[P]['client'],
  request: TrainRequest<P>,
  options: TrainOptions<P> = {},
): Promise<TrainResult<P>> {
  const { provider, calls } = tuning;
  const { onProgress, signal } = options;
  const clock = options.wait?.clock ?? realClock;
  const requestOptions: RequestOptions = { ...options.requestOptions, signal: signal ?? options.requestOptions?.signal };
  const uploaded: string[] = [];
  const reports: { training: DatasetReport | undefined; validation: DatasetReport | undefined } = {
    training: undefined,
    validation: undefined,
  };
  const rate = options.estimate === false ? undefined : checkedRate(options.estimate?.pricePerMillionTokens, `${provider} train`);
  const stopped = (stage: string): APIUserAbortError => {
    const files = uploaded.length ? ` (uploaded before it stopped: ${uploaded.join(', ')})` : '';
    return new APIUserAbortError(`${provider} train: stopped by the caller during ${stage}; no job was created${files}`);
  };
  const stopIfAborted = (stage: string): void => {
    if (signal?.aborted) throw stopped(stage);
  };

  // Map the request before any upload: a misspelled key, or a neutral option the provider refuses, costs nothing.
  refuseUnknownRequestKeys(`${provider} train`, request, TRAIN_OPTIONS_ELSEWHERE);
  refuseUnknownKeys(`${provider} train's options`, options, Object.keys(TRAIN_OPTION_KEYS), REQUEST_OPTIONS_ELSEWHERE);
  const { trainingFile: trainingInput, validationFile: validationInput, model } = request;
  documentedRequest(tuning, {
    ...request,
    trainingFile: CHECK_FILE,
    validationFile: validationInput === undefined ? undefined : CHECK_FILE,
  });

  /** Declined at the estimate: the files `train` uploaded are deleted, and the error says so (and names any left). */
  async function declined(): Promise<APIUserAbortError> {
    const left: string[] = [];
    for (const id of uploaded) await calls.deleteFile(client, id, requestOptions).catch(() => left.push(id));
    const removed = uploaded.filter((id) => !left.includes(id));
    const files = [
      removed.length ? `deleted the files it uploaded (${removed.join(', ')})` : '',
      left.length ? `could not delete ${left.join(', ')}` : '',
    ].filter(Boolean);
    return new APIUserAbortError(
      `${provider} train: declined at the cost estimate; no job was created${files.length ? `; ${files.join('; ')}` : ''}`,
    );
  }

  /** Wait until the provider has processed an uploaded file, where it tracks that (OpenAI, Together). */
  async function processed(which: 'training' | 'validation', file: NeutralFile<ProviderTypes[P]['file']>): Promise<void> {
    const interval = options.wait?.pollIntervalMs;
    // Processing takes seconds to minutes: polls start at 1 s (or the wait's interval, up to 10 s) and double to 10 s.
    const policy: PollPolicy = {
      ...DEFAULT_POLL_POLICY,
      intervalMs: Math.min(interval ?? 1_000, 10_000),
      growth: 2,
      maxIntervalMs: Math.max(10_000, interval ?? 0),
      jitter: 0,
      maxErrors: 0,
      timeoutMs: FILE_PROCESSING_TIMEOUT_MS,
    };
    let current = file;
    let last = '';
    await poll<void>(
      async ({ polls }) => {
        if (polls > 0) current = tuning.file(await calls.file(client, file.id, requestOptions));
        if (current.status === 'uploaded') {
          if (last !== current.status) onProgress?.({ stage: 'processing', file: which, fileId: file.id, status: current.status });
          last = current.status;
          return { changed: false };
        }
        if (current.status === 'error') {
          throw new TunekitError(`${provider} could not process the ${which} file ${file.id}; train stopped before creating a job`);
        }
        if (last) onProgress?.({ stage: 'processing', file: which, fileId: file.id, status: current.status ?? 'processed' });
        return { done: undefined };
      },
      {
        policy,
        clock,
        signal,
        aborted: () => stopped('file processing'),
        timedOut: () =>
          new TunekitError(`${provider} file ${file.id} is still being processed after 30 min; train stopped before creating a job`),
      },
    );
  }

  /** A file id as given, or the id of the file uploaded from a path, Blob or stream. */
  async function fileId(which: 'training' | 'validation', input: Uploadable): Promise<string> {
    if (typeof input === 'string' && !isPath(input)) return input;
    stopIfAborted('upload');
    const report = await checkBeforeUpload(
      input,
      options.check && { model, epochs: request.epochs, method: datasetMethod(request.method) },
      provider,
      `${provider} train (${which} file)`,
      `${which}File`,
    );
    reports[which] = report;
    if (report) onProgress?.({ stage: 'check', file: which, report });
    stopIfAborted('check');
    const raw = await calls.upload(
      client,
      input,
      { onProgress: ({ loaded, total }) => onProgress?.({ stage: 'upload', file: which, loaded, total }) },
      requestOptions,
    );
    const file = tuning.file(raw);
    uploaded.push(file.id);
    onProgress?.({ stage: 'upload', file: which, loaded: file.bytes, total: file.bytes, fileId: file.id });
    await processed(which, file);
    return file.id;
  }

  const trainingFile = await fileId('training', trainingInput);
  const validationFile = validationInput === undefined ? undefined : await fileId('validation', validationInput);
  stopIfAborted('create');
  const body = documentedRequest(tuning, { ...request, trainingFile, validationFile });
  if (options.estimate !== false) {
    const notes = options.check ? [] : ['the files were not checked (check: false), so their tokens were not counted'];
    let answer;
    try {
      answer = await tuning.estimate?.(client, body, requestOptions);
    } catch (error) {
      stopIfAborted('estimate');
      // A price the provider cannot give now does not stop the job: the estimate says why it has none.
      notes.push(`${provider} gave no estimate: ${error instanceof Error ? error.message : String(error)}`);
    }
    const estimate = assembleEstimate({
      provider,
      model,
      epochs: request.epochs,
      reports,
      answer,
      rate,
      prices: tuning.estimate !== undefined,
      notes,
    });
    onProgress?.({ stage: 'estimate', estimate });
    const go = options.confirm ? await options.confirm(estimate) : true;
    stopIfAborted('confirmation');
    if (!go) throw await declined();
  }
  const created: JobOf<P> = tuning.job(await calls.create(client, body, requestOptions));
  onProgress?.({ stage: 'create', jobId: created.id, job: created });

  const done = await calls.wait(
    client,
    created.id,
    { ...options.wait, signal, onProgress: (progress) => onProgress?.({ stage: 'wait', progress }) },
    requestOptions,
  );
  const job: JobOf<P> = tuning.job(done);
  const checkpoints: NeutralCheckpoint<ProviderTypes[P]['checkpoint']>[] = [];
  for await (const raw of calls.checkpoints(client, job.id, requestOptions)) checkpoints.push(tuning.checkpoint(raw));
  checkpoints.sort((a, b) => a.step - b.step);

  let modelName = job.fineTunedModel;
  if (modelName === undefined && options.deploy && tuning.deploy) {
    const choice = typeof options.deploy === 'object' ? options.deploy : {};
    const scored = checkpoints.filter((c) => c.validationLoss !== undefined);
    const chosen =
      choice.checkpoint === 'best' && scored.length
        ? scored.reduce((best, c) => ((c.validationLoss ?? Infinity) < (best.validationLoss ?? Infinity) ? c : best))
        : checkpoints.at(-1);
    if (!chosen) throw new TunekitError(`${provider} job ${job.id} succeeded with no checkpoint to deploy`);
    modelName = await tuning.deploy(client, done, chosen, {
      name: choice.name,
      signal,
      onStatus: (status, name) => onProgress?.({ stage: 'deploy', model: name, status }),
      wait: { clock: options.wait?.clock, pollIntervalMs: options.wait?.pollIntervalMs },
      request: requestOptions,
    });
  }
  onProgress?.({ stage: 'done', job, model: modelName });
  return { job, model: modelName, checkpoints, trainingFile, validationFile };
}
