/**
 * A job's life planned as segments of simulated time: its state at any moment is read off the plan, so moving
 * the clock costs nothing and is exact. Cancel, pause, resume and scripted outcomes re-plan from a moment on;
 * what happened before it never changes (events keep their ids and times).
 */

/** What a job is doing, whatever the provider calls it. */
export type Stage = 'validating' | 'queued' | 'running' | 'paused' | 'finishing' | 'cancelling' | 'succeeded' | 'failed' | 'cancelled';

/** What starts a segment (and names the event it leaves). */
type Moment =
  | 'validating'
  | 'queued'
  | 'started'
  | 'training'
  | 'resumed'
  | 'paused'
  | 'finishing'
  | 'cancelling'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

/** A phase of fixed length before or after training. */
interface Phase<Status extends string> {
  status: Status;
  stage: 'validating' | 'queued' | 'finishing';
  ms: number;
}

/** A provider's state machine, as data. */
export interface Lifecycle<Status extends string> {
  /** Before training, in order; the first is where a bad training file fails. */
  before: readonly Phase<Status>[];
  running: Status;
  /** Time in `running` before the first step (model download, set-up). */
  warmupMs: number;
  /** After training, before success (Together: compressing, uploading). */
  after: readonly Phase<Status>[];
  succeeded: Status;
  failed: Status;
  cancelled: Status;
  /** Shown for a while between a cancel and `cancelled` (Together: `cancel_requested`). */
  cancelling?: { status: Status; ms: number };
  /** Where a paused job sits (OpenAI). */
  paused?: Status;
}

export interface Training {
  epochs: number;
  stepsPerEpoch: number;
  totalSteps: number;
  msPerStep: number;
  /** Steps at which a checkpoint is saved, ascending. */
  checkpointSteps: readonly number[];
}

/** Why a job failed, in the provider's words. */
export interface JobError {
  code: string;
  message: string;
  param?: string | null;
}

export interface Segment {
  status: string;
  stage: Stage;
  enter: Moment;
  from: number;
  /** Exclusive; `Infinity` for a final status. */
  to: number;
  /** Training: steps done at `from` (one more every `msPerStep`); paused: steps done. */
  steps?: { first: number; msPerStep: number };
  error?: JobError;
  /** Who cancelled. */
  by?: 'user' | 'provider';
}

/** Where a scripted outcome happens: halfway through a status, or right after a step. */
export type At<Status extends string = string> = Status | { step: number };

export interface Outcome {
  kind: 'fail' | 'cancel';
  at: At;
  error: JobError;
}

/** One thing that happened to a job, in order; `seq` is stable for the life of the job. */
export interface TimelineEvent {
  seq: number;
  kind: 'created' | Moment | 'metrics' | 'epoch' | 'checkpoint';
  at: number;
  status: string;
  step?: number;
  epoch?: number;
  error?: JobError;
  by?: 'user' | 'provider';
}

/** At most this many metrics events per job (every step below it, every n-th above). */
const METRIC_EVENTS = 100;

const FINAL: ReadonlySet<Stage> = new Set(['succeeded', 'failed', 'cancelled']);

export const isFinal = (stage: Stage): boolean => FINAL.has(stage);

/** The statuses a job passes through on its way (where a scripted outcome can happen). */
export function passingStatuses(lifecycle: Lifecycle<string>): string[] {
  const { before, after, running } = lifecycle;
  return [...before.map((p) => p.status), running, ...after.map((p) => p.status)];
}

/** Why a scripted outcome cannot happen at `status`, if it cannot. */
export function statusProblem(lifecycle: Lifecycle<string>, status: string): string | undefined {
  const statuses = passingStatuses(lifecycle);
  return statuses.includes(status) ? undefined : `status "${status}" is not a status a job passes through (${statuses.join(', ')})`;
}

const describeAt = (at: At): string => (typeof at === 'string' ? `status "${at}"` : `step ${at.step}`);

export class Timeline {
  segments: Segment[] = [];
  private readonly every: number;
  private readonly checkpoints: ReadonlySet<number>;

