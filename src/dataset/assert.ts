import { TunekitError } from '../core/errors.js';
import { checkDataset } from './engine.js';
import type { CheckDatasetOptions, DatasetReport, DatasetSource } from '../core/dataset-report.js';

/** A dataset check found errors; `report` has all of them and the statistics. */
export class DatasetCheckError extends TunekitError {
  override name = 'DatasetCheckError';
  readonly report: DatasetReport;

  constructor(report: DatasetReport, where: string) {
    const first = report.errors.slice(0, 3).map((e) => `${e.line ? `line ${e.line}` : 'file'}: ${e.message} [${e.code}]`);
    const more = report.counts.errors > first.length ? `; and ${report.counts.errors - first.length} more` : '';
    super(
      `${where}: ${report.name ?? 'the dataset'} failed the ${report.provider} dataset check with ${report.counts.errors} error${report.counts.errors === 1 ? '' : 's'}: ${first.join('; ')}${more}`,
    );
    this.report = report;
  }
}

/**
 * `checkDataset`, throwing a `DatasetCheckError` when the report has an error: the hook for
 * `files.upload(…, { check: true })` and `train({ check })`, which call it before anything is sent. A stream
 * source is consumed by the check: pass a path or a `Blob` (or `tee()` the stream) when you still need the bytes.
 *
 * @example
 * ```ts
 * import { assertDataset, DatasetCheckError } from 'tunekit/dataset';
 *
 * try {
 *   await assertDataset('./train.jsonl', { provider: 'nebius' });
 * } catch (error) {
 *   if (error instanceof DatasetCheckError) console.error(error.report.errors);
 * }
 * ```
 */
export async function assertDataset(source: DatasetSource, options: CheckDatasetOptions & { where?: string }): Promise<DatasetReport> {
  const { where = 'checkDataset', ...check } = options;
  const report = await checkDataset(source, check);
  if (!report.ok) throw new DatasetCheckError(report, where);
  return report;
}
