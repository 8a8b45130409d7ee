import type { RecordedRequest } from './recorder.js';

/** What the `/_sandbox/` controls drive (the engine). */
export interface Controls {
  health(): Record<string, unknown>;
  advance(ms: number): number;
  /** Throws an `Error` whose message says what is wrong with the script. */
  script(script: unknown): void;
  requests(): readonly RecordedRequest[];
  clearRequests(): void;
  reset(): void;
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' } });

const problem = (status: number, message: string): Response => json(status, { error: { message } });

/** The usage line of each control, for 404s and the health answer. */
export const CONTROL_ROUTES = [
  'GET /_sandbox/health',
  'POST /_sandbox/advance {"ms": N}',
  'POST /_sandbox/script {…a script…}',
  'GET /_sandbox/requests',
  'DELETE /_sandbox/requests',
  'POST /_sandbox/reset',
];

async function bodyOf(request: Request): Promise<{ value: unknown } | { error: string }> {
  const text = await request.text();
  if (!text.trim()) return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: `the body is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** Answers one request under `/_sandbox/`: JSON in, JSON out, a 400 naming the field when the input is wrong. */
export async function handleControl(controls: Controls, request: Request, path: string): Promise<Response> {
  const route = `${request.method} ${path}`;
  switch (route) {
    case 'GET /_sandbox/health':
      return json(200, controls.health());
    case 'GET /_sandbox/requests':
      return json(200, { data: controls.requests() });
    case 'DELETE /_sandbox/requests':
      controls.clearRequests();
      return json(200, { cleared: true });
    case 'POST /_sandbox/reset':
      controls.reset();
      return json(200, { reset: true });
    case 'POST /_sandbox/advance':
    case 'POST /_sandbox/script': {
      const body = await bodyOf(request);
      if ('error' in body) return problem(400, body.error);
      if (route === 'POST /_sandbox/script') {
        try {
          controls.script(body.value);
        } catch (error) {
          return problem(400, error instanceof Error ? error.message : String(error));
        }
        return json(200, { scripted: true });
      }
      const ms = typeof body.value === 'object' && body.value !== null && 'ms' in body.value ? body.value.ms : undefined;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
        return problem(400, `ms = ${JSON.stringify(ms)} must be a number of milliseconds ≥ 0 (send {"ms": 60000})`);
      return json(200, { now: new Date(controls.advance(ms)).toISOString() });
    }
    default:
      return problem(404, `no control ${route}; the controls are: ${CONTROL_ROUTES.join(', ')}`);
  }
}
