import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureSpecs } from './ensure-specs.js';
import { isMain, runCli } from './lib/cli.js';
import { isProviderName, PROVIDERS, REPO_ROOT } from './lib/providers.js';

const require = createRequire(import.meta.url);
const prismBin = require.resolve('@stoplight/prism-cli/dist/index.js');

export interface PrismOptions {
  /** Path of the trimmed document, relative to the repo root (e.g. `openapi/nebius.json`). */
  document: string;
  /** `-d`: generate random responses from the schemas instead of examples. */
  dynamic?: boolean;
  /** `--errors`: answer 500 when Prism's own response breaks the document. */
  errors?: boolean;
  /** Port to listen on; by default one the system picks as Prism binds it (port 0). */
  port?: number;
}

export interface RunningPrism {
  url: string;
  /** The Prism process (to lower its priority, say). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Resolves with the URL Prism prints once it listens (`Prism is listening on http://127.0.0.1:PORT`): with `-p 0` the
 * system picks a free port as Prism binds it, so no other process can take it in between.
 */
export function listeningUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise<string>((ready, fail) => {
    const timer = setTimeout(() => finish(new Error(`Prism did not start listening within 60 s:\n${output()}`)), 60_000);
    const check = (): void => {
      const url = /Prism is listening on (http:\/\/[^\s]+)/.exec(output().replace(/\x1b\[[0-9;]*m/g, ''))?.[1];
      if (url) finish(undefined, url);
    };
    const exited = (code: number | null): void => finish(new Error(`Prism exited (${code}) before listening:\n${output()}`));
    function finish(error: Error | undefined, url?: string): void {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', exited);
      if (error) fail(error);
      else ready(url ?? '');
    }
    child.stdout?.on('data', check);
    child.once('exit', exited);
    check();
  });
}

/** Stops a child process: SIGTERM, then SIGKILL if it is still there 5 s later. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((done) => {
    if (child.exitCode !== null) return done();
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Start `prism mock` on a port (by default one the system picks) and wait until it listens. */
export async function startPrism(options: PrismOptions): Promise<RunningPrism> {
  const args = [prismBin, 'mock', '-h', '127.0.0.1', '-p', String(options.port ?? 0), resolve(REPO_ROOT, options.document)];
  if (options.dynamic) args.push('-d');
  if (options.errors) args.push('--errors');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let url: string;
  try {
    url = await listeningUrl(child, () => log);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { url, pid: child.pid, stop: () => stopChild(child) };
}

const USAGE = `usage: npm run mock -- [PROVIDER] [--port N] [--dynamic] [--errors]

Starts a Prism mock of one provider's trimmed document (stateless: it validates requests and answers from the
document's examples). For a stateful mock with a clock, use the sandbox.
  PROVIDER     nebius (default), together or openai
  --port N     listen on N (default: a free port)
  --dynamic    random answers generated from the schemas instead of the examples
  --errors     answer 500 when Prism's own answer breaks the document`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { port: { type: 'string' }, dynamic: { type: 'boolean', default: false }, errors: { type: 'boolean', default: false } },
  });
  const provider = positionals[0] ?? 'nebius';
  if (!isProviderName(provider)) {
    throw new Error(`unknown provider "${provider}": expected one of ${PROVIDERS.join(', ')}`);
  }
  await ensureSpecs();
  const port = values.port === undefined ? undefined : Number(values.port);
  const prism = await startPrism({ document: `openapi/${provider}.json`, dynamic: values.dynamic, errors: values.errors, port });
  process.stdout.write(`${provider} mock (Prism) listening on ${prism.url} — Ctrl-C to stop\n`);
  const stop = (): void => void prism.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (isMain(import.meta.url)) runCli(main, USAGE);
