import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { APIUserAbortError } from '../../core/errors.js';
import type { JobOf, TrainResult } from '../../workflow/api.js';
import { CHECK_FILE } from '../../workflow/neutral.js';
import { CliError, EXIT, UsageError } from '../exit.js';
import { createWatcher } from '../live/view.js';
import { checkedRequest, requestFlags } from '../request.js';
import { showJob } from '../show.js';
import { pollOptions, stoppedWaiting } from './jobs.js';
import type { ProviderName } from '../../providers/registry/providers.js';
import type { AnySession, Session } from '../provider.js';
import { WaitAbortedError } from '../../poller/errors.js';
import { askToProceed, DEFAULT_CONFIRM_ABOVE, needsConfirmation } from '../estimate.js';

/** `tunekit train FILE --model M`: check → upload → create → wait (→ deploy on Nebius), in one live view. */

export interface TrainFlags extends Record<string, unknown> {
  model?: string;
  validation?: string;
  wait?: boolean;
  check?: boolean;
  deploy?: boolean;
  deployCheckpoint?: string;
  deployName?: string;
  pollInterval?: number;
  maxWait?: number;
  /** Your rate, US dollars per million trained tokens, for a price where the provider answers none. */
  pricePerMtok?: number;
  /** Ask (on a terminal) before creating a job estimated above this many US dollars. */
  confirmAbove?: number;
  /** Never ask. */
  yes?: boolean;
}

/** A local file (as an absolute path, so it is uploaded) or an uploaded file's id (no path separator, no data-file extension). */
export function fileArgument(value: string, flag: string): string {
  if (existsSync(value)) return resolve(value);
  if (/[\\/]/.test(value) || /\.(jsonl|json|csv|parquet|txt)$/i.test(value)) throw new UsageError(`${flag} "${value}" does not exist`);
  return value; // a file id, from an earlier upload
}

export async function train(session: AnySession, [file = '']: string[], options: TrainFlags): Promise<void> {
  await trainOn(session, file, options);
}

async function trainOn<P extends ProviderName>(session: Session<P>, fileArg: string, options: TrainFlags): Promise<void> {
  const { out, cli, facts } = session;
  const model = options.model ?? '';
  const trainingFile = fileArgument(fileArg, 'FILE');
  const validationFile = options.validation === undefined ? undefined : fileArgument(options.validation, '--validation');
  if (options.deploy && cli.deployRefused) throw new UsageError(`--deploy cannot be used with ${facts.name}: ${cli.deployRefused}`);
  const checkpoint =
    options.deployCheckpoint === undefined
      ? undefined
      : options.deployCheckpoint === 'best' || options.deployCheckpoint === 'final'
        ? options.deployCheckpoint
        : 'bad';
  if (checkpoint === 'bad') throw new UsageError(`--deploy-checkpoint "${options.deployCheckpoint}" must be final or best`);
  if ((checkpoint || options.deployName) && !options.deploy) throw new UsageError('--deploy-checkpoint and --deploy-name go with --deploy');
  const { hyperparameters, providerOptions } = await checkedRequest(session, model, requestFlags(options), {
    training: CHECK_FILE,
    validation: validationFile === undefined ? undefined : CHECK_FILE,
  });

  const watching = new AbortController();
  const stop = (): void => watching.abort(session.signal.reason);
  session.signal.addEventListener('abort', stop, { once: true });
  const watcher = await createWatcher(out, `tunekit train · ${facts.label} · ${model}`);
  let created: JobOf<P> | undefined;
  let declined = false;
  const threshold = options.confirmAbove ?? DEFAULT_CONFIRM_ABOVE;
  // Asked only of a person at a terminal: never with --json or --yes, nor when stdin or stdout is not a terminal.
  const asks = !out.json && !options.yes && process.stdin.isTTY === true && out.stdout.isTTY === true;
  let result: TrainResult<P> | undefined;
  try {
    result = await session.tuner.train(
      { ...hyperparameters, model, trainingFile, validationFile, providerOptions },
      {
        check: options.check !== false,
        deploy: options.deploy ? { checkpoint, name: options.deployName } : undefined,
        signal: watching.signal,
        wait: pollOptions(options),
        requestOptions: session.request,
        estimate: { pricePerMillionTokens: options.pricePerMtok },
        confirm: async (estimate) => {
          if (!asks || !needsConfirmation(estimate, threshold)) return true;
          const release = watcher.hold();
          try {
            declined = !(await askToProceed(out, estimate, threshold, watching.signal));
          } finally {
            release();
          }
          return !declined;
        },
        onProgress: (progress) => {
          watcher.train(progress);
          if (progress.stage === 'create') {
            created = progress.job;
            if (options.wait === false) watching.abort();
          }
        },
      },
    );
  } catch (error) {
    if (options.wait === false && created && !session.signal.aborted && error instanceof WaitAbortedError) {
      watcher.close();
      return createdOnly(session, created);
    }
    watcher.close();
    if (created) throw stoppedWaiting(session, error, created.id);
    if (declined && !session.signal.aborted && error instanceof APIUserAbortError) {
      throw new CliError(error.message, EXIT.failure, undefined, undefined, 'Declined');
    }
    if (error instanceof APIUserAbortError) {
      throw new CliError(
        `${error.message}`,
        EXIT.interrupted,
        'run the same command again to start over (files already uploaded can be passed by id instead of path)',
      );
    }
    throw error;
  } finally {
    session.signal.removeEventListener('abort', stop);
  }
  watcher.close();
  const { job, model: callable, checkpoints } = result;
  if (out.json)
    return out.line({
      type: 'result',
      job,
      model: callable,
      checkpoints,
      trainingFile: result.trainingFile,
      validationFile: result.validationFile,
    });
  showJob(out, job, [
    ['checkpoints', checkpoints.length ? `${checkpoints.length} (steps ${checkpoints.map((c) => c.step).join(', ')})` : undefined],
    ['model to call', callable ?? (cli.deployRefused ? undefined : 'none yet: train with --deploy to make one from the final checkpoint')],
  ]);
  if (callable !== undefined && cli.modelNote) out.hint(cli.modelNote);
}

function createdOnly<P extends ProviderName>(session: Session<P>, job: JobOf<P>): void {
  const { out } = session;
  if (out.json)
    return out.line({
      type: 'result',
      job,
      model: undefined,
      checkpoints: [],
      trainingFile: job.trainingFile,
      validationFile: job.validationFile,
    });
  out.done(`created ${out.err.bold(job.id)} (${job.providerStatus}); not waiting`);
  out.hint(`follow it: ${session.again} jobs wait ${job.id}`);
  out.data(job.id);
}
