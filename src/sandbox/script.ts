import { isRecord } from '../core/records.js';
import { toFaultScript, type FaultScript } from './faults.js';
import type { PendingOutcome } from './routes.js';
import { statusProblem, type At, type Lifecycle } from './timeline.js';

/** Where and how a scripted job ends: `at` a status (halfway through what is left of it) or right after a step; default halfway through training. */
export interface FailScript<Status extends string = string> {
  at?: At<Status>;
  /** The provider's error code (default: the provider's usual one for a training error). */
  code?: string;
  message?: string;
}

/**
 * A job's fate: it fails (`fail`) or the provider cancels it (`cancel`). `job` names an existing job (its plan changes
 * from now on); without it, the script waits for the next job created (with `apiKey`, if given).
 */
export type JobScript<Status extends string = string> = { job?: string; apiKey?: string } & (
  { fail: FailScript<Status>; cancel?: never } | { cancel: { at?: At<Status> }; fail?: never }
);

/**
 * A job's metrics from now on: `validationRisesAfter` (a fraction of training, above 0 and below 1) makes its
 * validation loss fall until then and rise after it, as when a model overfits, so its best checkpoint is not its last.
 */
export interface MetricsScript {
  job: string;
  apiKey?: string;
  metrics: { validationRisesAfter: number };
}

/** Something a test decides in advance: a job's outcome or metrics, or a transport fault. */
export type Script<Status extends string = string> = JobScript<Status> | MetricsScript | FaultScript;

/** A checked script, as the engine keeps it. */
export type ParsedScript =
  | { kind: 'fault'; fault: FaultScript }
  | { kind: 'job'; job: string | undefined; apiKey: string | undefined; outcome: PendingOutcome }
  | { kind: 'metrics'; job: string; apiKey: string | undefined; validationRisesAfter: number };

const shown = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** Checks a script (from code or JSON), throwing an `Error` that names the field, the value and the rule. */
export function parseScript(value: unknown, lifecycle: Lifecycle<string>): ParsedScript {
  if (!isRecord(value)) throw new Error(`a script must be an object with "fail", "cancel" or "fault" (got ${shown(value)})`);
  if ('fault' in value) return { kind: 'fault', fault: toFaultScript(value) };
  if ('metrics' in value) return parseMetrics(value);
  const { job, apiKey, fail, cancel, ...rest } = value;
  const extra = Object.keys(rest)[0];
  if (extra) throw new Error(`${extra} is not a field of a script (fail, cancel, metrics, fault, job, apiKey, times, match)`);
  if ((fail === undefined) === (cancel === undefined)) throw new Error('a job script needs exactly one of "fail" and "cancel"');
  if (job !== undefined && (typeof job !== 'string' || !job)) throw new Error(`job = ${shown(job)} must be a job id`);
  if (apiKey !== undefined && (typeof apiKey !== 'string' || !apiKey))
    throw new Error(`apiKey = ${shown(apiKey)} must be a non-empty string`);
  const kind = fail === undefined ? 'cancel' : 'fail';
  const spec = kind === 'fail' ? fail : cancel;
  if (!isRecord(spec)) throw new Error(`${kind} = ${shown(spec)} must be an object, e.g. { "at": "running" }`);
  const { at, code, message, ...others } = spec;
  const other = Object.keys(others)[0] ?? (kind === 'cancel' && (code !== undefined || message !== undefined) ? 'code' : undefined);
  if (other) throw new Error(`${kind}.${other} is not a field of ${kind} (${kind === 'fail' ? 'at, code, message' : 'at'})`);
  for (const [field, words] of [
    ['code', code],
    ['message', message],
  ] as const) {
    if (words !== undefined && (typeof words !== 'string' || !words))
      throw new Error(`${kind}.${field} = ${shown(words)} must be a non-empty string`);
  }
  let where: PendingOutcome['at'];
  if (typeof at === 'string') {
    const problem = statusProblem(lifecycle, at);
    if (problem) throw new Error(`${kind}.at: ${problem}`);
    where = at;
  } else if (isRecord(at) && Number.isInteger(at.step) && Number(at.step) >= 1 && Object.keys(at).length === 1) {
    where = { step: Number(at.step) };
  } else if (at !== undefined) {
    throw new Error(`${kind}.at = ${shown(at)} must be a status or { "step": N } with N ≥ 1`);
  }
  return {
    kind: 'job',
    job: typeof job === 'string' ? job : undefined,
    apiKey: typeof apiKey === 'string' ? apiKey : undefined,
    outcome: {
      kind,
      at: where,
      code: typeof code === 'string' ? code : undefined,
      message: typeof message === 'string' ? message : undefined,
    },
  };
}

function parseMetrics(value: Record<string, unknown>): ParsedScript {
  const { job, apiKey, metrics, ...rest } = value;
  const extra = Object.keys(rest)[0];
  if (extra) throw new Error(`${extra} is not a field of a metrics script (job, apiKey, metrics)`);
  if (typeof job !== 'string' || !job) throw new Error(`job = ${shown(job)} must be a job id (a metrics script changes an existing job)`);
  if (apiKey !== undefined && (typeof apiKey !== 'string' || !apiKey))
    throw new Error(`apiKey = ${shown(apiKey)} must be a non-empty string`);
  if (!isRecord(metrics) || Object.keys(metrics).some((name) => name !== 'validationRisesAfter')) {
    throw new Error(`metrics = ${shown(metrics)} must be { "validationRisesAfter": F } with 0 < F < 1`);
  }
  const { validationRisesAfter: after } = metrics;
  if (typeof after !== 'number' || !(after > 0 && after < 1))
    throw new Error(`metrics.validationRisesAfter = ${shown(after)} must be a number above 0 and below 1`);
  return { kind: 'metrics', job, apiKey: typeof apiKey === 'string' ? apiKey : undefined, validationRisesAfter: after };
}
