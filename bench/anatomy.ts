/**
 * Where tunekit's extra client CPU goes: the same CPU method as cpu.ts, on sides that add one
 * ingredient of tunekit's request path at a time to a raw `fetch + res.json()`.
 * Run alone: `npx tsx bench/anatomy.ts` (same BENCH_* env as cpu.ts).
 */
import createClient from 'openapi-fetch';
import type { paths as NebiusPaths } from '../generated/nebius.js';
import { createNebiusClient } from '../src/providers/nebius/client.js';
import { compareOptions, compareSides, formatCpu } from './cpu.js';
import { JOB_ID } from './fixtures.js';
import { startServer } from './server.js';
import { RAW, type Side } from './sides.js';
import { isMain } from './stats.js';

const API_KEY = 'bench-key-not-secret';
const headers = { Authorization: `Bearer ${API_KEY}`, 'User-Agent': 'tunekit/0.1.0' };

async function json(res: Response): Promise<unknown> {
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

/**
 * PROTOTYPE (bench only): the smallest object openapi-fetch needs as its `Request` class, so the one real
 * `Request` is built by `fetch(url, init)` itself instead of twice (openapi-fetch's, then fetch's copy of it).
 */
class LightRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: BodyInit | null;
  readonly signal: AbortSignal | null;
  constructor(url: string, init: RequestInit) {
    this.url = url;
    this.method = init.method ?? 'GET';
    this.headers = new Headers(init.headers);
    this.body = init.body ?? null;
    this.signal = init.signal ?? null;
  }
}

export function anatomySides(url: string): Side[] {
  const target = `${url}/v1/fine_tuning/jobs/${JOB_ID}`;
  const bare = createClient<NebiusPaths>({ baseUrl: url, headers });
  // The cast is the prototype's point: openapi-fetch types `Request` as the DOM class.
  const light = createClient<NebiusPaths>({ baseUrl: url, headers, Request: LightRequest as unknown as typeof Request });
  const nebius = createNebiusClient({ apiKey: API_KEY, baseUrl: url });
  const side = (name: string, call: () => Promise<unknown>): Side => ({ name, baseline: RAW, expectId: JOB_ID, call });
  return [
    { name: RAW, expectId: JOB_ID, call: async () => json(await fetch(target, { headers })) },
    side('+ signal (new AbortController)', async () => json(await fetch(target, { headers, signal: new AbortController().signal }))),
    side('+ signal + setTimeout/clearTimeout', async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 60_000);
      try {
        return await json(await fetch(target, { headers, signal: controller.signal }));
      } finally {
        clearTimeout(timer);
      }
    }),
    side('fetch(new Request(url, init))', async () => json(await fetch(new Request(target, { headers })))),
    side('fetch(new Request(url, init + signal))', async () =>
      json(await fetch(new Request(target, { headers, signal: new AbortController().signal }))),
    ),
    side('+ new URL(request.url)', async () => {
      const request = new Request(target, { headers });
      void new URL(request.url).pathname;
      return json(await fetch(request));
    }),
    side('openapi-fetch GET', async () => {
      const { data, error } = await bare.GET('/v1/fine_tuning/jobs/{job_id}', { params: { path: { job_id: JOB_ID } } });
      if (error !== undefined) throw new Error('error answer');
      return data;
    }),
    side('openapi-fetch GET + signal + fetch wrapper', async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 60_000);
      try {
        const { data, error } = await bare.GET('/v1/fine_tuning/jobs/{job_id}', {
          params: { path: { job_id: JOB_ID } },
          signal: controller.signal,
          fetch: (request: Request) => fetch(request),
        });
        if (error !== undefined) throw new Error('error answer');
        return data;
      } finally {
        clearTimeout(timer);
      }
    }),
    side('openapi-fetch GET, fetch(r.url, init) wrapper', async () => {
      const { data, error } = await bare.GET('/v1/fine_tuning/jobs/{job_id}', {
        params: { path: { job_id: JOB_ID } },
        fetch: (r: Request) => fetch(r.url, { method: r.method, headers: r.headers }),
      });
      if (error !== undefined) throw new Error('error answer');
      return data;
    }),
    side('openapi-fetch GET, LightRequest + signal + timer', async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 60_000);
      try {
        const { data, error } = await light.GET('/v1/fine_tuning/jobs/{job_id}', {
          params: { path: { job_id: JOB_ID } },
          signal: controller.signal,
          fetch: (r: Request) => fetch(r.url, { method: r.method, headers: r.headers, signal: r.signal }),
        });
        if (error !== undefined) throw new Error('error answer');
        return data;
      } finally {
        clearTimeout(timer);
      }
    }),
    side('tunekit Nebius jobs.retrieve', () => nebius.jobs.retrieve(JOB_ID)),
  ];
}

if (isMain(import.meta.url)) {
  const server = await startServer();
  try {
    const options = compareOptions();
    const began = performance.now();
    const rows = await compareSides(anatomySides(server.url), options);
    console.log(`\n${formatCpu({ rows, ...options, seconds: (performance.now() - began) / 1000 })}`);
  } finally {
    await server.close();
  }
}
