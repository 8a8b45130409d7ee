import { plot } from 'asciichart';
import type { LossPoint } from '../provider.js';

/** Loss curves in the terminal (asciichart), x being the training step, resampled to the width at hand. */

export interface ChartOptions {
  /** Columns for the whole chart, labels included. */
  width: number;
  /** Rows of the plot. */
  height: number;
  /** ANSI colours of the training and validation lines (none when the stream is not styled). */
  colors?: { training: string; validation: string };
}

const LABEL_WIDTH = 9;

/** Each column's step, and the value of a series there: the mean of its points in the column, interpolated between. */
function resample(points: { step: number; value: number }[], columns: number[]): (number | undefined)[] {
  const values: (number | undefined)[] = columns.map(() => undefined);
  if (!points.length) return values;
  const half = columns.length > 1 ? ((columns[1] ?? 0) - (columns[0] ?? 0)) / 2 : Infinity;
  const sums = columns.map(() => ({ sum: 0, n: 0 }));
  for (const point of points) {
    let best = 0;
    for (let i = 1; i < columns.length; i++)
      if (Math.abs((columns[i] ?? 0) - point.step) < Math.abs((columns[best] ?? 0) - point.step)) best = i;
    if (Math.abs((columns[best] ?? 0) - point.step) <= half + 1e-9) {
      const cell = sums[best];
      if (cell) {
        cell.sum += point.value;
        cell.n++;
      }
    }
  }
  sums.forEach((cell, i) => (values[i] = cell.n ? cell.sum / cell.n : undefined));
  // Fill the gaps between known columns linearly (never before the first or after the last point).
  let last: number | undefined;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === undefined) continue;
    if (last !== undefined && i - last > 1) {
      const from = values[last] ?? 0;
      const to = values[i] ?? 0;
      for (let j = last + 1; j < i; j++) values[j] = from + ((to - from) * (j - last)) / (i - last);
    }
    last = i;
  }
  return values;
}

/**
 * The training (and validation) loss as lines of a chart; empty when there is nothing to draw. With few points one
 * column per point, so the chart grows as events arrive; past the width, columns cover equal ranges of steps.
 */
export function lossChart(points: readonly LossPoint[], options: ChartOptions): string[] {
  const training = points.filter((p) => p.trainingLoss !== undefined).map((p) => ({ step: p.step, value: p.trainingLoss ?? 0 }));
  const validation = points.filter((p) => p.validationLoss !== undefined).map((p) => ({ step: p.step, value: p.validationLoss ?? 0 }));
  const all = [...training, ...validation];
  if (all.length < 2) return [];
  // Room for the axis line too: the labels, the columns, then " step" after the last step's number.
  const room = Math.max(8, options.width - LABEL_WIDTH - 6);
  const steps = [...new Set(all.map((p) => p.step))].sort((a, b) => a - b);
  const first = steps[0] ?? 0;
  const last = steps[steps.length - 1] ?? 0;
  const columns = steps.length <= room ? steps : Array.from({ length: room }, (_, i) => first + ((last - first) * i) / (room - 1));
  const trainingLine = resample(training, columns);
  const validationLine = resample(validation, columns);
  // asciichart draws each series from the first column: the validation line starts where the training line is
  // (drawn first, then covered by the training line) until its first point.
  const series: number[][] = [];
  const colors: (string | undefined)[] = [];
  const start = trainingLine.findIndex((v) => v !== undefined);
  const trained = trainingLine.slice(start === -1 ? 0 : start).map((v, i, line) => v ?? line[i - 1] ?? 0);
  if (validation.length >= 1 && training.length) {
    const offset = start === -1 ? 0 : start;
    const under = validationLine
      .slice(offset)
      .map((v, i) => v ?? (validationLine.slice(offset, offset + i).some((x) => x !== undefined) ? undefined : trained[i]));
    const filled = under.map((v, i, line) => v ?? lastBefore(line, i) ?? trained[i] ?? 0);
    series.push(filled);
    colors.push(options.colors?.validation);
  }
  if (training.length) {
    series.push(trained);
    colors.push(options.colors?.training);
  } else {
    series.push(validationLine.map((v, i, line) => v ?? lastBefore(line, i) ?? 0));
    colors.push(options.colors?.validation);
  }
  const chart = plot(series, {
    height: options.height,
    padding: ' '.repeat(LABEL_WIDTH - 2),
    format: (value) =>
      value
        .toPrecision(4)
        .slice(0, LABEL_WIDTH - 2)
        .padStart(LABEL_WIDTH - 2),
    colors: options.colors ? colors : undefined,
  });
  // The x axis: the first and last step under the ends of the curve.
  const [from, to] = [String(Math.round(first)), String(Math.round(last))];
  const axis = `${' '.repeat(LABEL_WIDTH)}${from}${' '.repeat(Math.max(1, columns.length - from.length - to.length + 1))}${to} step`;
  return [...chart.split('\n'), axis];
}

/** The last value before index `i` that is not `undefined` (a gap in a line is drawn at the value before it). */
function lastBefore(line: readonly (number | undefined)[], i: number): number | undefined {
  for (let j = i - 1; j >= 0; j--) if (line[j] !== undefined) return line[j];
  return undefined;
}
