import { existsSync } from 'node:fs';
import { CliError, EXIT, UsageError } from '../exit.js';
import type { GlobalOptions } from '../globals.js';
import type { Output } from '../output.js';
import { resolveProvider } from '../providers.js';
import type { DatasetFormat } from '../../core/dataset-report.js';

/** `tunekit check FILE`: the dataset checker, by the chosen provider's rules; no API key needed. */

const FORMATS: readonly DatasetFormat[] = ['chat', 'preference', 'instruction', 'text', 'pretokenized'];

export async function check(globals: GlobalOptions, out: Output, signal: AbortSignal, [path = '']: string[], options: { model?: string; format?: string; epochs?: number; contextLength?: number; maxIssues?: number }): Promise<void> {
  const provider = resolveProvider(globals.provider, process.env, { needKey: false });
  if (!existsSync(path)) throw new UsageError(`FILE "${path}" does not exist`);
  const format = options.format === undefined ? undefined : FORMATS.find((f) => f === options.format);
  if (options.format !== undefined && !format) throw new UsageError(`--format "${options.format}" is not a dataset format: one of ${FORMATS.join(', ')}`);
  const { checkDataset, formatDatasetReport } = await import('../../dataset/index.js');
  const report = await checkDataset(path, { provider, model: options.model, format, epochs: options.epochs, contextLength: options.contextLength, signal });
  if (out.json) out.value(report);
  else out.data(formatDatasetReport(report, { maxIssues: options.maxIssues }));
  if (!report.ok) {
    // The report (every problem with its line) is on stdout already; the error says only that it failed.
    throw new CliError(`${path} failed the ${provider} dataset check with ${report.counts.errors} error${report.counts.errors === 1 ? '' : 's'}`, EXIT.failure, undefined, { errors: report.counts.errors }, 'DatasetCheckError');
  }
}
