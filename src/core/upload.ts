import { baseName, fileBlob } from '../platform/files.js';

/**
 * What `files.upload` accepts: a file path (streamed from disk), a `Blob`/`File`,
 * or a stream of bytes (web `ReadableStream` or Node `Readable`; read into memory so a retry can resend it).
 */
export type Uploadable = string | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** Options of `files.upload`. */
export interface UploadOptions {
  /** Name sent with the file; defaults to the path's base name, the `File`'s name, or `data.jsonl`. */
  filename?: string;
}

export interface NamedBlob {
  blob: Blob;
  filename: string;
}

/** Any `Uploadable` as a replayable Blob; paths stay on disk until sent. `where` (`nebius POST /v1/files`) names the call in errors. */
export async function toNamedBlob(input: Uploadable, filename: string | undefined, where = 'files.upload'): Promise<NamedBlob> {
  if (typeof input === 'string') return { blob: await fileBlob(input, where), filename: filename ?? baseName(input) };
  if (input instanceof Blob) {
    return { blob: input, filename: filename ?? ('name' in input && typeof input.name === 'string' ? input.name : 'data.jsonl') };
  }
  const path = 'path' in input && typeof input.path === 'string' ? input.path : undefined;
  if (path !== undefined) return toNamedBlob(path, filename);
  const stream = input instanceof ReadableStream ? input : new ReadableStream<Uint8Array>({
    async start(controller) {
      for await (const chunk of input) controller.enqueue(chunk);
      controller.close();
    },
  });
  return { blob: await new Response(stream).blob(), filename: filename ?? 'data.jsonl' };
}

/** A body serializer for `multipart/form-data` operations: every field as a form part. */
export function formData(fields: Record<string, unknown>, filename: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof Blob) form.append(name, value, filename);
    else if (value !== undefined && value !== null) form.append(name, String(value));
  }
  return form;
}
