import type { CheckDatasetOptions, DatasetReport } from './dataset-report.js';
import { baseName, fileSize, fileStream, loadDatasetChecker, streamingUploads } from '../platform/files.js';
import { ValidationError } from './errors.js';
import type { DatasetProvider } from './dataset-report.js';

/**
 * What `files.upload` accepts: a file path (streamed from disk, re-read for a retry), a `Blob`/`File`, or a
 * one-shot stream of bytes (web `ReadableStream` or Node `Readable`: streamed as it comes, never buffered whole,
 * and so never sent twice).
 */
export type Uploadable = string | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** How far an upload has got: file bytes handed to the connection so far, of `total` (unknown for a stream). */
export interface UploadProgress {
  loaded: number;
  total: number | undefined;
}

/** Options of `files.upload`. */
export interface UploadOptions {
  /** Name sent with the file; defaults to the path's base name, the `File`'s name, or `data.jsonl`. */
  filename?: string;
  /** Called as the file's bytes go out (at most every 64 KiB and at the end); starts again from 0 on a resend. */
  onProgress?: (progress: UploadProgress) => void;
  /**
   * Check the file with `tunekit/dataset` first, by this provider's rules (`true`, or the check's options): a failed
   * check throws `DatasetCheckError` (every problem with its line) and nothing is uploaded. A path or a Blob only.
   */
  check?: boolean | Omit<CheckDatasetOptions, 'provider'>;
}

/** `upload.check`: the dataset checker (loaded only now) runs on the file before anything is sent; its report, or `undefined` when not asked. */
export async function checkBeforeUpload(input: Uploadable, check: UploadOptions['check'], provider: DatasetProvider, where: string, field = 'file'): Promise<DatasetReport | undefined> {
  if (!check) return undefined;
  const refuse = (message: string, rule: string, value: unknown): ValidationError => ValidationError.of(where, { field, rule, value, message });
  if (typeof input !== 'string' && !(input instanceof Blob)) {
    throw refuse(`${field} is a stream, which the check would use up: pass a path or a Blob with check: true`, 'a path or a Blob (check reads it first)', '[stream]');
  }
  const checker = await loadDatasetChecker();
  if (!checker) {
    throw refuse('check: true needs the dataset checker, which this runtime cannot load (a bundle without it): run checkDataset from tunekit/dataset first', 'the dataset checker available', true);
  }
  return checker.assertDataset(input, { ...(check === true ? {} : check), provider, where });
}

/** What every provider's `files.upload` does first: the dataset check when asked, then the file opened as a source. */
export async function prepareUpload(file: Uploadable, upload: UploadOptions, provider: DatasetProvider, where: string): Promise<UploadSource> {
  await checkBeforeUpload(file, upload.check, provider, where);
  return uploadSource(file, upload.filename, where);
}

/** A file to upload, as tunekit reads it: re-openable (a path, a Blob) or not (a stream). */
export interface UploadSource {
  filename: string;
  /** Bytes, when known before reading (paths and Blobs). */
  size: number | undefined;
  /** True when `open` can be called again (for a retry, or for another part). */
  replayable: boolean;
  /** The bytes from `start` to `end` (exclusive); a one-shot stream opens once, whole. */
  open(start?: number, end?: number): ReadableStream<Uint8Array>;
  /** The whole file as a Blob, where it is one (browsers send a Blob as FormData). */
  blob: Blob | undefined;
}

function isStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof ReadableStream !== 'undefined' && value instanceof ReadableStream;
}

/** Any `Uploadable` as an `UploadSource`. A path is checked first (`ValidationError` naming it, nothing sent). `where` names the call. */
async function uploadSource(input: Uploadable, filename: string | undefined, where: string): Promise<UploadSource> {
  if (typeof input === 'string') {
    const size = await fileSize(input, where);
    return { filename: filename ?? baseName(input), size, replayable: true, blob: undefined, open: (start = 0, end = size) => fileStream(input, { start, end }) };
  }
  if (input instanceof Blob) {
    const name = 'name' in input && typeof input.name === 'string' && input.name ? input.name : 'data.jsonl';
    return { filename: filename ?? name, size: input.size, replayable: true, blob: input, open: (start = 0, end = input.size) => input.slice(start, end).stream() };
  }
  // A Node ReadStream of a file knows its path: read it as a path (re-openable, sized).
  const path = 'path' in input && typeof input.path === 'string' ? input.path : undefined;
  if (path !== undefined) return uploadSource(path, filename, where);
  let opened = false;
  const stream = isStream(input) ? input : iterableStream(input);
  return {
    filename: filename ?? 'data.jsonl',
    size: undefined,
    replayable: false,
    blob: undefined,
    open: () => {
      if (opened) throw new Error('a one-shot stream was already read');
      opened = true;
      return stream;
    },
  };
}

function iterableStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

const encoder = new TextEncoder();
const PROGRESS_STEP = 64 * 1024;

/** A quoted multipart parameter value (RFC 7578: `"` and line breaks escaped). */
function quoted(value: string): string {
  return `"${value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

/** A request body for one `multipart/form-data` operation: a stream (Node) or a FormData (browsers), built afresh per attempt. */
export interface MultipartBody {
  body: ReadableStream<Uint8Array> | FormData;
  /** `content-type` to send (absent for FormData, whose boundary the runtime sets). */
  contentType: string | undefined;
  /** Exact bytes, when the file's size is known. */
  length: number | undefined;
}

/**
 * `fields` as a `multipart/form-data` body whose `fileField` part streams `source` (bytes `start`–`end`),
 * counting the file's bytes for `onProgress`. Where the runtime cannot stream a request body (browsers), a
 * FormData of the Blob (a stream is read into one first).
 */
export async function multipartBody(
  fields: Record<string, unknown>,
  fileField: string,
  source: UploadSource,
  onProgress?: (progress: UploadProgress) => void,
  range: { start?: number; end?: number } = {},
): Promise<MultipartBody> {
  const texts = Object.entries(fields).filter((entry): entry is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof entry[1]));
  const start = range.start ?? 0;
  const end = range.end ?? source.size;
  const total = end === undefined ? undefined : end - start;
  if (!streamingUploads) {
    const blob = source.blob ? source.blob.slice(start, end) : await new Response(source.open(start, end)).blob();
    const form = new FormData();
    for (const [name, value] of texts) form.append(name, String(value));
    form.append(fileField, blob, source.filename);
    onProgress?.({ loaded: 0, total: blob.size });
    return { body: form, contentType: undefined, length: undefined };
  }
  const boundary = `tunekit-${crypto.randomUUID()}`;
  const head = encoder.encode(
    texts.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}\r\n\r\n${value}\r\n`).join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(fileField)}; filename=${quoted(source.filename)}\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const reader = source.open(start, end).getReader();
  let loaded = 0;
  let reported = 0;
  // At most ~500 calls for a file of known size, never more often than every 64 KiB.
  const step = Math.max(PROGRESS_STEP, total === undefined ? 0 : total / 500);
  let phase: 'head' | 'file' | 'done' = 'head';
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (phase === 'head') {
        phase = 'file';
        onProgress?.({ loaded: 0, total });
        controller.enqueue(head);
        return;
      }
      if (phase === 'done') return;
      const { value, done } = await reader.read();
      if (done) {
        phase = 'done';
        if (reported !== loaded || loaded === 0) onProgress?.({ loaded, total });
        controller.enqueue(tail);
        controller.close();
        return;
      }
      loaded += value.byteLength;
      if (loaded - reported >= step) {
        reported = loaded;
        onProgress?.({ loaded, total });
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, length: total === undefined ? undefined : head.byteLength + total + tail.byteLength };
}

/**
 * Stands in for the file in a typed multipart body (`{ file, purpose }`): the body's text fields are what the
 * document types; the file's bytes are streamed by `multipartBody`, never taken from this.
 */
export const FILE_PART: Blob = new Blob([]);

/** The openapi-fetch options that send `form`: its serializer, its content type and length, streaming when it is a stream. */
export function multipartInit<Init extends { headers?: Record<string, string> }>(form: MultipartBody, init: Init) {
  const headers: Record<string, string> = { ...init.headers };
  if (form.contentType) headers['content-type'] = form.contentType;
  if (form.length !== undefined) headers['content-length'] = String(form.length);
  return { ...init, headers, bodySerializer: () => form.body, ...(form.body instanceof FormData ? {} : { duplex: 'half' as const }) };
}
