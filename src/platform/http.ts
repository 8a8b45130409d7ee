/**
 * The network seam's Node side. `send` is `fetch`, except for a request body registered with `leaseBody` (a file an
 * upload streams from its path), which goes over node:http(s) while `globalThis.fetch` is still Node's own (not
 * replaced by a test's interceptor). node:http says when it has written each chunk, so such a body is read into one
 * buffer again and again. fetch gives no such signal, so every 64 KiB chunk it sends is a fresh buffer that only a
 * full GC frees, and V8 runs one only once its external memory has grown by about 64 MB: a 1 GB upload's RSS grew by
 * 45-75 MB (Node 20 and 26) that way, and by 10-15 MB this way. The browser build swaps this module for
 * `http.browser.ts`.
 */
import type { IncomingMessage } from 'node:http';

const nodeFetch = globalThis.fetch;
/** Request bodies that read into one buffer once their reader is done with each chunk before it reads the next. */
const leases = new WeakMap<ReadableStream<Uint8Array>, () => void>();

/**
 * Offers `body` to `send`: if it sends it over node:http, it calls `accept` first, and from then on reads `body` one
 * chunk at a time, each only once the previous one is written (so the body's source may reuse its buffer).
 */
export function leaseBody(body: ReadableStream<Uint8Array>, accept: () => void): void {
  leases.set(body, accept);
}

/** `fetch(request, init)`, with a leased body sent over node:http(s) (see the module's comment). */
export function send(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  if (!(input instanceof Request) || init?.body !== undefined) return fetch(input, init);
  const request = input;
  const body = request.body;
  const accept = body ? leases.get(body) : undefined;
  const { protocol } = new URL(request.url);
  if (!body || !accept || globalThis.fetch !== nodeFetch || (protocol !== 'http:' && protocol !== 'https:')) return fetch(request, init);
  leases.delete(body);
  return sendOverHttp(request, body, accept, init?.signal ?? request.signal);
}

/** How fetch reports a failed exchange (a `TypeError` whose cause says why), so callers read both the same way. */
const failed = (cause: unknown): TypeError => new TypeError('fetch failed', { cause });

/** A redirect status, which an upload cannot follow (its stream is spent): fetch's `redirect: 'error'`. */
const isRedirect = (status: number): boolean => [301, 302, 303, 307, 308].includes(status);

function headersOf(message: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined) headers.append(name, one);
  }
  return headers;
}

async function sendOverHttp(
  request: Request,
  body: ReadableStream<Uint8Array>,
  accept: () => void,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const url = new URL(request.url);
  const [{ request: open }, { Readable }] = await Promise.all([
    url.protocol === 'https:' ? import('node:https') : import('node:http'),
    import('node:stream'),
  ]);
  signal?.throwIfAborted();
  accept();
  const reader = body.getReader();
  return new Promise<Response>((resolve, reject) => {
    const outgoing = open(url, { method: request.method, headers: Object.fromEntries(request.headers) });
    const abort = (): void => {
      outgoing.destroy(signal?.reason instanceof Error ? signal.reason : failed(signal?.reason));
    };
    signal?.addEventListener('abort', abort, { once: true });
    outgoing.once('close', () => signal?.removeEventListener('abort', abort));
    outgoing.on('error', (error) => {
      reject(failed(error));
      reader.cancel(error).catch(() => undefined);
    });
    let answered = false;
    outgoing.on('response', (incoming) => {
      answered = true;
      const status = incoming.statusCode ?? 0;
      if (isRedirect(status)) {
        incoming.resume();
        outgoing.destroy(new Error(`unexpected redirect (${status} to ${incoming.headers.location ?? 'nowhere'})`));
        return;
      }
      const empty = status === 204 || status === 205 || status === 304 || request.method === 'HEAD';
      const stream = empty ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>);
      resolve(new Response(stream, { status, statusText: incoming.statusMessage ?? '', headers: headersOf(incoming) }));
    });
    /** Resolves once `chunk` is written to the connection (its buffer is free again); rejects if the request ends first. */
    const write = (chunk: Uint8Array): Promise<void> =>
      new Promise((written, cut) => {
        const closed = (): void => cut(new Error('the connection closed before the request body was sent'));
        outgoing.once('close', closed);
        outgoing.write(chunk, (error) => {
          outgoing.off('close', closed);
          if (error) cut(error);
          else written();
        });
      });
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          await write(value);
        }
        outgoing.end();
      } catch (error) {
        // After an answer (a server may answer before it has read the whole body), the answer stands.
        if (!answered && !outgoing.destroyed) outgoing.destroy(error instanceof Error ? error : new Error(String(error)));
        reader.cancel(error).catch(() => undefined);
      }
    })();
  });
}
