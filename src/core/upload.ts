import type { CheckDatasetOptions, DatasetReport } from './dataset-report.js';
import { baseName, fileSize, fileStream, loadDatasetChecker, streamingUploads } from '../platform/files.js';
import { leaseBody } from '../platform/http.js';
import { APIUserAbortError, ValidationError } from './errors.js';
import type { CallInit, FetchResult } from './call.js';
import type { Core } from './client.js';
import type { RequestOptions } from './exchange.js';
import type { DatasetProvider } from './dataset-report.js';

/**
 * What `files.upload` accepts: a file path (streamed from disk, re-read for a retry), a `Blob`/`File`, or a
 * one-shot stream of bytes (web `ReadableStream` or Node `Readable`: streamed as it comes, never buffered whole,
 * and so never sent twice).
 */
export type Uploadable = string | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * How far an upload has got: file bytes the connection has taken (written to its socket, give or take a couple of
 * 64 KiB pieces), of `total` (unknown for a stream). `loaded` reaches `total` only once the server has answered 2xx.
 */
export interface UploadProgress {
  loaded: number;
  total: number | undefined;
}

/** Options of `files.upload`. */
export interface UploadOptions {
  /** Name sent with the file; defaults to the path's base name, the `File`'s name, or `data.jsonl`. */
  filename?: string;
  /** Called as the file's bytes go out (at most every 64 KiB), and with every byte once the server has them; starts again from 0 on a resend. */
  onProgress?: (progress: UploadProgress) => void;
  /**
   * Check the file with `tunekit/dataset` first, by this provider's rules (`true`, or the check's options): a failed
   * check throws `DatasetCheckError` (every problem with its line) and nothing is uploaded. A path or a Blob only.
   */
  check?: boolean | Omit<CheckDatasetOptions, 'provider'>;
}

/** `upload.check`: the dataset checker (loaded only now) runs on the file before anything is sent; its report, or `undefined` when not asked. */
export async function checkBeforeUpload(
  input: Uploadable,
  check: UploadOptions['check'],
  provider: DatasetProvider,
  where: string,
  field = 'file',
): Promise<DatasetReport | undefined> {
  if (!check) return undefined;
  const refuse = (message: string, rule: string, value: unknown): ValidationError =>
    ValidationError.of(where, { field, rule, value, message });
  if (typeof input !== 'string' && !(input instanceof Blob)) {
    throw refuse(
      `${field} is a stream, which the check would use up: pass a path or a Blob with check: true`,
      'a path or a Blob (check reads it first)',
      '[stream]',
    );
  }
  const checker = await loadDatasetChecker();
  if (!checker) {
    throw refuse(
      'check: true needs the dataset checker, which this runtime cannot load (a bundle without it): run checkDataset from tunekit/dataset first',
      'the dataset checker available',
      true,
    );
  }
  return checker.assertDataset(input, { ...(check === true ? {} : check), provider, where });
}

