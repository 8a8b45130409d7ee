import type { TrainProgress } from '../../workflow/api.js';
import type { JobEvent, WaitProgress } from '../../poller/types.js';
import { bar, formatClock, formatLoss, formatSteps, percent } from '../format.js';
import type { Output } from '../output.js';
import { mergeLoss } from '../loss.js';
import type { LossPoint } from '../provider.js';
import { eventLine, statusColor } from '../show.js';
import type { lossChart as LossChart } from './chart.js';
import type { ProviderName } from '../../providers/registry/providers.js';
import type { JobStatus } from '../../core/provider.js';
import { formatBytes, formatDuration } from '../../core/format.js';
import { estimateLine } from '../estimate.js';

/**
 * What `wait` and `train` show while they run, in one of three forms: a live view on a terminal (one frame redrawn
 * in place: status, a step bar, ETA, elapsed, a loss chart that grows), plain lines when not on a terminal (or
 * with `NO_COLOR`), and NDJSON on stdout with `--json`.
 */
export interface Watcher {
  train<P extends ProviderName>(progress: TrainProgress<P>): void;
  wait(progress: WaitProgress): void;
  /** Stop drawing until the returned function is called (a question on the terminal); the frame is cleared meanwhile. */
  hold(): () => void;
  /** Stop drawing (the last frame stays on the screen). */
  close(): void;
}

/** What every form keeps: the latest state of the job, and its loss points. */
class Track {
  status: JobStatus | undefined;
  providerStatus = '';
  step: number | undefined;
  totalSteps: number | undefined;
  epoch: number | undefined;
  totalEpochs: number | undefined;
  estimatedFinish: Date | undefined;
  trainingLoss: number | undefined;
  validationLoss: number | undefined;
  points: LossPoint[] = [];
  lastEvent: JobEvent | undefined;
  /** When the steps started moving (real time), for an ETA from the observed rate. */
  private firstStep: { at: number; step: number } | undefined;
  private lastStep: { at: number; step: number } | undefined;
  /**
   * The server's clock, read from its own event times (never compared with ours: a server's clock may be hours off,
   * and a sandbox's runs faster): the first and the newest event time seen, with our time when each arrived.
   */
  private firstServer: { server: number; local: number } | undefined;
  private lastServer: { server: number; local: number } | undefined;

  update(p: WaitProgress): void {
    this.status = p.status;
    this.providerStatus = p.providerStatus;
    this.totalEpochs = p.totalEpochs;
    this.epoch = p.epoch;
    this.estimatedFinish = p.estimatedFinish;
    this.trainingLoss = p.trainingLoss;
    this.validationLoss = p.validationLoss;
    this.totalSteps = p.totalSteps ?? this.totalSteps;
    if (p.step !== undefined && p.step !== this.step) {
      const now = Date.now();
      this.firstStep ??= { at: now, step: p.step };
      this.lastStep = { at: now, step: p.step };
    }
    this.step = p.step ?? this.step;
    const fromProgress =
      p.step !== undefined && (p.trainingLoss !== undefined || p.validationLoss !== undefined) && !p.events.some((e) => e.step === p.step)
        ? [{ step: p.step, trainingLoss: p.trainingLoss, validationLoss: p.validationLoss }]
        : [];
    const newest = Math.max(...p.events.map((e) => e.at.getTime()));
    if (Number.isFinite(newest) && newest > (this.lastServer?.server ?? -Infinity)) {
      this.lastServer = { server: newest, local: Date.now() };
      this.firstServer ??= this.lastServer;
    }
    this.points = mergeLoss(this.points, p.events, fromProgress);
    this.lastEvent = p.events.at(-1) ?? this.lastEvent;
  }

