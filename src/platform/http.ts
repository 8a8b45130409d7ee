/**
 * The network seam's Node side. `send` is `fetch`, except for a request body registered with `leaseBody` (a file an
 * upload streams from its path), which goes over node:http(s) while `globalThis.fetch` is still Node's own (not
 * replaced by a test's interceptor). node:http says when it has written each chunk, so such a body is read into one
 * buffer again and again. fetch gives no such signal, so every 64 KiB chunk it sends is a fresh buffer that only a
 * full GC frees, and V8 runs one only once its external memory has grown by about 64 MB: a 1 GB upload's RSS grew by
 * 45-75 MB (Node 20 and 26) that way, and by 10-15 MB this way. The browser build swaps this module for
 * `http.browser.ts`.
 */
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
  // Most requests carry no leased body: they go to fetch before anything else is looked at.
  if (!body || !accept || globalThis.fetch !== nodeFetch || !/^https?:/.test(request.url)) return fetch(request, init);
  leases.delete(body);
  // node:http and the loop that feeds it load with the first upload that takes this way.
  return import('./http-upload.js').then(({ sendOverHttp }) => sendOverHttp(request, body, accept, init?.signal ?? request.signal));
}
