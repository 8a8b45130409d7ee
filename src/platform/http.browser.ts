/**
 * The browser and edge build's `http.ts`: `fetch` for every request (uploads go as FormData there, never leased).
 * Same exports as `http.ts`.
 */
export function leaseBody(_body: ReadableStream<Uint8Array>, _accept: () => void): void {}

export function send(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  return fetch(input, init);
}
