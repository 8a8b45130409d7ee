/** The upload side of `http.ts`: a leased request body sent over node:http(s), one chunk written before the next is read. */
import type { IncomingMessage } from 'node:http';

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

export async function sendOverHttp(
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