  /** Milliseconds left: from the observed step rate, else from the provider's estimate. */
  remainingMs(now = Date.now()): number | undefined {
    if (this.status === 'succeeded' || this.status === 'failed' || this.status === 'cancelled') return undefined;
    const { firstStep, lastStep, totalSteps } = this;
    if (firstStep && lastStep && totalSteps && lastStep.step > firstStep.step) {
      const perStep = (lastStep.at - firstStep.at) / (lastStep.step - firstStep.step);
      return Math.max(0, (totalSteps - lastStep.step) * perStep - (now - lastStep.at));
    }
    return this.estimatedFinish ? this.serverRemainingMs(this.estimatedFinish.getTime(), now) : undefined;
  }

  /**
   * Real milliseconds until `finish` (a time on the server's clock): the server's now is its newest event time plus
   * the time since it arrived, and once a few seconds passed, the server clock's pace against ours (a sandbox's runs
   * 600× faster). No ETA without a server time to measure from.
   */
  private serverRemainingMs(finish: number, now: number): number | undefined {
    const { firstServer: first, lastServer: last } = this;
    if (!first || !last) return undefined;
    const localSpan = last.local - first.local;
    const measured = localSpan >= 2_000 ? (last.server - first.server) / localSpan : 1;
    // Event times lag by up to a poll, so a pace near 1 is taken as 1; only a clearly faster or slower clock counts.
    const pace = measured > 2 || (measured > 0 && measured < 0.5) ? measured : 1;
    const serverNow = last.server + (now - last.local) * pace;
    return Math.max(0, (finish - serverNow) / pace);
  }

  fraction(): number | undefined {
    if (this.status === 'succeeded') return 1;
    if (this.step !== undefined && this.totalSteps) return this.step / this.totalSteps;
    if (this.epoch !== undefined && this.totalEpochs) return this.epoch / this.totalEpochs;
    return undefined;
  }
}

const fileLabel = (which: 'training' | 'validation'): string => `${which} file`;

/** NDJSON on stdout: one object per stage change, event and progress, each with a `type`. */
class JsonWatcher implements Watcher {
  private lastUpload = new Map<string, number>();
  constructor(private readonly out: Output) {}

  train<P extends ProviderName>(p: TrainProgress<P>): void {
    switch (p.stage) {
      case 'check': {
        const { report } = p;
        this.out.line({
          type: 'check',
          file: p.file,
          ok: report.ok,
          format: report.format,
          examples: report.examples,
          errors: report.counts.errors,
          warnings: report.counts.warnings,
          tokens: report.stats.tokens.total,
        });
        return;
      }
      case 'upload': {
        // Byte progress every 5 %; the last line is the provider's answer, with the file's id.
        if (p.fileId) return this.out.line({ type: 'upload', file: p.file, loaded: p.loaded, total: p.total, fileId: p.fileId });
        const step = p.total ? Math.floor((p.loaded / p.total) * 20) : Math.floor(p.loaded / 1_048_576);
        if (this.lastUpload.get(p.file) === step || p.loaded === p.total) return;
        this.lastUpload.set(p.file, step);
        this.out.line({ type: 'upload', file: p.file, loaded: p.loaded, total: p.total });
        return;
      }
      case 'processing':
        this.out.line({ type: 'processing', file: p.file, fileId: p.fileId, status: p.status });
        return;
      case 'estimate': {
        const { reports: _reports, providerEstimate, ...estimate } = p.estimate;
        this.out.line({ type: 'estimate', ...estimate, providerEstimate: providerEstimate?.raw });
        return;
      }
      case 'create':
        this.out.line({ type: 'created', job: p.job });
        return;
      case 'wait':
        return this.wait(p.progress);
      case 'deploy':
        this.out.line({ type: 'deploy', model: p.model, status: p.status });
        return;
      case 'done':
        return;
    }
  }

  wait(p: WaitProgress): void {
    for (const event of p.events) this.out.line({ type: 'event', event });
    const {
      provider,
      jobId,
      status,
      providerStatus,
      step,
      totalSteps,
      epoch,
      totalEpochs,
      estimatedFinish,
      trainedTokens,
      trainingLoss,
      validationLoss,
      elapsedMs,
    } = p;
    this.out.line({
      type: 'progress',
      provider,
      jobId,
      status,
      providerStatus,
      step,
      totalSteps,
      epoch,
      totalEpochs,
      estimatedFinish,
      trainedTokens,
      trainingLoss,
      validationLoss,
      elapsedMs,
    });
  }

