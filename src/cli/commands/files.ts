import { existsSync } from 'node:fs';
import type { NeutralFile } from '../../workflow/neutral.js';
import { UsageError } from '../exit.js';
import { showFile, showFiles } from '../show.js';
import { assertWritable } from '../paths.js';
import { byteProgress, saveBody } from '../transfer.js';
import type { AnySession } from '../provider.js';
import { formatBytes } from '../../core/format.js';

/** `tunekit files upload|list|get|content|delete`. */

export async function upload(session: AnySession, [path = '']: string[], options: { check?: boolean; purpose?: string }): Promise<void> {
  if (!existsSync(path)) throw new UsageError(`FILE "${path}" does not exist`);
  const progress = await byteProgress(session.out, `↑ ${path}`);
  let file: NeutralFile;
  try {
    const onProgress = ({ loaded, total }: { loaded: number; total: number | undefined }): void => progress.update(loaded, total);
    const check = options.check === true;
    file = await uploadAs(session, path, { check, onProgress, purpose: options.purpose });
  } finally {
    progress.end();
  }
  if (session.out.json) return session.out.value(file);
  session.out.done(`uploaded ${path} (${formatBytes(file.bytes)}) as ${session.out.err.bold(file.id)}`);
  session.out.data(file.id);
}

/** `files.upload` with the purpose each provider's own type takes (checked by its document's rules on the way). */
async function uploadAs(
  session: AnySession,
  path: string,
  options: { check: boolean; onProgress: (p: { loaded: number; total: number | undefined }) => void; purpose: string | undefined },
): Promise<NeutralFile> {
  const { check, onProgress } = options;
  if (options.purpose === undefined) return session.tuner.files.upload(path, { check, onProgress }, session.request);
  return session.cli.uploadAs(session, path, options.purpose, { check, onProgress });
}

export async function list(session: AnySession, _args: string[], options: { limit?: number }): Promise<void> {
  const files: NeutralFile[] = [];
  for await (const file of session.tuner.files.list(session.request)) {
    files.push(file);
    if (options.limit !== undefined && files.length >= options.limit) break;
  }
  await showFiles(session.out, files);
}

export async function get(session: AnySession, [id = '']: string[]): Promise<void> {
  showFile(session.out, await session.tuner.files.retrieve(id, session.request));
}

export async function content(session: AnySession, [id = '']: string[], options: { output?: string }): Promise<void> {
  if (session.out.json && options.output === undefined) {
    throw new UsageError(
      'files content --json needs -o FILE: with --json, stdout carries only JSON (about the download)',
      'without --json the bytes go to stdout: tunekit files content ID > file.jsonl',
    );
  }
  if (options.output !== undefined) assertWritable(options.output, '-o');
  const response = await session.tuner.client.files.content(id, session.request);
  const bytes = await saveBody(session.out, response, options.output, id);
  if (options.output === undefined) return;
  if (session.out.json) return session.out.value({ id, path: options.output, bytes });
  session.out.done(`saved ${id} to ${options.output} (${formatBytes(bytes)})`);
}

export async function remove(session: AnySession, [id = '']: string[]): Promise<void> {
  await session.tuner.files.delete(id, session.request);
  if (session.out.json) return session.out.value({ id, deleted: true });
  session.out.done(`deleted ${id}`);
}
