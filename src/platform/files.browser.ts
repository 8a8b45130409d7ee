/**
 * The browser and edge build's `files.ts`: no file system. A path is refused with a clear error; pass a `Blob`
 * or `File` (or a stream) instead. Same exports as `files.ts`, checked by the build.
 */
import { ValidationError } from '../core/errors.js';

export const streamingUploads = false;

function refuse(path: string, where: string, field: string): ValidationError {
  const message = `${field} = ${JSON.stringify(path)} is a path, and this runtime has no file system; pass a Blob or File`;
  return ValidationError.of(where, { field, rule: 'a Blob, File or stream (no file system here)', value: path, message });
}

export async function fileSize(path: string, where: string, field = 'file'): Promise<number> {
  throw refuse(path, where, field);
}

export function fileStream(path: string): ReadableStream<Uint8Array> {
  throw refuse(path, 'fileStream', 'path');
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** No file system, and a bundle that does not carry the checker: `check: true` says how to check instead. */
export async function loadDatasetChecker(): Promise<undefined> {
  return undefined;
}
