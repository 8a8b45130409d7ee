import type { DatasetIssue, DatasetReport, Distribution } from '../core/dataset-report.js';

/** Options of `formatDatasetReport`. */
export interface FormatReportOptions {
  /** Errors and warnings listed (each); the rest are summed up by code. Default 20. */
  maxIssues?: number;
}

const number = (value: number): string => Math.round(value).toLocaleString('en-US');
/** `1 error`, `2 errors`, `1,200 examples`. */
const counted = (value: number, word: string): string => `${number(value)} ${word}${value === 1 ? '' : 's'}`;
const spread = (d: Distribution): string => `min ${number(d.min)}, mean ${d.mean.toFixed(1)}, max ${number(d.max)}`;

function issueLines(kind: string, issues: readonly DatasetIssue[], total: number, limit: number): string[] {
  if (total === 0) return [];
  const shown = issues.slice(0, limit);
  const width = Math.max(...shown.map((issue) => String(issue.line).length), 1);
  const lines = shown.map(
    (issue) =>
      `  ${issue.line === 0 ? 'file'.padEnd(width + 5) : `line ${String(issue.line).padEnd(width)}`}  ${issue.code.padEnd(20)} ${issue.message}`,
  );
  if (total > shown.length) lines.push(`  … and ${number(total - shown.length)} more ${kind}`);
  return [`${kind} (${number(total)}):`, ...lines];
}

/**
 * The report as text for a terminal or a log: a verdict, the problems with their lines, then the statistics.
 *
 * @example
 * ```ts
 * import { checkDataset, formatDatasetReport } from 'tunekit/dataset';
 *
 * console.log(formatDatasetReport(await checkDataset('./train.jsonl', { provider: 'together' })));
 * ```
 */
export function formatDatasetReport(report: DatasetReport, options: FormatReportOptions = {}): string {
  const limit = options.maxIssues ?? 20;
  const { stats, counts } = report;
  const format = report.format === undefined ? 'no format recognized' : `${report.formatLabel} format`;
  const verdict = report.ok ? 'OK' : 'FAILED';
  const out = [
    `${report.name ?? 'dataset'}: ${verdict} for ${report.provider} · ${format} · ${counted(report.examples, 'example')} · ${counted(counts.errors, 'error')}, ${counted(counts.warnings, 'warning')}`,
    ...issueLines('errors', report.errors, counts.errors, limit),
    ...issueLines('warnings', report.warnings, counts.warnings, limit),
  ];
  const codes = Object.entries(counts.byCode).sort(([, a], [, b]) => b - a);
  if (counts.errors + counts.warnings > limit && codes.length)
    out.push(`by code: ${codes.map(([code, n]) => `${code} ${number(n)}`).join(', ')}`);
  const tokens = stats.tokens;
  // An estimate of chat examples counts the chat template's tokens around each message too: the label says so.
  const label =
    tokens.method === 'exact'
      ? `exact, ${tokens.tokenizer}`
      : `estimate, ${tokens.tokenizer}${stats.messages ? ", plus each message's framing" : ''}`;
  out.push(
    'statistics:',
    `  examples          ${number(report.examples)} (${number(stats.validExamples)} without errors) on ${counted(stats.lines, 'line')}, ${counted(stats.bytes, 'byte')}`,
  );
  if (stats.messages) out.push(`  messages          ${spread(stats.messages)} per example`);
  out.push(
    `  characters        ${number(stats.characters.total)} (${spread(stats.characters)} per example)`,
    `  tokens (${label})`,
    `                    ${number(tokens.total)} (${spread(tokens)} per example)`,
  );
  if (stats.longest.length)
    out.push(`  longest           ${stats.longest.map((l) => `line ${l.line}: ${number(l.tokens)} tokens`).join('; ')}`);
  if (stats.contextLength !== undefined) {
    out.push(
      `  context length    ${number(stats.contextLength)}: ${stats.truncated.examples ? `${number(stats.truncated.examples)} example${stats.truncated.examples === 1 ? '' : 's'} longer, ${number(stats.truncated.tokensCut)} tokens will be cut` : 'every example fits'}`,
    );
  }
  const billed = stats.billedTokens;
  out.push(
    billed.total === undefined
      ? `  billed tokens     ${number(billed.perEpoch)} per epoch (${billed.method}; pass epochs for the total)`
      : `  billed tokens     ${number(billed.total)} = ${number(billed.perEpoch)} × ${billed.epochs} epochs (${billed.method})`,
  );
  out.push(
    `  duplicates        ${number(stats.duplicates.examples)}${stats.duplicates.complete ? '' : ` (among the first ${number(stats.duplicates.tracked)} distinct examples)`}`,
  );
  if (stats.images) out.push(`  images            ${number(stats.images)}`);
  if (stats.maskedMessages) out.push(`  weight 0          ${number(stats.maskedMessages)} assistant messages not trained on`);
  return out.join('\n');
}
