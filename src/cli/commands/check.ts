import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { CliError, EXIT, UsageError } from '../exit.js';
import type { GlobalOptions } from '../globals.js';
import type { Output } from '../output.js';
import { resolveProvider } from '../providers.js';
import type { DatasetFormat } from '../../core/dataset-report.js';

/**
 * What to read: `-` is stdin; a regular file is read by path; a pipe or a device (`<(…)`, `/dev/stdin`) as a stream.
 * A missing path or a folder is a usage error.
 */
function datasetSource(path: string): string | Readable {
  if (path === '-') return process.stdin;
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new UsageError(`FILE "${path}" does not exist`);
  }
  if (stats.isDirectory()) throw new UsageError(`FILE "${path}" is a folder: give a JSONL file (or - for stdin)`);
  return stats.isFile() ? path : createReadStream(path);
}

/** `tunekit check FILE`: the dataset checker, by the chosen provider's rules; no API key needed. */

const FORMATS: readonly DatasetFormat[] = ['chat', 'preference', 'instruction', 'text', 'pretokenized'];

export async function check(
  globals: GlobalOptions,
  out: Output,
  signal: AbortSignal,
  [path = '']: string[],
  options: { model?: string; format?: string; epochs?: number; contextLength?: number; maxIssues?: number },
): Promise<void> {
  const provider = resolveProvider(globals.provider, process.env, { needKey: false });
  const source = datasetSource(path);
  const format = options.format === undefined ? undefined : FORMATS.find((f) => f === options.format);
  if (options.format !== undefined && !format)
    throw new UsageError(`--format "${options.format}" is not a dataset format: one of ${FORMATS.join(', ')}`);
  const { checkDataset, formatDatasetReport } = await import('../../dataset/index.js');
  let report: Awaited<ReturnType<typeof checkDataset>>;
  try {
    report = await checkDataset(source, {
      provider,
      model: options.model,
      format,
      epochs: options.epochs,
      contextLength: options.contextLength,
      signal,
      name: path === '-' ? 'stdin' : path,
    });
  } catch (error) {
    // The library's words name its own function and options; here they are the command's argument and flags.
    if (error instanceof Error && error.message.startsWith('checkDataset: ')) {
      throw new UsageError(
        error.message
          .replace(/^checkDataset: /, '')
          .replace(/^source = /, 'FILE ')
          .replace(/; nothing was sent$/, ''),
      );
    }
    throw error;
  }
  if (out.json) out.value(report);
  else out.data(formatDatasetReport(report, { maxIssues: options.maxIssues }));
  if (!report.ok) {
    // The report (every problem with its line) is on stdout already; the error says only that it failed.
    throw new CliError(
      `${path} failed the ${provider} dataset check with ${report.counts.errors} error${report.counts.errors === 1 ? '' : 's'}`,
      EXIT.failure,
      undefined,
      { errors: report.counts.errors },
      'DatasetCheckError',
    );
  }
}
