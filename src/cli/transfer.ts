import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { bar, percent } from './format.js';
import type { Output } from './output.js';
import { formatBytes } from '../core/format.js';

/** A byte progress bar on stderr for an upload or a download: drawn in place on a terminal, nothing otherwise. */
export interface ByteProgress {
  update(loaded: number, total: number | undefined): void;
  /** Removes the bar (the caller says what happened). */
  end(): void;
}

/** A bar that redraws at most 10 times a second (log-update, loaded only on a terminal). */
export async function byteProgress(out: Output, label: string): Promise<ByteProgress> {
  if (!out.live) return { update: () => undefined, end: () => undefined };
  const { createLogUpdate } = await import('log-update');
  const log = createLogUpdate(out.stderr, { showCursor: false });
  const since = Date.now();
  let last = 0;
  return {
    update(loaded, total) {
      const now = Date.now();
      if (now - last < 100 && loaded !== total) return;
      last = now;
      const fraction = total ? loaded / total : 0;
      const rate = loaded / Math.max(0.001, (now - since) / 1_000);
      log(
        `${label}  ${out.err.cyan(bar(fraction, 24))}  ${formatBytes(loaded)}${total ? ` / ${formatBytes(total)}  ${percent(fraction)}` : ''}  ${formatBytes(rate)}/s`,
      );
    },
    end() {
      log.clear();
      log.done();
    },
  };
}

/** The size a response announces, when it does. */
function announced(response: Response): number | undefined {
  const length = Number(response.headers.get('content-length') ?? '');
  return Number.isFinite(length) && length >= 0 && response.headers.get('content-length') !== null ? length : undefined;
}

/**
 * A response's body into a file (with a byte bar on a terminal) or, with no path, onto stdout as raw bytes
 * (never re-encoded; backpressure respected). Returns the bytes written.
 */
export async function saveBody(out: Output, response: Response, path: string | undefined, label: string): Promise<number> {
  const total = announced(response);
  let written = 0;
  if (path === undefined) {
    if (!response.body) return 0;
    for await (const chunk of response.body) {
      written += chunk.byteLength;
      if (!out.stdout.write(chunk)) await once(out.stdout, 'drain');
    }
    return written;
  }
  const progress = await byteProgress(out, `↓ ${label}`);
  const file = await open(path, 'w');
  try {
    if (response.body) {
      for await (const chunk of response.body) {
        await file.write(chunk);
        written += chunk.byteLength;
        progress.update(written, total);
      }
    }
  } finally {
    progress.end();
    await file.close();
  }
  return written;
}