  constructor(
    readonly lifecycle: Lifecycle<string>,
    readonly training: Training,
    readonly createdAt: number,
    private outcome?: Outcome,
  ) {
    this.every = Math.max(1, Math.ceil(training.totalSteps / METRIC_EVENTS));
    this.checkpoints = new Set(training.checkpointSteps);
    let t = createdAt;
    for (const phase of lifecycle.before) {
      this.segments.push({ status: phase.status, stage: phase.stage, enter: phase.stage, from: t, to: t + phase.ms });
      t += phase.ms;
    }
    this.segments.push({ status: lifecycle.running, stage: 'running', enter: 'started', from: t, to: t + lifecycle.warmupMs });
    this.train(t + lifecycle.warmupMs, 0, 'training');
    if (outcome) {
      const problem = this.apply(outcome, createdAt);
      if (problem) throw new Error(problem);
    }
  }

  /** Training from `from` with `first` steps done, then the phases after it and success. */
  private train(from: number, first: number, enter: 'training' | 'resumed'): void {
    const { msPerStep, totalSteps } = this.training;
    let t = from + (totalSteps - first) * msPerStep;
    this.segments.push({ status: this.lifecycle.running, stage: 'running', enter, from, to: t, steps: { first, msPerStep } });
    for (const phase of this.lifecycle.after) {
      this.segments.push({ status: phase.status, stage: phase.stage, enter: phase.stage, from: t, to: t + phase.ms });
      t += phase.ms;
    }
    this.segments.push({ status: this.lifecycle.succeeded, stage: 'succeeded', enter: 'succeeded', from: t, to: Infinity });
  }

  /** Everything from `t` on is dropped; the segment running at `t` ends there. */
  private cut(t: number): void {
    this.segments = this.segments.filter((segment) => segment.from < t);
    const last = this.segments[this.segments.length - 1];
    if (last) last.to = t;
  }

  private end(t: number, kind: 'fail' | 'cancel', error: JobError | undefined, by: 'user' | 'provider'): void {
    this.cut(t);
    const { failed, cancelled, cancelling } = this.lifecycle;
    if (kind === 'fail') {
      this.segments.push({ status: failed, stage: 'failed', enter: 'failed', from: t, to: Infinity, error });
      return;
    }
    let at = t;
    if (cancelling) {
      this.segments.push({ status: cancelling.status, stage: 'cancelling', enter: 'cancelling', from: t, to: t + cancelling.ms, by });
      at += cancelling.ms;
    }
    this.segments.push({ status: cancelled, stage: 'cancelled', enter: 'cancelled', from: at, to: Infinity, by });
  }

  /**
   * When `at` happens in the current plan, from `now` on: halfway through what is left of the status (training, for
   * `running`), or when the step is done; `undefined` when the plan does not reach it (yet).
   */
  private when(at: At, now: number): number | undefined {
    if (typeof at === 'string') {
      const matching = this.segments.filter((s) => s.status === at && s.stage !== 'paused' && s.to !== Infinity && s.to > now);
      const segment = matching.find((s) => s.steps) ?? matching[0];
      const from = segment && Math.max(segment.from, now);
      return segment && from !== undefined ? from + Math.floor((segment.to - from) / 2) : undefined;
    }
    for (const segment of this.segments) {
      if (segment.stage !== 'running' || !segment.steps) continue;
      const { first, msPerStep } = segment.steps;
      const time = segment.from + (at.step - first) * msPerStep;
      if (at.step > first && time <= segment.to) return time;
    }
    return undefined;
  }

  /** Why `at` can never happen to this job, if it cannot. */
  private impossible(at: At): string | undefined {
    if (typeof at === 'string') return statusProblem(this.lifecycle, at);
    const { totalSteps } = this.training;
    return Number.isInteger(at.step) && at.step >= 1 && at.step <= totalSteps
      ? undefined
      : `step ${at.step} is not between 1 and the job's ${totalSteps} steps`;
  }

  /** Plans `outcome` from `now` on; a problem in words when it cannot be. A plan that does not reach it yet (paused) keeps it for later. */
  apply(outcome: Outcome, now: number): string | undefined {
    const why = this.impossible(outcome.at);
    if (why) return why;
    if (isFinal(this.stageAt(now))) return `the job has already ended (${this.at(now).status})`;
    this.outcome = outcome;
    const at = this.when(outcome.at, now);
    if (at === undefined || at < now) {
      if (this.at(now).stage === 'paused') return undefined;
      const passed =
        typeof outcome.at === 'string'
          ? this.segments.some((s) => s.status === outcome.at && s.from < now)
          : this.stepsAt(now) >= outcome.at.step;
      return `the job ${passed ? 'is already past' : 'will not reach'} ${describeAt(outcome.at)}`;
    }
    this.end(at, outcome.kind, outcome.error, 'provider');
    return undefined;
  }

