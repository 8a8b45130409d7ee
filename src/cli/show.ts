import type { Job } from '../workflow/api.js';
import type { NeutralCheckpoint, NeutralFile, NeutralJobBase } from '../workflow/neutral.js';
import type { JobEvent } from '../poller/types.js';
import { formatDate, formatLoss, formatSteps } from './format.js';
import type { Output } from './output.js';
import type { JobStatus } from '../core/provider.js';
import { formatBytes, formatDuration } from '../core/format.js';

/** How a neutral object is shown: itself as JSON in `--json` mode, else as a table or `name  value` lines. */

type Painter = (text: string) => string;

/** The colour of a status: green done, red failed, yellow cancelled or paused, cyan moving. */
export function statusColor(out: Output['out'], status: JobStatus): Painter {
  switch (status) {
    case 'succeeded':
      return out.green;
    case 'failed':
      return out.red;
    case 'cancelled':
    case 'paused':
      return out.yellow;
    case 'running':
      return out.cyan;
    default:
      return out.blue;
  }
}

/** `running` or `running (compressing)` where the provider's word differs. */
export function statusText(job: Pick<NeutralJobBase, 'status' | 'providerStatus'>): string {
  const mapped = job.status === 'validating' ? 'validating_files' : job.status === 'succeeded' ? 'completed' : job.status;
  return job.providerStatus === job.status || job.providerStatus === mapped ? job.status : `${job.status} (${job.providerStatus})`;
}

function progressText(job: NeutralJobBase): string {
  const { step, totalSteps, epoch, totalEpochs, estimatedFinish, trainedTokens } = job.progress;
  const parts = [
    step !== undefined ? `step ${formatSteps(step, totalSteps)}` : '',
    epoch !== undefined ? `epoch ${formatSteps(epoch, totalEpochs)}` : totalEpochs !== undefined ? `${totalEpochs} epochs` : '',
    trainedTokens !== undefined ? `${trainedTokens.toLocaleString('en-US')} tokens trained` : '',
    estimatedFinish && job.status !== 'succeeded' && job.status !== 'failed' && job.status !== 'cancelled'
      ? `ETA ${formatDate(estimatedFinish)}`
      : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

/** A job's details (`extra` rows after its own), or the job as JSON. */
export function showJob(
  out: Output,
  job: NeutralJobBase & { provider: string; raw: unknown },
  extra: [string, string | undefined][] = [],
): void {
  if (out.json) return out.value(job);
  const took = job.createdAt && job.finishedAt ? ` (took ${formatDuration(job.finishedAt.getTime() - job.createdAt.getTime())})` : '';
  out.details([
    ['id', job.id],
    ['provider', job.provider],
    ['status', statusColor(out.out, job.status)(statusText(job))],
    ['model', job.model],
    ['fine-tuned model', job.fineTunedModel],
    ['training file', job.trainingFile],
    ['validation file', job.validationFile],
    ['created', formatDate(job.createdAt)],
    ['finished', job.finishedAt ? `${formatDate(job.finishedAt)}${took}` : undefined],
    ['progress', progressText(job)],
    ['error', job.error ? `${job.error.message}${job.error.code ? ` (${job.error.code})` : ''}` : undefined],
    ...extra,
  ]);
}

export async function showJobs(out: Output, jobs: Job[]): Promise<void> {
  if (out.json) return out.value(jobs);
  await out.table(
    ['ID', 'STATUS', 'MODEL', 'CREATED', 'FINE-TUNED MODEL'],
    jobs.map((job) => [
      job.id,
      statusColor(out.out, job.status)(statusText(job)),
      job.model ?? '',
      formatDate(job.createdAt),
      job.fineTunedModel ?? '',
    ]),
  );
}

export function showFile(out: Output, file: NeutralFile): void {
  if (out.json) return out.value(file);
  out.details([
    ['id', file.id],
    ['filename', file.filename],
    ['bytes', `${file.bytes.toLocaleString('en-US')} (${formatBytes(file.bytes)})`],
    ['purpose', file.purpose],
    ['status', file.status],
    ['created', formatDate(file.createdAt)],
  ]);
}

export async function showFiles(out: Output, files: NeutralFile[]): Promise<void> {
  if (out.json) return out.value(files);
  await out.table(
    ['ID', 'FILENAME', 'SIZE', 'PURPOSE', 'STATUS', 'CREATED'],
    files.map((file) => [file.id, file.filename, formatBytes(file.bytes), file.purpose, file.status ?? '', formatDate(file.createdAt)]),
  );
}

export async function showCheckpoints(out: Output, checkpoints: NeutralCheckpoint[]): Promise<void> {
  if (out.json) return out.value(checkpoints);
  await out.table(
    ['STEP', 'ID', 'TRAIN LOSS', 'VALID LOSS', 'CREATED', 'MODEL'],
    checkpoints.map((c) => [
      String(c.step),
      c.id,
      formatLoss(c.trainingLoss),
      formatLoss(c.validationLoss),
      formatDate(c.createdAt),
      c.model ?? '',
    ]),
  );
}

/** One event as a line: time, level, message (with step and loss when the message does not say them). */
export function eventLine(out: Output['out'], event: JobEvent): string {
  const level = event.level === 'error' ? out.red('error') : event.level === 'warn' ? out.yellow('warn ') : out.dim('info ');
  return `${out.dim(formatDate(event.at))}  ${level}  ${event.message}`;
}

/** Events: NDJSON in `--json` mode (one per line, as they come), else one line each. */
export function showEvent(out: Output, event: JobEvent): void {
  if (out.json) return out.line(event);
  out.data(eventLine(out.out, event));
}
