import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Handled } from './engine.js';

/** The sandbox's connections right now (to prove a client left nothing behind). */
export interface Connections {
  /** Requests whose answer is neither finished nor abandoned by the client. */
  inFlight: number;
  /** Open sockets that carried a request, once idle keep-alive ones are closed: ones a request still holds. */
  busy: number;
  /** Every open socket. */
  open: number;
}

export interface Listening {
  /** `http://host:port`. */
  origin: string;
  connections(): Connections;
  close(): Promise<void>;
}

/** The incoming request as a web `Request` (its body streamed, aborted when the client goes away). */
function toRequest(req: IncomingMessage, res: ServerResponse, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the client closed the connection'));
  });
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, signal: controller.signal };
  if (hasBody) {
    init.body = new ReadableStream<Uint8Array>({
      start(stream) {
        req.on('data', (chunk: Buffer) => stream.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
        req.on('end', () => stream.close());
        req.on('error', (error) => stream.error(error));
      },
    });
    init.duplex = 'half';
  }
  return new Request(new URL(req.url ?? '/', origin), init);
}

async function* chunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) yield chunk.value;
  } finally {
    reader.releaseLock();
  }
}

/** Serves `handle` on `host:port` (0: a free port) with node:http; `close()` ends every connection. */
export async function listen(handle: (request: Request) => Promise<Handled>, port: number, host: string): Promise<Listening> {
  const sockets = new Set<Socket>();
  /** Sockets that carried a request (a client may open a spare one that never does). */
  const used = new WeakSet<Socket>();
  let inFlight = 0;
  let origin = '';
  const server = createServer((req, res) => {
    used.add(req.socket);
    inFlight++;
    res.once('close', () => {
      inFlight--;
      // The answer did not end (the client went away, or the answer's body broke): reset its socket (Node would keep it half-open).
      if (!res.writableFinished) req.socket.resetAndDestroy();
    });
    void (async () => {
      const handled = await handle(toRequest(req, res, origin));
      if ('reset' in handled) return void req.socket.resetAndDestroy();
      const { response } = handled;
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      res.writeHead(response.status, headers);
      if (!response.body) return void res.end();
      await pipeline(Readable.from(chunks(response.body)), res);
    })().catch(() => {
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"sandbox: the answer could not be sent"}}');
      else req.socket.resetAndDestroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`the sandbox is not listening on a TCP port (${String(address)})`);
  origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    origin,
    connections: () => {
      server.closeIdleConnections();
      return { inFlight, busy: [...sockets].filter((socket) => used.has(socket)).length, open: sockets.size };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      }),
  };
}