/** What every provider's `files.upload` does first: the dataset check when asked, then the file opened as a source. */
export async function prepareUpload(
  file: Uploadable,
  upload: UploadOptions,
  provider: DatasetProvider,
  where: string,
): Promise<UploadSource> {
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
  /**
   * The bytes from `start` to `end` (exclusive); a one-shot stream opens once, whole. While `reuse()` is true the
   * reader is done with each chunk before it reads the next, so a file may read every chunk into one buffer.
   */
  open(start?: number, end?: number, reuse?: () => boolean): ReadableStream<Uint8Array>;
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
    return {
      filename: filename ?? baseName(input),
      size,
      replayable: true,
      blob: undefined,
      open: (start = 0, end = size, reuse) => fileStream(input, { start, end, reuse }),
    };
  }
  if (input instanceof Blob) {
    const name = 'name' in input && typeof input.name === 'string' && input.name ? input.name : 'data.jsonl';
    return {
      filename: filename ?? name,
      size: input.size,
      replayable: true,
      blob: input,
      open: (start = 0, end = input.size) => input.slice(start, end).stream(),
    };
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

/**
 * How far one attempt of an upload got, shared by its body (which moves it) and `settleAbort` (which reads it): the
 * file bytes the connection has taken, and whether the whole body has been handed over (from then on the server may
 * store the file, so an abort must learn what it stored).
 */
export interface UploadTrack {
  sent: number;
  whole: boolean;
}

/** A request body for one `multipart/form-data` operation: a stream (Node) or a FormData (browsers), built afresh per attempt. */
export interface MultipartBody {
  body: ReadableStream<Uint8Array> | FormData;
  /** `content-type` to send (absent for FormData, whose boundary the runtime sets). */
  contentType: string | undefined;
  /** Exact bytes, when the file's size is known. */
  length: number | undefined;
  /** The server answered 2xx, so every byte arrived: reports the last of them (only now is progress 100%). */
  delivered(): void;
}

/** Options of `multipartBody`. */
export interface MultipartOptions {
  onProgress?: (progress: UploadProgress) => void;
  /** The file's bytes to send, from `start` to `end` (exclusive); the whole file by default. */
  start?: number;
  end?: number;
  /** Moved as the body is sent (reset to nothing sent when the body is built). */
  track?: UploadTrack;
}

/**
 * `fields` as a `multipart/form-data` body whose `fileField` part streams `source` (bytes `start`–`end`). Progress
 * counts the file bytes the connection has taken: the body is pulled one piece at a time, and a piece counts once the
 * connection asks for the next (it asks only after writing the last to its socket, so at most a couple of 64 KiB
 * pieces sit in between); the last bytes count when the server answers 2xx, so 100% means received. Where the
 * runtime cannot stream a request body (browsers), a FormData of the Blob (a stream is read into one first).
 */
export async function multipartBody(
  fields: Record<string, unknown>,
  fileField: string,
  source: UploadSource,
  options: MultipartOptions = {},
): Promise<MultipartBody> {
  const { onProgress, track = { sent: 0, whole: false } } = options;
  const texts = Object.entries(fields).filter((entry): entry is [string, string | number | boolean] =>
    ['string', 'number', 'boolean'].includes(typeof entry[1]),
  );
  const start = options.start ?? 0;
  const end = options.end ?? source.size;
  const total = end === undefined ? undefined : end - start;
  track.sent = 0;
  track.whole = false;
  if (!streamingUploads) {
    const blob = source.blob ? source.blob.slice(start, end) : await new Response(source.open(start, end)).blob();
    const form = new FormData();
    for (const [name, value] of texts) form.append(name, String(value));
    form.append(fileField, blob, source.filename);
    onProgress?.({ loaded: 0, total: blob.size });
    return {
      body: form,
      contentType: undefined,
      length: undefined,
      delivered: () => onProgress?.({ loaded: blob.size, total: blob.size }),
    };
  }
  const boundary = `tunekit-${crypto.randomUUID()}`;
  const head = encoder.encode(
    texts.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}\r\n\r\n${value}\r\n`).join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(fileField)}; filename=${quoted(source.filename)}\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  // Leased (see `leaseBody`) once the connection reads the body one chunk at a time, each after the last is written.
  let leased = false;
  const reader = source.open(start, end, () => leased).getReader();
  /** File bytes of the piece enqueued last: taken by the connection once it asks for more. */
  let pending = 0;
  let reported = 0;
  // At most ~500 calls for a file of known size, never more often than every 64 KiB.
  const step = Math.max(PROGRESS_STEP, total === undefined ? 0 : total / 500);
  let phase: 'head' | 'file' | 'done' = 'head';
  const body = new ReadableStream<Uint8Array>(
    {
      // highWaterMark 0: pull runs only when the connection asks for a piece, so it has taken every piece before.
      async pull(controller) {
        track.sent += pending;
        pending = 0;
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
          track.whole = true;
          controller.enqueue(tail);
          controller.close();
          return;
        }
        if (track.sent - reported >= step) {
          reported = track.sent;
          onProgress?.({ loaded: track.sent, total });
        }
        pending = value.byteLength;
        controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  leaseBody(body, () => (leased = true));
  return {
    body,
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: total === undefined ? undefined : head.byteLength + total + tail.byteLength,
    delivered() {
      track.sent += pending;
      pending = 0;
      onProgress?.({ loaded: track.sent, total });
    },
  };
}

/**
 * Stands in for the file in a typed multipart body (`{ file, purpose }`): the body's text fields are what the
 * document types; the file's bytes are streamed by `multipartBody`, never taken from this.
 */
export const FILE_PART: Blob = new Blob([]);

/**
 * The openapi-fetch options that send `form`: its serializer, its content type and length, and a `fetch` that reports
 * the last bytes once the server has answered 2xx. A stream goes with `duplex: 'half'` and `redirect: 'error'`: under
 * any other redirect mode, fetch (undici 6, Node 20 and 22) sends a clone of the request, whose body is a tee of the
 * stream, and the branch it keeps but never reads holds every byte sent until the request ends (1 GB of RSS for a
 * 1 GB file). A redirect could not resend a stream anyway.
 */
export function multipartInit<Init extends { headers?: Record<string, string>; fetch: (request: Request) => Promise<Response> }>(
  form: MultipartBody,
  init: Init,
) {
  const headers: Record<string, string> = { ...init.headers };
  if (form.contentType) headers['content-type'] = form.contentType;
  if (form.length !== undefined) headers['content-length'] = String(form.length);
  const fetch = async (request: Request): Promise<Response> => {
    const response = await init.fetch(request);
    if (response.ok) form.delivered();
    return response;
  };
  const streamed = form.body instanceof FormData ? {} : { duplex: 'half' as const, redirect: 'error' as const };
  return { ...init, headers, fetch, bodySerializer: () => form.body, ...streamed };
}

/** How long a call aborted after its request went out whole waits for the server's answer, then for the delete of what it made. */
const ANSWER_MS = 1_500;
const DELETE_MS = 1_000;

/** What `settleAbort` needs to know of a call that may leave a file behind. */
export interface Settle<Data> {
  /** The call, for messages (`nebius POST /v1/files`). */
  where: string;
  /** True once the request has gone out whole: from then on the server may act on it whatever the caller does. */
  whole(): boolean;
  /** Where the request had got to when it was cut off (`3.2 MB of 1.1 GB`), for the message. */
  sent?(): string;
  /** The id of the file the answer names. */
  idOf(data: Data): string | undefined;
  /** Deletes that file. */
  remove(id: string, options: RequestOptions): Promise<unknown>;
}

const bytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`;

/** The bytes an upload attempt had sent, of its total, for an abort's message. */
function sentOf(track: UploadTrack, total: number | undefined): () => string {
  return () => `${bytes(track.sent)}${total === undefined ? '' : ` of ${bytes(total)}`}`;
}

/**
 * Runs `run` so that the caller's abort never leaves a file nobody knows of. Before the request has gone out whole,
 * the abort cuts it off at once (a file cut short is no file), and the error says how far it got. After that the server
 * may store the file however the connection ends, so the request goes on for up to 1.5 s: if the server answers with a
 * file, tunekit deletes it (1 s more at most) and the error says so, or names the file it could not delete; if not, the
 * error says the server may have stored it. Either way the call throws `APIUserAbortError`.
 */
export async function settleAbort<Data>(
  options: RequestOptions | undefined,
  settle: Settle<Data>,
  run: (options: RequestOptions | undefined) => Promise<Data>,
): Promise<Data> {
  const caller = options?.signal;
  if (!caller) return run(options);
  const inner = new AbortController();
  const stop = (): void => inner.abort(caller.reason);
  let late = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = (): void => {
    if (!settle.whole()) return stop();
    late = true;
    timer = setTimeout(stop, ANSWER_MS);
  };
  if (caller.aborted) stop();
  else caller.addEventListener('abort', onAbort, { once: true });
  let data: Data;
  try {
    data = await run({ ...options, signal: inner.signal });
  } catch (error) {
    // An abort that did not come through `inner` (no resend after the caller gave up) tells its own story.
    if (!(error instanceof APIUserAbortError) || !inner.signal.aborted) throw error;
    throw new APIUserAbortError(
      late
        ? `${settle.where} was aborted by the caller after the request went out whole, and no answer came within ${ANSWER_MS / 1_000} s: the server may have stored the file (look for it in files.list)`
        : `${settle.where} was aborted by the caller${settle.sent ? ` after ${settle.sent()} were sent` : ''}, before the request went out whole: the server has no file from it`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
    caller.removeEventListener('abort', onAbort);
  }
  if (!late && !caller.aborted) return data;
  // The server answered a request the caller had given up on: what it made is deleted, or named.
  const id = settle.idOf(data);
  if (id === undefined)
    throw new APIUserAbortError(
      `${settle.where} was aborted by the caller after the request went out whole; the server answered without a file id`,
    );
  const removed = await settle.remove(id, { timeoutMs: DELETE_MS, maxRetries: 0 }).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  throw new APIUserAbortError(
    removed === undefined
      ? `${settle.where} was aborted by the caller after the request went out whole; the server had stored the file as ${id}, which tunekit deleted`
      : `${settle.where} was aborted by the caller after the request went out whole; the server stored the file as ${id}, which is still there (deleting it failed: ${removed}): delete it with files.delete("${id}")`,
  );
}

/**
 * One file sent by `core.upload` (re-sent from a fresh body when safe), under `settleAbort`: `send` builds the request
 * from `multipartBody(…, { track })`, and `remove` deletes a file the server made after the caller aborted.
 */
export function sendUpload<Data extends { id: string }>(
  upload: Core<object>['upload'],
  options: RequestOptions | undefined,
  source: UploadSource,
  where: string,
  remove: Settle<Data>['remove'],
  send: (init: CallInit, track: UploadTrack) => Promise<FetchResult<Data>>,
): Promise<Data> {
  const track: UploadTrack = { sent: 0, whole: false };
  const settle: Settle<Data> = { where, whole: () => track.whole, sent: sentOf(track, source.size), idOf: (data) => data.id, remove };
  return settleAbort(options, settle, (settled) =>
    upload(settled, source, (init) => {
      // A resend (the server did nothing: 408, 429, 503, or nothing was sent) never starts once the caller has given up.
      if (options?.signal?.aborted)
        throw new APIUserAbortError(`${where} was aborted by the caller before a resend; the server had not stored the file`);
      return send(init, track);
    }),
  );
}
