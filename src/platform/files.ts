/**
 * Local files, in one module: the only place tunekit's library code touches `node:fs`. The browser build
 * (scripts/build.ts) swaps this module for `files.browser.ts`, so browser and edge bundles never see `node:` imports.
 */
import { promises } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { DatasetChecker } from '../core/dataset-report.js';
import { ValidationError } from '../core/errors.js';

/** True where a request body can be a stream (`duplex: 'half'`), so uploads stream with progress; browsers send FormData. */
export const streamingUploads = true;

/** A readable regular file's size, or why the path cannot be read, in words. */
async function readable(path: string): Promise<{ size: number } | { why: string }> {
  try {
    const stats = await promises.stat(path);
    if (!stats.isFile()) return { why: stats.isDirectory() ? 'a directory, not a file' : 'not a regular file' };
    await (await promises.open(path, 'r')).close();
    return { size: stats.size };
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    return {
      why:
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EACCES'
            ? 'permission denied'
            : error instanceof Error
              ? error.message
              : String(error),
    };
  }
}

/**
 * The size of a readable regular file; otherwise a `ValidationError` naming the path (field `field`), before
 * anything is sent. `where` (`nebius POST /v1/files`) starts the message.
 */
export async function fileSize(path: string, where: string, field = 'file'): Promise<number> {
  const file = await readable(path);
  if ('why' in file) {
    const message = `${field} = ${JSON.stringify(path)} cannot be read (${file.why}); nothing was sent`;
    throw ValidationError.of(where, { field, rule: 'a readable file', value: path, message });
  }
  return file.size;
}

/**
 * The file's bytes from `start` to `end` (exclusive) as a web stream read from disk in `chunkSize` pieces, one read
 * per pull: memory stays at a chunk or two however fast or slow the reader is (Node's `Readable.toWeb` reads ahead).
 * While `reuse()` is true (its reader is done with each chunk before it reads the next), every read goes into the same
 * buffer: no garbage left for the GC to find. Otherwise each chunk is a buffer of its own, the reader's to keep.
 */
export function fileStream(
  path: string,
  range: { start?: number; end?: number; chunkSize?: number; reuse?: () => boolean } = {},
): ReadableStream<Uint8Array> {
  const { start = 0, end = Infinity, chunkSize = 64 * 1024, reuse } = range;
  let reused: Buffer | undefined;
  let handle: promises.FileHandle | undefined;
  let position = start;
  const close = async (): Promise<void> => {
    const open = handle;
    handle = undefined;
    await open?.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          handle ??= await promises.open(path, 'r');
          const length = Math.min(chunkSize, end - position);
          const { bytesRead, buffer } =
            length > 0
              ? await handle.read(reuse?.() ? (reused ??= Buffer.allocUnsafe(chunkSize)) : Buffer.allocUnsafe(length), 0, length, position)
              : { bytesRead: 0, buffer: Buffer.alloc(0) };
          if (bytesRead === 0) {
            await close();
            controller.close();
            return;
          }
          position += bytesRead;
          controller.enqueue(new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead));
        } catch (error) {
          await close().catch(() => undefined);
          controller.error(error);
        }
      },
      cancel: close,
    },
    { highWaterMark: 0 },
  );
}

/** The last part of a path (`./data/train.jsonl` → `train.jsonl`). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

const isChecker = (module: unknown): module is DatasetChecker =>
  typeof module === 'object' && module !== null && 'assertDataset' in module && typeof module.assertDataset === 'function';

/**
 * The dataset checker (`tunekit/dataset`), loaded on demand from this package's own files by a computed path: a
 * bundler cannot follow it, so client bundles never carry the checker (or its tokenizer tables). The same file is found
 * from the ESM build (`dist/src/chunks/` → `dist/src/dataset/index.js`), the CommonJS build (`.cjs` beside it) and the
 * sources (`.ts`). `undefined` where it cannot be loaded (a bundle without it).
 */
export async function loadDatasetChecker(): Promise<DatasetChecker | undefined> {
  const commonJs = typeof __filename === 'string';
  const here = commonJs ? pathToFileURL(__filename).href : import.meta.url;
  const extension = here.endsWith('.ts') ? '.ts' : commonJs && here.endsWith('.cjs') ? '.cjs' : '.js';
  const target = new URL(`../dataset/index${extension}`, here).href;
  try {
    const module: unknown = await import(/* webpackIgnore: true */ /* @vite-ignore */ target);
    return isChecker(module) ? module : undefined;
  } catch {
    return undefined;
  }
}
