import { mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bodies above this size are kept on disk, not in memory. */
const IN_MEMORY = 8 << 20;

/**
 * Where uploaded bytes live: small ones in memory, big ones in a temporary folder (as disk-backed Blobs, so
 * joining upload parts copies nothing). `clear()` deletes the folder.
 */
export class Spool {
  private dir: string | undefined;
  private count = 0;

  async keep(blob: Blob): Promise<Blob> {
    if (blob.size <= IN_MEMORY) return blob;
    this.dir ??= mkdtempSync(join(tmpdir(), 'tunekit-sandbox-'));
    const path = join(this.dir, String(++this.count));
    const file = await open(path, 'w');
    try {
      const reader = blob.stream().getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) await file.write(chunk.value);
    } finally {
      await file.close();
    }
    return openAsBlob(path);
  }

  clear(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