  hold(): () => void {
    return () => undefined;
  }

  close(): void {}
}

/** Plain lines on stderr, no escape codes: a line per stage, status or step change, loss, and event. */
class PlainWatcher implements Watcher {
  private readonly track = new Track();
  private readonly started = Date.now();
  private lastUpload = new Map<string, number>();
  private lastLine = '';
  constructor(private readonly out: Output) {}

  private say(text: string): void {
    this.out.stderr.write(`[${formatClock(Date.now() - this.started)}] ${text}\n`);
  }

  train<P extends ProviderName>(p: TrainProgress<P>): void {
    switch (p.stage) {
      case 'check':
        return this.say(`checked the ${fileLabel(p.file)}: ${checkSummary(p.report)}`);
      case 'upload': {
        if (p.fileId) return this.say(`uploaded the ${fileLabel(p.file)}: ${p.fileId}`);
        // A quarter once: not 100% (the "uploaded" line says it), not again when a retry sends the file anew.
        const quarter = p.total ? Math.floor((p.loaded / p.total) * 4) : -1;
        if (quarter >= 4 || quarter <= (this.lastUpload.get(p.file) ?? -2)) return;
        this.lastUpload.set(p.file, quarter);
        return this.say(
          `uploading the ${fileLabel(p.file)}: ${formatBytes(p.loaded)}${p.total ? ` of ${formatBytes(p.total)} (${percent(p.loaded / p.total)})` : ''}`,
        );
      }
      case 'processing':
        // `uploaded` repeats the upload's own line; the end of processing gets its own.
        return p.status === 'uploaded' ? undefined : this.say(`the ${fileLabel(p.file)} ${p.fileId} is ${p.status}`);
      case 'estimate':
        return this.say(`estimated: ${estimateLine(p.estimate)}`);
      case 'create':
        return this.say(`created job ${p.job.id} (${p.job.providerStatus})`);
      case 'wait':
        return this.wait(p.progress);
      case 'deploy':
        return this.say(`model ${p.model}: ${p.status}`);
      case 'done':
        return;
    }
  }

  wait(p: WaitProgress): void {
    this.track.update(p);
    for (const event of p.events) this.say(`event ${event.level}: ${event.message}`);
    const t = this.track;
    const fraction = t.fraction();
    const parts = [
      `status ${p.status}${p.providerStatus !== p.status ? ` (${p.providerStatus})` : ''}`,
      t.step !== undefined ? `step ${formatSteps(t.step, t.totalSteps)}${fraction !== undefined ? ` (${percent(fraction)})` : ''}` : '',
      t.epoch !== undefined ? `epoch ${formatSteps(t.epoch, t.totalEpochs)}` : '',
      t.trainingLoss !== undefined ? `loss ${formatLoss(t.trainingLoss)}` : '',
      t.validationLoss !== undefined ? `validation loss ${formatLoss(t.validationLoss)}` : '',
    ].filter(Boolean);
    const line = parts.join(' · ');
    if (line !== this.lastLine) this.say(line);
    this.lastLine = line;
  }

  hold(): () => void {
    return () => undefined;
  }

  close(): void {}
}

function checkSummary(report: {
  ok: boolean;
  formatLabel: string | undefined;
  examples: number;
  counts: { errors: number; warnings: number };
  stats: { tokens: { total: number; method: string } };
}): string {
  const tokens = `${report.stats.tokens.method === 'exact' ? '' : '~'}${report.stats.tokens.total.toLocaleString('en-US')} tokens`;
  const counted = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
  return `${report.ok ? 'OK' : 'FAILED'} · ${report.formatLabel ?? 'unknown'} format · ${counted(report.examples, 'example')} · ${tokens} · ${counted(report.counts.errors, 'error')}, ${counted(report.counts.warnings, 'warning')}`;
}

