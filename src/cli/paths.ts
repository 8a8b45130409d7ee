import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './exit.js';

/**
 * A file the command will write (`-o`, `--html`), checked before any request: its folder exists, and it is not a
 * folder itself. A usage error that names the flag, the path and what is wrong, instead of a raw ENOENT afterwards.
 */
export function assertWritable(path: string, flag: string): void {
  const folder = dirname(resolve(path));
  const kind = (at: string): 'file' | 'folder' | undefined => {
    try {
      return statSync(at).isDirectory() ? 'folder' : 'file';
    } catch {
      return undefined;
    }
  };
  if (kind(folder) !== 'folder')
    throw new UsageError(`${flag} "${path}": the folder ${folder} does not exist`, 'create it first, or write somewhere else');
  if (kind(path) === 'folder') throw new UsageError(`${flag} "${path}" is a folder: give a file name`);
}
