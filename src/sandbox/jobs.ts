import type { JobRecord, World } from './world.js';
import type { Ctx, PendingOutcome } from './routes.js';
import { unit } from './random.js';
import {
  isFinal,
  Timeline,
  type JobError,
  type Lifecycle,
  type Outcome,
  type Stage,
  type TimelineEvent,
  type Training,
} from './timeline.js';

const MINUTE = 60_000;
/** Training takes this long for any small dataset (set-up, evaluation, saving), plus the tokens' time. */
const TRAINING_BASE_MS = 40 * MINUTE;
const TOKENS_PER_SECOND = 3_000;

/** What a provider decides about a new job. */
export interface JobSpec<Request> {
  request: Request;
  id: string;
  model: string;
  trainingFile: string;
  validationFile?: string | null;
  /** Epochs and batch size for a dataset of `examples` (where the provider resolves 'auto'). */
  shape(examples: number): { epochs: number; batchSize: number };
  /** The steps at which checkpoints are saved. */
  checkpoints(training: { epochs: number; stepsPerEpoch: number; totalSteps: number }): number[];
  /** Why a job fails in validation (an unknown or unreadable file), in the provider's words (default `fileError`). */
  fileError?(role: 'training' | 'validation', fileId: string, reason: string | undefined): JobError;
  /** The code and message of a scripted failure that names none. */
  failure: JobError;
}

/** Why a job fails in validation, OpenAI's way: `invalid_training_file` (or `…_validation_file`) and what is wrong. */
function fileError(role: 'training' | 'validation', fileId: string, reason: string | undefined): JobError {
  const message =
    reason === undefined
      ? `The ${role} file ${fileId} does not exist`
      : `The ${role} file ${fileId} is not valid fine-tuning JSONL: ${reason}`;
  return { code: `invalid_${role}_file`, message, param: `${role}_file` };
}

/** Checkpoints at the end of each epoch, the last `keep` of them. */
export function epochCheckpoints(keep = Infinity) {
  return ({ epochs, stepsPerEpoch }: { epochs: number; stepsPerEpoch: number }): number[] =>
    Array.from({ length: epochs }, (_, i) => (i + 1) * stepsPerEpoch).slice(-keep);
}

/** Why a file cannot train a job: unknown, or not valid JSONL; with its size when it can. */
async function checkFile<S, R>(
  world: World<S, R>,
  id: string,
  now: number,
): Promise<{ problem: string | undefined; examples: number; tokens: number }> {
  const file = world.files.get(id);
  if (!file || file.createdAt > now) return { problem: undefined, examples: -1, tokens: 0 };
  const report = await world.report(file);
  return report.ok ? { problem: undefined, ...report } : { problem: `line ${report.line}: ${report.reason}`, examples: 0, tokens: 0 };
}

