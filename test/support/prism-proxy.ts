import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { listeningUrl, stopChild } from '../../scripts/mock.js';
import { REPO_ROOT } from '../../scripts/lib/providers.js';

const prismBin = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');

export interface PrismProxy {
  /** Prism's own URL: it serves the document's paths at its root (no `/v1`). */
  url: string;
  /** Every error Prism logged (from `since`, a `mark()`): response violations (`Violation: …`) and requests it ended with an error (its 500s). */
  violations(since?: number): string[];
  /** Where the log is now, for `violations(since)`. */
  mark(): number;
  stop(): Promise<void>;
}

/**
 * `prism proxy <document> <upstream> --errors`: every request is checked against the trimmed document, forwarded to
 * `upstream`, and every answer checked too. A response that breaks the document comes back as Prism's 500
 * `VIOLATIONS`; warnings (an undocumented error status) are only logged. Resolves once Prism says it is listening.
 */
export async function startPrismProxy(document: string, upstream: string): Promise<PrismProxy> {
  const args = [prismBin, 'proxy', resolve(REPO_ROOT, document), upstream, '--errors', '-h', '127.0.0.1', '-p', '0'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const collect = (chunk: Buffer): void => {
    log += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  // Prism binds port 0 and prints the port it got: no other process can take it in between.
  const url = await listeningUrl(child, () => log.slice(-4_000)).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    url,
    // Prism colours its log; the violation lines are kept without escape codes.
    mark: () => log.length,
    violations: (since = 0) =>
      log
        .slice(since)
        .replace(/\x1b\[[0-9;]*m/g, '')
        .split('\n')
        .filter((line) => /✖\s+error/.test(line) && /Violation:|Request terminated with error/.test(line)),
    stop: () => stopChild(child),
  };
}
