/**
 * The benchmark's HTTP server, run as a CHILD process (see `startServer`) so its CPU never counts in the
 * client's `process.cpuUsage()`. Keep-alive `node:http` on 127.0.0.1; answers each provider's retrieve path
 * with that provider's job JSON. Talks to the parent over IPC: `{ port }` when listening; `stats` → counts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { bodyFor } from './fixtures.js';

export interface ServerStats {
  open: number;
  connections: number;
  requests: number;
}

export interface BenchServer {
  url: string;
  child: ChildProcess;
  stats(): Promise<ServerStats>;
  close(): Promise<void>;
}

type ToChild = { type: 'stats'; id: number };
type FromChild = { type: 'listening'; port: number } | { type: 'stats'; id: number; stats: ServerStats };

/** Fork the server and wait until it listens. */
export async function startServer(): Promise<BenchServer> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench server did not start within 20 s')), 20_000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited early (${code})`)));
    child.on('message', (message: FromChild) => {
      if (message.type === 'listening') {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
  });
  let next = 0;
  const stats = (): Promise<ServerStats> =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => reject(new Error('bench server did not answer stats within 5 s')), 5_000);
      const onMessage = (message: FromChild): void => {
        if (message.type === 'stats' && message.id === id) {
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message.stats);
        }
      };
      child.on('message', onMessage);
      child.send({ type: 'stats', id } satisfies ToChild);
    });
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.removeAllListeners('exit');
      child.once('close', () => resolve()); // after 'exit': the IPC channel and process handle are released too
      child.kill('SIGTERM');
    });
  return { url: `http://127.0.0.1:${port}`, child, stats, close };
}

function serve(): void {
  const sockets = new Set<Socket>();
  let connections = 0;
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const path = (req.url ?? '').split('?')[0] ?? '';
    const body = bodyFor(path);
    req.resume();
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"not found"}}');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-request-id': `req-${requests}`,
    });
    res.end(body);
  });
  // Long keep-alive: sockets close because the CLIENT closes them, not because the server timed out.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port } satisfies FromChild);
  });
  process.on('message', (message: ToChild) => {
    if (message.type === 'stats') {
      process.send?.({ type: 'stats', id: message.id, stats: { open: sockets.size, connections, requests } } satisfies FromChild);
    }
  });
  const stop = (): void => {
    for (const socket of sockets) socket.destroy();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop); // the parent died or closed the channel: never linger
}

if (process.argv.includes('--serve')) serve();
