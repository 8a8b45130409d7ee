import type { NeutralCheckpoint, NeutralJobBase } from '../../workflow/neutral.js';
import { formatDate, formatLoss } from '../format.js';
import type { LossPoint } from '../provider.js';
import { formatDuration } from '../../core/format.js';

/**
 * A job's metrics as one self-contained HTML page: the loss curves as inline SVG (no script, no network, no font
 * to fetch), the job's facts and its checkpoints. Open it in a browser or attach it to a report.
 */

export interface ReportInput {
  job: NeutralJobBase & { provider: string };
  points: readonly LossPoint[];
  checkpoints: readonly NeutralCheckpoint[];
  generatedAt: Date;
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Round tick values covering `[min, max]`, about `count` of them. */
function ticks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const WIDTH = 880;
const HEIGHT = 380;
const MARGIN = { top: 20, right: 24, bottom: 44, left: 64 };

/** The chart: a polyline per series (class `training` / `validation`), dots on validation points, axes with round ticks. */
function chart(points: readonly LossPoint[]): string {
  const training = points.filter((p) => p.trainingLoss !== undefined).map((p) => [p.step, p.trainingLoss ?? 0] as const);
  const validation = points.filter((p) => p.validationLoss !== undefined).map((p) => [p.step, p.validationLoss ?? 0] as const);
  const all = [...training, ...validation];
  if (!all.length) return '<p class="empty">No loss has been recorded for this job yet.</p>';
  const steps = all.map(([s]) => s);
  const losses = all.map(([, l]) => l);
  const [x0, x1] = [Math.min(...steps), Math.max(...steps)];
  const pad = (Math.max(...losses) - Math.min(...losses)) * 0.05 || 0.1;
  const [y0, y1] = [Math.max(0, Math.min(...losses) - pad), Math.max(...losses) + pad];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (step: number): number => MARGIN.left + (x1 > x0 ? ((step - x0) / (x1 - x0)) * plotW : plotW / 2);
  const y = (loss: number): number => MARGIN.top + plotH - ((loss - y0) / (y1 - y0)) * plotH;
  const coords = (series: readonly (readonly [number, number])[]): string =>
    series.map(([s, l]) => `${x(s).toFixed(1)},${y(l).toFixed(1)}`).join(' ');
  const yTicks = ticks(y0, y1, 6);
  const xTicks = x1 > x0 ? ticks(x0, x1, 8).filter((t) => Number.isInteger(t)) : [x0];
  const grid = [
    ...yTicks.map(
      (t) =>
        `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"/><text class="tick" x="${MARGIN.left - 8}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`,
    ),
    ...xTicks.map((t) => `<text class="tick" x="${x(t).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${t}</text>`),
  ].join('\n');
  const lines = [
    validation.length > 1
      ? `<polyline class="validation" data-series="validation" data-points="${validation.length}" points="${coords(validation)}"/>`
      : '',
    validation
      .map(
        ([s, l]) =>
          `<circle class="validation-dot" cx="${x(s).toFixed(1)}" cy="${y(l).toFixed(1)}" r="3.5"><title>step ${s}: validation loss ${formatLoss(l)}</title></circle>`,
      )
      .join(''),
    training.length
      ? `<polyline class="training" data-series="training" data-points="${training.length}" points="${coords(training)}"/>`
      : '',
  ].join('\n');
  const legend = [
    training.length ? `<span class="key training-key">training loss</span>` : '',
    validation.length ? `<span class="key validation-key">validation loss</span>` : '',
  ].join(' ');
  return `<figure>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Loss by training step">
<rect class="plot" x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}"/>
${grid}
<text class="axis" x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">step</text>
<text class="axis" x="16" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})">loss</text>
${lines}
</svg>
<figcaption>${legend}</figcaption>
</figure>`;
}

function row(name: string, value: string | undefined): string {
  return value === undefined || value === '' ? '' : `<tr><th>${escape(name)}</th><td>${escape(value)}</td></tr>`;
}

/** The whole page. */
export function metricsReport({ job, points, checkpoints, generatedAt }: ReportInput): string {
  const trainingLosses = points.filter((p) => p.trainingLoss !== undefined);
  const validations = points.filter((p) => p.validationLoss !== undefined);
  const best = validations.reduce<LossPoint | undefined>(
    (min, p) => (min === undefined || (p.validationLoss ?? Infinity) < (min.validationLoss ?? Infinity) ? p : min),
    undefined,
  );
  const took = job.createdAt && job.finishedAt ? formatDuration(job.finishedAt.getTime() - job.createdAt.getTime()) : undefined;
  const { step, totalSteps, epoch, totalEpochs, trainedTokens } = job.progress;
  const facts = [
    row('provider', job.provider),
    row('job', job.id),
    row('status', job.providerStatus === job.status ? job.status : `${job.status} (${job.providerStatus})`),
    row('base model', job.model),
    row('fine-tuned model', job.fineTunedModel),
    row('training file', job.trainingFile),
    row('validation file', job.validationFile),
    row('created', formatDate(job.createdAt)),
    row('finished', job.finishedAt ? `${formatDate(job.finishedAt)}${took ? ` (took ${took})` : ''}` : undefined),
    row(
      'steps',
      step !== undefined ? `${step}${totalSteps ? ` of ${totalSteps}` : ''}` : totalSteps !== undefined ? String(totalSteps) : undefined,
    ),
    row(
      'epochs',
      epoch !== undefined
        ? `${epoch}${totalEpochs ? ` of ${totalEpochs}` : ''}`
        : totalEpochs !== undefined
          ? String(totalEpochs)
          : undefined,
    ),
    row('tokens trained', trainedTokens?.toLocaleString('en-US')),
    row(
      'training loss',
      trainingLosses.length
        ? `${formatLoss(trainingLosses[0]?.trainingLoss)} → ${formatLoss(trainingLosses.at(-1)?.trainingLoss)} over ${trainingLosses.length} points`
        : undefined,
    ),
    row('best validation loss', best ? `${formatLoss(best.validationLoss)} at step ${best.step}` : undefined),
    row('error', job.error ? `${job.error.message}${job.error.code ? ` (${job.error.code})` : ''}` : undefined),
  ].join('\n');
  const checkpointRows = checkpoints
    .map(
      (c) =>
        `<tr><td>${c.step}</td><td><code>${escape(c.id)}</code></td><td>${escape(formatLoss(c.trainingLoss))}</td><td>${escape(formatLoss(c.validationLoss))}</td><td>${escape(formatDate(c.createdAt))}</td><td><code>${escape(c.model ?? '')}</code></td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(`${job.id} · loss · tunekit`)}</title>
<style>
  :root { color-scheme: light dark; --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --bg: #ffffff; --panel: #f6f8fa; --training: #2563eb; --validation: #db2777; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --bg: #0d1117; --panel: #161b22; --training: #60a5fa; --validation: #f472b6; } }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 2rem auto; max-width: 940px; padding: 0 1rem; }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; }
  .sub { color: var(--muted); margin: 0 0 1.5rem; }
  figure { margin: 0; } svg { width: 100%; height: auto; display: block; }
  .plot { fill: var(--panel); stroke: var(--line); } .grid { stroke: var(--line); stroke-width: 1; }
  .tick, .axis { fill: var(--muted); font-size: 12px; } .axis { font-size: 13px; }
  polyline { fill: none; stroke-width: 2.5; stroke-linejoin: round; stroke-linecap: round; }
  .training { stroke: var(--training); } .validation { stroke: var(--validation); stroke-dasharray: 6 4; } .validation-dot { fill: var(--validation); }
  figcaption { margin-top: .5rem; color: var(--muted); } .key::before { content: ""; display: inline-block; width: 1.6em; height: 3px; margin: 0 .4em .25em 0; vertical-align: middle; }
  .key { margin-right: 1.5em; } .training-key::before { background: var(--training); } .validation-key::before { background: var(--validation); }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
  .facts th { width: 12rem; color: var(--muted); font-weight: 500; } code { font-size: .9em; word-break: break-all; } .empty { color: var(--muted); }
</style>
</head>
<body>
<h1>Loss of ${escape(job.id)}</h1>
<p class="sub">${escape(job.provider)} · ${escape(job.model ?? '')} · made by tunekit on ${escape(formatDate(generatedAt))}</p>
${chart(points)}
<h2>Job</h2>
<table class="facts">
${facts}
</table>
<h2>Checkpoints</h2>
${
  checkpoints.length
    ? `<table class="checkpoints"><thead><tr><th>step</th><th>id</th><th>training loss</th><th>validation loss</th><th>created</th><th>model</th></tr></thead><tbody>
${checkpointRows}
</tbody></table>`
    : '<p class="empty">No checkpoints.</p>'
}
</body>
</html>
`;
}
