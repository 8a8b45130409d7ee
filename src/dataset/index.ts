/**
 * `tunekit/dataset`: checks a fine-tuning dataset locally, against each provider's rules, before anything is
 * uploaded. Its own entry point: the clients never load it (nor its tokenizer).
 *
 * @packageDocumentation
 * @module tunekit/dataset
 */
export { type DatasetFormat, type DatasetProvider, type Encoding } from '../core/dataset-report.js';
export { checkDataset } from './engine.js';
export { assertDataset, DatasetCheckError } from './assert.js';
export { formatDatasetReport, type FormatReportOptions } from './format-report.js';
export { datasetProfiles } from '../providers/registry/datasets.js';
export { issueCodes, type DatasetIssueCode } from '../core/dataset-codes.js';
export type { DatasetProfile, Severity } from './profile.js';
export type {
  CheckDatasetOptions,
  DatasetIssue,
  DatasetReport,
  DatasetSource,
  DatasetStats,
  Distribution,
  TokenCounter,
  TokenizerOption,
} from '../core/dataset-report.js';
