import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
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
  /** Port to listen on; a free one by default. */
  port?: number;
}

export interface RunningPrism {
  url: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Prism exited (${child.exitCode}) before answering:\n${output()}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`Prism did not answer on ${url} within 60 s:\n${output()}`);
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

/** Start `prism mock` on a port (free by default) and wait until it answers. */
export async function startPrism(options: PrismOptions): Promise<RunningPrism> {
  const port = options.port ?? (await freePort());
  const args = [prismBin, 'mock', '-h', '127.0.0.1', '-p', String(port), resolve(REPO_ROOT, options.document)];
  if (options.dynamic) args.push('-d');
  if (options.errors) args.push('--errors');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(url, child, () => log);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { url, stop: () => stopChild(child) };
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