  /** The segment at `t`. */
  at(t: number): Segment {
    let found = this.segments[0] as Segment;
    for (const segment of this.segments) {
      if (segment.from > t) break;
      found = segment;
    }
    return found;
  }

  stageAt(t: number): Stage {
    return this.at(t).stage;
  }

  /** Steps done at `t`. */
  stepsAt(t: number): number {
    let steps = 0;
    for (const segment of this.segments) {
      if (segment.from > t) break;
      if (!segment.steps) continue;
      const { first, msPerStep } = segment.steps;
      steps = segment.stage === 'paused' ? first : first + Math.floor((Math.min(t, segment.to) - segment.from) / msPerStep);
    }
    return Math.min(steps, this.training.totalSteps);
  }

  /** When the job first started running, if it has by `t`. */
  startedAt(t: number): number | undefined {
    const started = this.segments.find((s) => s.stage === 'running');
    return started && started.from <= t ? started.from : undefined;
  }

  /** When the job ended, if it has by `t`. */
  finishedAt(t: number): number | undefined {
    const segment = this.at(t);
    return isFinal(segment.stage) ? segment.from : undefined;
  }

  /** When the job is planned to succeed, while it is on its way there (not paused, not ending otherwise). */
  plannedFinish(t: number): number | undefined {
    const last = this.segments[this.segments.length - 1];
    return last?.stage === 'succeeded' && last.from > t ? last.from : undefined;
  }

  /** The next moment after `t` at which this job shows something new to a poll: a status change or a checkpoint. */
  nextMilestone(t: number): number | undefined {
    const segment = this.at(t);
    let next = segment.to;
    if (segment.stage === 'running' && segment.steps) {
      const { first, msPerStep } = segment.steps;
      const step = this.training.checkpointSteps.find((k) => k > first && segment.from + (k - first) * msPerStep > t);
      if (step !== undefined) next = Math.min(next, segment.from + (step - first) * msPerStep);
    }
    return Number.isFinite(next) ? next : undefined;
  }

  cancel(t: number, by: 'user' | 'provider'): void {
    this.end(t, 'cancel', undefined, by);
  }

  pause(t: number): void {
    const steps = this.stepsAt(t);
    this.cut(t);
    this.segments.push({
      status: this.lifecycle.paused ?? this.lifecycle.running,
      stage: 'paused',
      enter: 'paused',
      from: t,
      to: Infinity,
      steps: { first: steps, msPerStep: this.training.msPerStep },
    });
  }

  resume(t: number): void {
    const steps = this.stepsAt(t);
    // The paused segment ends now, and is kept (with its event) even when it began at this very instant.
    const paused = this.segments[this.segments.length - 1];
    if (paused?.stage === 'paused') paused.to = t;
    else this.cut(t);
    this.train(t, steps, 'resumed');
    if (this.outcome) {
      const at = this.when(this.outcome.at, t);
      if (at !== undefined && at >= t) this.end(at, this.outcome.kind, this.outcome.error, 'provider');
    }
  }

  /** Everything that happened by `t`, in order. */
  events(t: number): TimelineEvent[] {
    const out: TimelineEvent[] = [];
    const push = (event: Omit<TimelineEvent, 'seq'>): void => void out.push({ ...event, seq: out.length });
    const first = this.segments[0];
    push({ kind: 'created', at: this.createdAt, status: first?.status ?? '' });
    const { totalSteps, stepsPerEpoch } = this.training;
    for (const segment of this.segments) {
      if (segment.from > t) break;
      push({ kind: segment.enter, at: segment.from, status: segment.status, error: segment.error, by: segment.by });
      if (segment.stage !== 'running' || !segment.steps) continue;
      const { first: done, msPerStep } = segment.steps;
      const last = Math.min(totalSteps, done + Math.floor((Math.min(t, segment.to) - segment.from) / msPerStep));
      for (let step = done + 1; step <= last; step++) {
        const at = segment.from + (step - done) * msPerStep;
        if (step % this.every === 0 || step === totalSteps) push({ kind: 'metrics', at, status: segment.status, step });
        if (step % stepsPerEpoch === 0) push({ kind: 'epoch', at, status: segment.status, step, epoch: step / stepsPerEpoch });
        if (this.checkpoints.has(step))
          push({ kind: 'checkpoint', at, status: segment.status, step, epoch: Math.ceil(step / stepsPerEpoch) });
      }
    }
    return out;
  }
}
