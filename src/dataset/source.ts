/**
 * Opens what `checkDataset` reads as chunks of bytes. Paths go through `platform/files.ts` (the one module
 * that touches `node:fs`; the browser build refuses paths there), so this file has no `node:` import.
 */
import { baseName, fileSize, fileStream } from '../platform/files.js';
import type { DatasetSource } from '../core/dataset-report.js';

export interface OpenedSource {
  chunks: AsyncIterable<Uint8Array>;
  /** Known up front for a path or a Blob. */
  size: number | undefined;
  name: string | undefined;
}

/** Read size for files: 64 KiB reads keep RSS flat (1 MiB reads fragment the allocator) at the same speed. */
const CHUNK = 1 << 16;

export async function openSource(source: DatasetSource, name: string | undefined): Promise<OpenedSource> {
  if (typeof source === 'string') {
    const size = await fileSize(source, 'checkDataset', 'source');
    return { chunks: readAll(fileStream(source, { chunkSize: CHUNK })), size, name: name ?? baseName(source) };
  }
  if (source instanceof Blob) {
    const fileName = 'name' in source && typeof source.name === 'string' ? source.name : undefined;
    return { chunks: readAll(source.stream()), size: source.size, name: name ?? fileName };
  }
  if (source instanceof ReadableStream) return { chunks: readAll(source), size: undefined, name };
  const path = 'path' in source && typeof source.path === 'string' ? source.path : undefined;
  return { chunks: source, size: undefined, name: name ?? (path === undefined ? undefined : baseName(path)) };
}

/** The source's file name, when it has one (a path's, a `File`'s, a Node file stream's). */
export function sourceName(source: DatasetSource): string | undefined {
  if (typeof source === 'string') return baseName(source);
  if (source instanceof Blob) return 'name' in source && typeof source.name === 'string' ? source.name : undefined;
  if (source instanceof ReadableStream) return undefined;
  return 'path' in source && typeof source.path === 'string' ? baseName(source.path) : undefined;
}

/** A web stream as an async iterable (Safari's streams are not iterable), released on early exit. */
async function* readAll(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
