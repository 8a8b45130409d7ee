import type { Job, JobOf } from '../../workflow/api.js';
import type { NeutralCheckpoint } from '../../workflow/neutral.js';
import type { JobEvent, WaitOptions } from '../../poller/types.js';
import { realClock } from '../../poller/poll.js';
import { CliError, EXIT, UsageError } from '../exit.js';
import { createWatcher } from '../live/view.js';
import { checkedRequest, requestFlags } from '../request.js';
import { showCheckpoints, showEvent, showJob, showJobs, statusText } from '../show.js';
import type { ProviderName } from '../../providers/registry/providers.js';
import type { AnySession, Session } from '../provider.js';
import { WaitAbortedError, WaitTimeoutError } from '../../poller/errors.js';

/** `tunekit jobs create|list|get|cancel|wait|events|checkpoints`, and each provider's own (`pause`, `download`, …). */

export async function create(session: AnySession, _args: string[], options: Record<string, unknown>): Promise<void> {
  const model = typeof options['model'] === 'string' ? options['model'] : '';
  const trainingFile = typeof options['trainingFile'] === 'string' ? options['trainingFile'] : '';
  const validationFile = typeof options['validationFile'] === 'string' ? options['validationFile'] : undefined;
  const job = await createOn(session, model, trainingFile, validationFile, options);
  if (session.out.json) return session.out.value(job);
  session.out.done(`created ${session.out.err.bold(job.id)} (${statusText(job)})`);
  session.out.hint(`follow it: ${session.again} jobs wait ${job.id}`);
  session.out.data(job.id);
}

async function createOn<P extends ProviderName>(
  session: Session<P>,
  model: string,
  trainingFile: string,
  validationFile: string | undefined,
  options: Record<string, unknown>,
): Promise<JobOf<P>> {
  const { hyperparameters, providerOptions } = await checkedRequest(session, model, requestFlags(options), {
    training: trainingFile,
    validation: validationFile,
  });
  return session.tuner.jobs.create({ ...hyperparameters, model, trainingFile, validationFile, providerOptions }, session.request);
}

export async function list(session: AnySession, _args: string[], options: { limit?: number; all?: boolean }): Promise<void> {
  const limit = options.all ? Infinity : (options.limit ?? 20);
  const jobs: Job[] = [];
  for await (const job of session.tuner.jobs.list(session.request)) {
    if (jobs.length >= limit) break;
    jobs.push(job);
  }
  await showJobs(session.out, jobs);
}

export async function get(session: AnySession, [id = '']: string[]): Promise<void> {
  showJob(session.out, await session.tuner.jobs.retrieve(id, session.request));
}

export async function cancel(session: AnySession, [id = '']: string[]): Promise<void> {
  const job = await session.tuner.jobs.cancel(id, session.request);
  if (!session.out.json) session.out.done(`cancel sent for ${job.id}: now ${statusText(job)}`);
  showJob(session.out, job);
}

/**
 * `--poll-interval`: poll at that interval throughout, whatever is polled (a job, a file being processed, a model
 * being deployed); without it the library's backoff (5 s growing to 60 s). `--max-wait` bounds the whole wait.
 */
export function pollOptions(options: {
  pollInterval?: number;
  maxWait?: number;
}): Pick<WaitOptions, 'pollIntervalMs' | 'maxPollIntervalMs' | 'timeoutMs' | 'clock'> {
  const every = options.pollInterval;
  return {
    pollIntervalMs: every,
    maxPollIntervalMs: every,
    timeoutMs: options.maxWait,
    clock:
      every === undefined ? undefined : { now: () => realClock.now(), sleep: (ms, signal) => realClock.sleep(Math.min(ms, every), signal) },
  };
}

/** A wait that stopped with the job still running: the exit code, and the command that resumes it. */
export function stoppedWaiting(session: { again: string }, error: unknown, jobId: string): unknown {
  const resume = `${session.again} jobs wait ${jobId}`;
  if (error instanceof WaitTimeoutError) {
    return new CliError(
      `job ${jobId} is still ${error.status} after --max-wait; it keeps running`,
      EXIT.waitTimeout,
      `resume watching: ${resume}`,
      { jobId, status: error.status, resume },
    );
  }
  if (error instanceof WaitAbortedError) {
    return new CliError(`stopped watching job ${jobId}; the job keeps running`, EXIT.interrupted, `resume watching: ${resume}`, {
      jobId,
      resume,
    });
  }
  return error;
}

export async function wait(session: AnySession, [id = '']: string[], options: { pollInterval?: number; maxWait?: number }): Promise<void> {
  const watcher = await createWatcher(session.out, `tunekit · ${session.facts.label}`);
  let job: Job;
  try {
    job = await session.tuner.jobs.wait(
      id,
      { ...pollOptions(options), signal: session.signal, onProgress: (progress) => watcher.wait(progress) },
      session.request,
    );
  } catch (error) {
    throw stoppedWaiting(session, error, id);
  } finally {
    watcher.close();
  }
  if (session.out.json) return session.out.line({ type: 'result', job });
  showJob(session.out, job);
}

export async function events(
  session: AnySession,
  [id = '']: string[],
  options: { follow?: boolean; limit?: number; pollInterval?: number },
): Promise<void> {
  if (options.follow) {
    if (options.limit !== undefined)
      throw new UsageError('--limit and --follow cannot be used together: --follow prints every event, then the new ones as they come');
    try {
      await session.tuner.jobs.wait(
        id,
        {
          ...pollOptions(options),
          signal: session.signal,
          onProgress: (progress) => progress.events.forEach((event) => showEvent(session.out, event)),
        },
        session.request,
      );
    } catch (error) {
      throw stoppedWaiting(session, error, id);
    }
    return;
  }
  const all: JobEvent[] = [];
  for await (const event of session.tuner.jobs.events(id, session.request)) all.push(event);
  // Oldest first, events of one instant in the order they happened (a newest-first list is read backwards).
  if (all.length > 1 && (all[0]?.at.getTime() ?? 0) > (all.at(-1)?.at.getTime() ?? 0)) all.reverse();
  all.sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const event of options.limit === undefined ? all : all.slice(-options.limit)) showEvent(session.out, event);
  if (!all.length) session.out.say(session.out.err.dim('(no events)'));
}

export async function checkpoints(session: AnySession, [id = '']: string[]): Promise<void> {
  const found: NeutralCheckpoint[] = [];
  for await (const checkpoint of session.tuner.jobs.checkpoints(id, session.request)) found.push(checkpoint);
  found.sort((a, b) => a.step - b.step);
  await showCheckpoints(session.out, found);
}

/** A provider's own command (`jobs pause` on OpenAI, …), run with that provider's typed session. */
export async function providerCommand(
  session: AnySession,
  group: string,
  name: string,
  args: string[],
  options: Record<string, unknown>,
): Promise<void> {
  const running = session.command(group, name);
  if (!running) throw new UsageError(`${group} ${name} is not a ${session.provider} command`);
  await running(args, options);
}
