/**
 * Local files, in one module: the only place tunekit's library code touches `node:fs`. The browser build
 * (scripts/build.ts) swaps this module for `files.browser.ts`, so browser and edge bundles never see `node:` imports.
 */
import { createReadStream, openAsBlob, promises } from 'node:fs';
import { Readable } from 'node:stream';
import { ValidationError } from '../core/errors.js';

/** True where paths can be read (Node, Bun, Deno); the browser build says false. */
export const canReadPaths = true;

/** True where a request body can be a stream (`duplex: 'half'`), so uploads stream with progress; browsers send FormData. */
export const streamingUploads = true;

/** Why a path cannot be read, in words, or `undefined` when it is a readable regular file. */
async function unreadable(path: string): Promise<string | undefined> {
  try {
    const stats = await promises.stat(path);
    if (!stats.isFile()) return stats.isDirectory() ? 'a directory, not a file' : 'not a regular file';
    await (await promises.open(path, 'r')).close();
    return undefined;
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
  }
}

/**
 * The size of a readable regular file; otherwise a `ValidationError` naming the path (field `field`), before
 * anything is sent. `where` (`nebius POST /v1/files`) starts the message.
 */
export async function fileSize(path: string, where: string, field = 'file'): Promise<number> {
  const why = await unreadable(path);
  if (why !== undefined) {
    const message = `${field} = ${JSON.stringify(path)} cannot be read (${why}); nothing was sent`;
    throw new ValidationError(`${where}: ${message}`, [{ field, rule: 'a readable file', value: path, message }]);
  }
  return (await promises.stat(path)).size;
}

/** A Blob backed by the file on disk (read when sent, again on a retry), after `fileSize`'s checks. */
export async function fileBlob(path: string, where: string, field = 'file'): Promise<Blob> {
  await fileSize(path, where, field);
  return openAsBlob(path);
}

/** The file's bytes from `start` to `end` (exclusive) as a web stream read from disk in `chunkSize` pieces. */
export function fileStream(path: string, range: { start?: number; end?: number; chunkSize?: number } = {}): ReadableStream<Uint8Array> {
  const { start = 0, end, chunkSize = 64 * 1024 } = range;
  const stream = createReadStream(path, { start, end: end === undefined ? undefined : end - 1, highWaterMark: chunkSize });
  return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
}

/** The last part of a path (`./data/train.jsonl` → `train.jsonl`). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