/** Creates a job in `ctx.world`: its files checked, its training sized, its whole life planned. */
export async function createJob<S, Request>(
  ctx: Ctx<S, Request>,
  lifecycle: Lifecycle<string>,
  spec: JobSpec<Request>,
): Promise<JobRecord<Request>> {
  const { world, now } = ctx;
  const training = await checkFile(world, spec.trainingFile, now);
  const validation = spec.validationFile ? await checkFile(world, spec.validationFile, now) : undefined;
  const validating = lifecycle.before[0]?.status ?? lifecycle.running;
  let outcome: Outcome | undefined;
  if (training.examples < 0 || training.problem) {
    outcome = { kind: 'fail', at: validating, error: (spec.fileError ?? fileError)('training', spec.trainingFile, training.problem) };
  } else if (validation && (validation.examples < 0 || validation.problem)) {
    outcome = {
      kind: 'fail',
      at: validating,
      error: (spec.fileError ?? fileError)('validation', spec.validationFile ?? '', validation.problem),
    };
  }
  const examples = Math.max(training.examples, 1);
  const { epochs, batchSize } = spec.shape(examples);
  const stepsPerEpoch = Math.ceil(examples / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  const ms = TRAINING_BASE_MS + (training.tokens * epochs * 1000) / TOKENS_PER_SECOND;
  const plan: Training = {
    epochs,
    stepsPerEpoch,
    totalSteps,
    msPerStep: Math.max(1_000, Math.round(ms / totalSteps)),
    checkpointSteps: spec.checkpoints({ epochs, stepsPerEpoch, totalSteps }),
  };
  const scripted = ctx.takeOutcome();
  if (!outcome && scripted) outcome = toOutcome(scripted, lifecycle, spec.failure, totalSteps);
  const job: JobRecord<Request> = {
    id: spec.id,
    createdAt: now,
    request: spec.request,
    model: spec.model,
    trainingFile: spec.trainingFile,
    validationFile: spec.validationFile ?? undefined,
    examples: Math.max(training.examples, 0),
    tokens: training.tokens,
    timeline: new Timeline(lifecycle, plan, now, outcome),
  };
  world.jobs.set(job.id, job);
  return job;
}

/** A scripted outcome as the timeline takes it (a step past the end means the last step). */
export function toOutcome(scripted: PendingOutcome, lifecycle: Lifecycle<string>, failure: JobError, totalSteps: number): Outcome {
  const at =
    typeof scripted.at === 'object' ? { step: Math.min(Math.max(1, scripted.at.step), totalSteps) } : (scripted.at ?? lifecycle.running);
  const cancelled = { code: 'cancelled', message: 'The job was cancelled by the provider.' };
  const words = scripted.kind === 'fail' ? failure : cancelled;
  return { kind: scripted.kind, at, error: { code: scripted.code ?? words.code, message: scripted.message ?? words.message, param: null } };
}

/** A job of this key, unless unknown or deleted. */
export function findJob<S, R>(world: World<S, R>, id: string): JobRecord<R> | undefined {
  const job = world.jobs.get(id);
  return job && !job.deleted ? job : undefined;
}

/** This key's jobs, newest first. */
export function jobsOf<S, R>(world: World<S, R>): JobRecord<R>[] {
  return [...world.jobs.values()].filter((job) => !job.deleted).reverse();
}

/** A job as of `now`, provider-neutral. */
export interface JobView {
  status: string;
  stage: Stage;
  final: boolean;
  steps: number;
  totalSteps: number;
  epochs: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  /** Planned success, while on the way there. */
  estimatedFinish: number | undefined;
  /** When the current status ends (`Infinity` when it does not by itself). */
  statusEnds: number;
  error: JobError | undefined;
  /** Tokens trained so far. */
  trainedTokens: number;
}

export function viewJob(job: JobRecord, now: number): JobView {
  const { timeline } = job;
  const segment = timeline.at(now);
  const steps = timeline.stepsAt(now);
  const { totalSteps, stepsPerEpoch, epochs } = timeline.training;
  return {
    status: segment.status,
    stage: segment.stage,
    final: isFinal(segment.stage),
    steps,
    totalSteps,
    epochs: Math.min(epochs, Math.floor(steps / stepsPerEpoch)),
    startedAt: timeline.startedAt(now),
    finishedAt: timeline.finishedAt(now),
    estimatedFinish: timeline.plannedFinish(now),
    statusEnds: segment.to,
    error: segment.error,
    trainedTokens: Math.round((job.tokens * epochs * steps) / Math.max(1, totalSteps)),
  };
}

/** Why `action` cannot be done to a job now, or `undefined` after doing it. */
export function act(job: JobRecord, action: 'cancel' | 'pause' | 'resume', now: number): string | undefined {
  const { timeline } = job;
  const stage = timeline.stageAt(now);
  const status = timeline.at(now).status;
  switch (action) {
    case 'cancel':
      if (isFinal(stage) || stage === 'cancelling') return `job ${job.id} is ${status} and cannot be cancelled`;
      timeline.cancel(now, 'user');
      return undefined;
    case 'pause':
      if (stage !== 'running') return `job ${job.id} is ${status}: only a running job can be paused`;
      timeline.pause(now);
      return undefined;
    case 'resume':
      if (stage !== 'paused') return `job ${job.id} is ${status}: only a paused job can be resumed`;
      timeline.resume(now);
      return undefined;
  }
}

/** Training and validation metrics at a step: a loss that falls towards a floor, the same every time for a job. */
export function metricsAt(
  job: JobRecord,
  step: number,
): { trainLoss: number; trainAccuracy: number; validLoss: number | undefined; validAccuracy: number | undefined } {
  const { totalSteps } = job.timeline.training;
  const start = 1.9 + 0.8 * unit(`${job.id}:start`);
  const floor = 0.25 + 0.3 * unit(`${job.id}:floor`);
  const progress = step / Math.max(1, totalSteps);
  const wobble = 1 + 0.01 * (unit(`${job.id}:${step}`) - 0.5) * (1 - progress);
  const trainLoss = round((floor + (start - floor) * Math.exp(-3.5 * progress)) * wobble);
  const accuracy = (loss: number): number => round(Math.min(0.99, 0.35 + 0.6 * (1 - (loss - floor) / (start - floor))));
  const gap = 1.06 + 0.04 * unit(`${job.id}:valid`);
  const after = job.validationRisesAfter;
  // Overfitting, when scripted: from `after` on, the validation loss climbs back from where it was then (+50% by the end).
  const validation =
    after === undefined || progress <= after
      ? trainLoss * gap
      : (floor + (start - floor) * Math.exp(-3.5 * after)) * gap * (1 + (0.5 * (progress - after)) / (1 - after));
  const validLoss = job.validationFile ? round(validation) : undefined;
  return {
    trainLoss,
    trainAccuracy: accuracy(trainLoss),
    validLoss,
    validAccuracy: validLoss === undefined ? undefined : accuracy(validLoss),
  };
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

/** Visible events of a job (oldest first). */
export function eventsOf(job: JobRecord, now: number): TimelineEvent[] {
  return job.timeline.events(now);
}

/**
 * One page of a list in the OpenAI style: the items after the one whose id is `after`, at most `limit`, and
 * whether more follow. An unknown `after` gives an empty last page.
 */
export function page<T>(
  items: readonly T[],
  id: (item: T) => string,
  after: string | null | undefined,
  limit: number | null | undefined,
  defaultLimit: number,
): { data: T[]; has_more: boolean } {
  const size = Math.max(1, limit ?? defaultLimit);
  const start = after ? items.findIndex((item) => id(item) === after) + 1 : 0;
  if (after && start === 0) return { data: [], has_more: false };
  return { data: items.slice(start, start + size), has_more: start + size < items.length };
}

/** Seconds since the epoch, as the APIs write times. */
export const seconds = (ms: number): number => Math.floor(ms / 1000);
export const iso = (ms: number): string => new Date(ms).toISOString();
