import type { DatasetReport } from './dataset.js';
import { inspectDataset } from './dataset.js';
import { hashText, token } from './random.js';
import type { Timeline } from './timeline.js';

/** A stored file: uploaded, assembled from upload parts, or made by a job (result files). */
export interface FileRecord {
  id: string;
  filename: string;
  purpose: string;
  bytes: number;
  /** Simulated ms. */
  createdAt: number;
  /** When the provider has finished processing it (OpenAI `status`, Together `Processed`). */
  readyAt: number;
  blob: Blob;
  /** Checked once, when a job first uses it. */
  report?: Promise<DatasetReport>;
}

export interface JobRecord<Request = unknown> {
  id: string;
  createdAt: number;
  /** The create request as received (validated against the document). */
  request: Request;
  model: string;
  trainingFile: string;
  validationFile: string | undefined;
  /** Examples and estimated tokens of the training file (zero when it failed validation). */
  examples: number;
  tokens: number;
  timeline: Timeline;
  /** Together: deleted jobs are gone from lists and lookups. */
  deleted?: boolean;
  /** Scripted overfitting: the validation loss falls until this fraction of training, then rises (`metrics` script). */
  validationRisesAfter?: number;
}

/** A short, stable, non-secret name for an API key (in recorded requests and seeds). */
export function fingerprint(apiKey: string): string {
  return `key_${hashText(apiKey).toString(16).padStart(8, '0')}`;
}

/**
 * Everything one API key sees: files, jobs and the provider's own collections (`state`: Nebius models, OpenAI
 * uploads). Keys never see each other's worlds. `offset` is this key's own lead over the shared clock ('on-poll').
 */
export class World<State, JobRequest = unknown> {
  readonly key: string;
  readonly files = new Map<string, FileRecord>();
  readonly jobs = new Map<string, JobRecord<JobRequest>>();
  /** Ids of files made by jobs that were deleted. */
  readonly deletedOutputs = new Set<string>();
  offset = 0;
  private counter = 0;

  constructor(
    apiKey: string,
    readonly state: State,
    /** Ids are drawn from it: the same seed, key and order of creation give the same ids. */
    private readonly seed = '',
  ) {
    this.key = fingerprint(apiKey);
  }

  /** A fresh id: `prefix` and `length` characters, drawn from the seed, the key and the order of creation. */
  id(prefix: string, length = 24): string {
    return `${prefix}${token(this.next(), length)}`;
  }

  /** A seed text for ids that must have another shape (UUIDs). */
  next(): string {
    return `${this.seed}:${this.key}:${++this.counter}`;
  }

  /** What a file holds as training data (checked once). */
  report(file: FileRecord): Promise<DatasetReport> {
    file.report ??= inspectDataset(file.blob);
    return file.report;
  }
}