type LogUpdate = ((...text: string[]) => void) & { done(): void; clear(): void };

/**
 * One frame on a terminal, redrawn in place, with finished stages kept above it. log-update 6 redraws the whole
 * frame; 7.x patches only the lines that changed and loses a line when a frame grows in the middle (the chart).
 */
class LiveWatcher implements Watcher {
  private readonly track = new Track();
  private readonly started = Date.now();
  private upload: { file: 'training' | 'validation'; loaded: number; total: number | undefined; since: number } | undefined;
  private jobId: string | undefined;
  private waiting = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastDraw = 0;
  private closed = false;
  private held = false;

  constructor(
    private readonly out: Output,
    private readonly log: LogUpdate,
    private readonly header: string,
    private readonly chart: typeof LossChart,
  ) {
    this.timer = setInterval(() => this.draw(true), 1_000);
    this.timer.unref();
  }

  /** A finished stage: written above the frame, which is then drawn again below it. */
  private persist(text: string): void {
    this.log.clear();
    this.out.stderr.write(`${text}\n`);
    this.draw(true);
  }

  train<P extends ProviderName>(p: TrainProgress<P>): void {
    const c = this.out.err;
    switch (p.stage) {
      case 'check':
        return this.persist(`${p.report.ok ? c.green('✓') : c.red('✗')} checked the ${fileLabel(p.file)}: ${checkSummary(p.report)}`);
      case 'upload':
        if (!this.upload || this.upload.file !== p.file) this.upload = { file: p.file, loaded: 0, total: p.total, since: Date.now() };
        this.upload.loaded = p.loaded;
        this.upload.total = p.total;
        if (p.fileId) {
          this.upload = undefined;
          return this.persist(`${c.green('✓')} uploaded the ${fileLabel(p.file)} (${formatBytes(p.loaded)}) as ${p.fileId}`);
        }
        return this.draw(false);
      case 'processing':
        // `uploaded` (the provider is still processing it) is the upload's line; the end of processing gets its own.
        return p.status === 'uploaded' ? undefined : this.persist(`${c.green('✓')} the ${fileLabel(p.file)} ${p.fileId} is ${p.status}`);
      case 'estimate':
        return this.persist(
          `${p.estimate.allowedToProceed === false ? c.yellow('!') : c.green('✓')} estimated: ${estimateLine(p.estimate)}`,
        );
      case 'create':
        this.jobId = p.job.id;
        return this.persist(`${c.green('✓')} created job ${c.bold(p.job.id)}`);
      case 'wait':
        return this.wait(p.progress);
      case 'deploy':
        return this.persist(`${p.status === 'active' ? c.green('✓') : c.dim('…')} model ${p.model}: ${p.status}`);
      case 'done':
        return;
    }
  }

  wait(p: WaitProgress): void {
    this.jobId = p.jobId;
    this.waiting = true;
    this.track.update(p);
    this.draw(false);
  }

  hold(): () => void {
    this.held = true;
    this.log.clear();
    return () => {
      this.held = false;
      this.draw(true);
    };
  }

  /** Redraws, at most 10 times a second unless `force`. */
  private draw(force: boolean): void {
    if (this.closed || this.held) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.log(this.frame(now));
  }

