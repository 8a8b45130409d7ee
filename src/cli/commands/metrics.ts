import { writeFile } from 'node:fs/promises';
import type { NeutralCheckpoint } from '../../workflow/neutral.js';
import { formatLoss } from '../format.js';
import { lossChart } from '../live/chart.js';
import type { LossPoint } from '../provider.js';
import { assertWritable } from '../paths.js';
import { metricsReport } from '../report/html.js';
import type { ProviderName } from '../../providers/registry/providers.js';
import type { AnySession, Session } from '../provider.js';

/** `tunekit jobs metrics ID [--html FILE]`: the loss curves in the terminal, or as a self-contained page. */

export async function metrics(session: AnySession, [id = '']: string[], options: { html?: string }): Promise<void> {
  await metricsOn(session, id, options);
}

/** `2.31 → 0.452 (lowest 0.448 at step 380) over 40 points`. */
function curveSummary(points: LossPoint[], pick: (p: LossPoint) => number | undefined): string | undefined {
  const values = points.filter((p) => pick(p) !== undefined);
  if (!values.length) return undefined;
  const lowest = values.reduce((min, p) => ((pick(p) ?? Infinity) < (pick(min) ?? Infinity) ? p : min));
  return `${formatLoss(pick(values[0] ?? lowest))} → ${formatLoss(pick(values.at(-1) ?? lowest))} (lowest ${formatLoss(pick(lowest))} at step ${lowest.step}) over ${values.length} point${values.length === 1 ? '' : 's'}`;
}

async function metricsOn<P extends ProviderName>(session: Session<P>, id: string, options: { html?: string }): Promise<void> {
  const { out } = session;
  if (options.html !== undefined) assertWritable(options.html, '--html');
  const [job, points] = await Promise.all([session.tuner.jobs.retrieve(id, session.request), session.cli.lossPoints(session, id)]);
  const checkpoints: NeutralCheckpoint[] = [];
  for await (const checkpoint of session.tuner.jobs.checkpoints(id, session.request)) checkpoints.push(checkpoint);
  checkpoints.sort((a, b) => a.step - b.step);
  if (options.html) await writeFile(options.html, metricsReport({ job, points, checkpoints, generatedAt: new Date() }));
  if (out.json) return out.value({ job, points, checkpoints, ...(options.html ? { html: options.html } : {}) });
  const training = curveSummary(points, (p) => p.trainingLoss);
  const validation = curveSummary(points, (p) => p.validationLoss);
  if (!training && !validation) out.say(`job ${id} (${job.status}) has no loss recorded yet`);
  else {
    const width = Math.min(out.stdout.columns || 100, 120);
    const chart = lossChart(points, { width, height: 12, colors: out.tty ? { training: '\x1b[36m', validation: '\x1b[35m' } : undefined });
    out.data(`${out.out.bold(`loss of ${id}`)} ${out.out.dim(`(${job.status}, ${session.provider})`)}`);
    out.data(chart.join('\n'));
    out.details([
      [out.out.cyan('training'), training],
      [out.out.magenta('validation'), validation],
    ]);
  }
  if (options.html) out.done(`wrote ${options.html}`);
}