  private frame(now: number): string {
    const c = this.out.err;
    const width = Math.min(this.out.columns, 100) - 2;
    const lines: string[] = [c.bold(this.header) + (this.jobId ? c.dim(` · ${this.jobId}`) : '')];
    if (this.upload) {
      const { file, loaded, total, since } = this.upload;
      const rate = loaded / Math.max(0.001, (now - since) / 1_000);
      const fraction = total ? loaded / total : 0;
      lines.push(
        `↑ uploading the ${fileLabel(file)}  ${c.cyan(bar(fraction, Math.max(8, Math.min(24, width - 60))))}  ${formatBytes(loaded)}${total ? ` / ${formatBytes(total)}  ${percent(fraction)}` : ''}  ${formatBytes(rate)}/s`,
      );
    }
    if (this.waiting) {
      const t = this.track;
      const status = t.status ?? 'queued';
      const paint = statusColor(c, status);
      const own = t.providerStatus && t.providerStatus !== status ? c.dim(` (${t.providerStatus})`) : '';
      const remaining = t.remainingMs(now);
      const clock = `elapsed ${formatClock(now - this.started)}${remaining !== undefined ? ` · ETA ${formatDuration(remaining)}` : ''}`;
      lines.push(`${c.dim('status')}  ${paint(status)}${own}   ${c.dim(clock)}`);
      const fraction = t.fraction();
      if (fraction !== undefined || t.step !== undefined) {
        const stepText =
          t.step !== undefined ? `step ${formatSteps(t.step, t.totalSteps)}` : `epoch ${formatSteps(t.epoch, t.totalEpochs)}`;
        const epochText = t.step !== undefined && t.epoch !== undefined ? c.dim(`  epoch ${formatSteps(t.epoch, t.totalEpochs)}`) : '';
        const cells = Math.max(10, Math.min(30, width - 38));
        lines.push(
          `${c.dim('steps ')}  ${fraction !== undefined ? `${paint(bar(fraction, cells))} ${percent(fraction).padStart(4)}  ` : ''}${stepText}${epochText}`,
        );
      }
      if (t.trainingLoss !== undefined || t.validationLoss !== undefined) {
        const val = t.validationLoss !== undefined ? `   ${c.magenta('validation')} ${formatLoss(t.validationLoss)}` : '';
        lines.push(`${c.dim('loss  ')}  ${c.cyan('training')} ${formatLoss(t.trainingLoss) || '–'}${val}`);
      }
      // The training loss only: at 8 rows a validation line close to it would tangle with it (its value is above).
      const training = t.points.filter((p) => p.trainingLoss !== undefined).map((p) => ({ ...p, validationLoss: undefined }));
      const chart = this.chart(training, { width, height: 8, colors: { training: '\x1b[36m', validation: '\x1b[35m' } });
      if (chart.length) lines.push('', ...chart, '');
      if (t.lastEvent) lines.push(`${c.dim('latest')}  ${truncate(eventLine(c, t.lastEvent), width - 8)}`);
      if (status !== 'succeeded' && status !== 'failed' && status !== 'cancelled')
        lines.push(c.dim('Ctrl-C stops watching; the job keeps running.'));
    }
    // Every line within the terminal's width: a wrapped line would break the redraw in place (frames pile up).
    return lines.map((line) => fit(line, this.out.columns - 1)).join('\n');
  }

  close(): void {
    if (this.closed) return;
    this.draw(true);
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.log.done();
  }
}

/** `line` cut to `width` visible characters (escape sequences kept whole, colours reset after a cut). */
function fit(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length;) {
    const escape = /^\x1b\[[0-9;?]*[A-Za-z]/.exec(line.slice(i, i + 16));
    if (escape) {
      out += escape[0];
      i += escape[0].length;
      continue;
    }
    const char = String.fromCodePoint(line.codePointAt(i) ?? 32);
    if (visible === width - 1 && [...line.slice(i).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')].length > 1) return `${out}…\x1b[0m`;
    out += char;
    visible++;
    i += char.length;
  }
  return out;
}

function truncate(text: string, width: number): string {
  // Only the event's message is long; cutting inside an escape sequence is avoided by cutting plain text only.
  return text.length > width + 20 ? `${text.slice(0, width + 19)}…` : text;
}

/** The watcher for this output: live on a terminal, NDJSON with `--json`, else plain lines. */
export async function createWatcher(out: Output, header: string): Promise<Watcher> {
  if (out.json) return new JsonWatcher(out);
  if (!out.live) return new PlainWatcher(out);
  // Loaded only now: the frame renderer and the chart are needed once a job is being watched on a terminal.
  const [{ createLogUpdate }, { lossChart }] = await Promise.all([import('log-update'), import('./chart.js')]);
  return new LiveWatcher(out, createLogUpdate(out.stderr, { showCursor: false }), header, lossChart);
}
