import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ProviderName = 'nebius' | 'together' | 'openai';
export type Op = 'retrieve' | 'list' | 'create' | 'upload';

/**
 * What the server does to a request:
 * - `reset-before-headers`: TCP reset before any byte of the answer (a create is NOT recorded);
 * - `lost-answer`: the request is carried out (a create or upload IS recorded), then the connection is reset;
 * - `reset-mid-body`: the answer's headers and half its body, then a reset (a create is recorded);
 * - `malformed-json`: 200 with a broken JSON body (a create is recorded);
 * - `html-502`: a proxy's HTML 502 page; `503`: JSON 503 (neither records anything);
 * - `retry-after-seconds` / `-date` / `-ms` / `-huge`: 429 asking for 1 s, an HTTP date ~1 s ahead, 50 ms, 600 s;
 * - `slow-headers`: the answer after 3 s; `trickle-body`: one byte every 100 ms; `never-answer`: silence
 *   (a create is recorded on arrival in all three);
 * - `huge-body`: the right answer padded to 8 MB.
 */
const faults = [
  'reset-before-headers',
  'lost-answer',
  'reset-mid-body',
  'malformed-json',
  'html-502',
  '503',
  'retry-after-seconds',
  'retry-after-date',
  'retry-after-ms',
  'retry-after-huge',
  'slow-headers',
  'trickle-body',
  'never-answer',
  'huge-body',
] as const;
export type Fault = (typeof faults)[number];

/** Apply `fault` to requests of `op`: after `skip` clean ones (default 0), `times` times (default: every time). */
interface FaultRule {
  op: Op;
  fault: Fault;
  times?: number;
  skip?: number;
}

interface Seen {
  op: Op | 'other';
  method: string;
  url: string;
  at: number;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FaultServerOptions {
  /** Nebius only: whether jobs show their `tags` (default true). */
  echoTags?: boolean;
  /** Put the request's Authorization header into every error body and HTML page (a careless server). */
  echoAuthorization?: boolean;
  /** Jobs that exist before the test (default 5; list pages hold 2). */
  seedJobs?: number;
}

export interface FaultServer {
  /** Base URL for the provider's client (`/v1` included where the provider puts it in `servers`). */
  baseUrl: string;
  provider: ProviderName;
  /** Replace the fault script. */
  script(rules: FaultRule[]): void;
  /** Every request received, in order. */
  seen: Seen[];
  /** Jobs, newest first (seeded ones included). */
  jobs: Record<string, unknown>[];
  /** Jobs created by requests during this server's life. */
  created: Record<string, unknown>[];
  /** Files stored by uploads. */
  files: Record<string, unknown>[];
  /** How many requests the script has spoiled so far. */
  applied(): number;
  /** Requests whose answer is neither finished nor abandoned by the client. */
  inFlight(): number;
  /** Sockets that carried a request and are still open once idle keep-alive ones are closed: ones a request still holds. */
  busySockets(): number;
  openSockets(): number;
  close(): Promise<void>;
}

const PAGE = 2;

const routes: Record<ProviderName, { prefix: string; jobs: string; upload: string }> = {
  nebius: { prefix: '', jobs: '/v1/fine_tuning/jobs', upload: '/v1/files' },
  together: { prefix: '/v1', jobs: '/v1/fine-tunes', upload: '/v1/files/upload' },
  openai: { prefix: '/v1', jobs: '/v1/fine_tuning/jobs', upload: '/v1/files' },
};

function opOf(provider: ProviderName, method: string, path: string): Op | 'other' {
  const { jobs, upload } = routes[provider];
  if (method === 'GET' && path === jobs) return 'list';
  if (method === 'POST' && path === jobs) return 'create';
  if (method === 'GET' && path.startsWith(`${jobs}/`) && path.split('/').length === jobs.split('/').length + 1) return 'retrieve';
  if (method === 'POST' && path === upload) return 'upload';
  return 'other';
}

/** The file part of a multipart body: its name and size (enough to tell uploads apart). */
function multipartFile(contentType: string | undefined, body: Buffer): { filename: string; bytes: number } | undefined {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType ?? '')?.[2];
  if (!boundary) return undefined;
  for (const part of body.toString('latin1').split(`--${boundary}`)) {
    const filename = /filename="([^"]*)"/.exec(part)?.[1];
    const start = part.indexOf('\r\n\r\n');
    if (filename !== undefined && start >= 0) return { filename, bytes: part.length - start - 4 - 2 };
  }
  return undefined;
}

function jobFor(provider: ProviderName, n: number, body: Record<string, unknown>, echoTags: boolean): Record<string, unknown> {
  const created = 1_760_000_000 + n;
  const common = { model: body.model ?? 'base-model', training_file: body.training_file ?? 'file-train' };
  if (provider === 'together') {
    const at = new Date(created * 1000).toISOString();
    return { id: `ft-${n}`, status: 'pending', created_at: at, updated_at: at, suffix: body.suffix, ...common };
  }
  const job: Record<string, unknown> = { id: `ftjob-${n}`, object: 'fine_tuning.job', created_at: created, status: 'validating_files', ...common };
  if (provider === 'openai') job.metadata = body.metadata ?? null;
  else if (echoTags) job.tags = body.tags ?? [];
  return job;
}

function fileFor(provider: ProviderName, n: number, file: { filename: string; bytes: number }): Record<string, unknown> {
  const base = { id: `file-${n}`, object: 'file', bytes: file.bytes, created_at: 1_760_000_000 + n, filename: file.filename, purpose: 'fine-tune' };
  return provider === 'together' ? { ...base, Processed: true, FileType: 'jsonl', LineCount: 0 } : { ...base, status: 'processed' };
}

/** A real `node:http` server on 127.0.0.1 speaking one provider's fine-tuning dialect, with scripted faults. */
export async function startFaultServer(provider: ProviderName, options: FaultServerOptions = {}): Promise<FaultServer> {
  const { echoTags = true, echoAuthorization = false, seedJobs = 5 } = options;
  let rules: { rule: FaultRule; seen: number; applied: number }[] = [];
  const seen: Seen[] = [];
  const jobs: Record<string, unknown>[] = [];
  const created: Record<string, unknown>[] = [];
  const files: Record<string, unknown>[] = [];
  let counter = 0;
  for (let i = 0; i < seedJobs; i++) jobs.unshift(jobFor(provider, ++counter, {}, echoTags));
  const sockets = new Set<Socket>();
  /** Sockets that carried a request (undici may open a spare connection that never does). */
  const used = new WeakSet<Socket>();
  let inFlight = 0;

  /** The right answer to a request, with its side effects (creating a job, storing a file). */
  function carryOut(op: Op | 'other', url: URL, body: Buffer, req: IncomingMessage): { status: number; body: Record<string, unknown> } {
    const { jobs: jobsPath } = routes[provider];
    switch (op) {
      case 'retrieve': {
        const id = url.pathname.slice(jobsPath.length + 1);
        const job = jobs.find((j) => j.id === id);
        return job ? { status: 200, body: job } : { status: 404, body: { error: { message: `no job ${id}` } } };
      }
      case 'list': {
        if (provider === 'together') return { status: 200, body: { data: jobs } };
        const after = url.searchParams.get('after');
        const start = after ? jobs.findIndex((j) => j.id === after) + 1 : 0;
        const data = jobs.slice(start, start + PAGE);
        return { status: 200, body: { object: 'list', data, has_more: start + PAGE < jobs.length } };
      }
      case 'create': {
        const parsed: unknown = JSON.parse(body.toString() || '{}');
        const job = jobFor(provider, ++counter, typeof parsed === 'object' && parsed !== null ? { ...parsed } : {}, echoTags);
        jobs.unshift(job);
        created.push(job);
        return { status: 200, body: job };
      }
      case 'upload': {
        const part = multipartFile(req.headers['content-type'], body);
        if (!part) return { status: 400, body: { error: { message: 'no file part' } } };
        const file = fileFor(provider, ++counter, part);
        files.push(file);
        return { status: 200, body: file };
      }
      default:
        return { status: 404, body: { error: { message: 'no such route' } } };
    }
  }

  function faultFor(op: Op | 'other', req: IncomingMessage): Fault | undefined {
    const asked = faults.find((fault) => fault === req.headers['x-fault']);
    if (asked) return asked; // header scripting (child processes)
    const matching = rules.filter((entry) => entry.rule.op === op);
    for (const entry of matching) entry.seen++;
    const entry = matching.find(({ rule, seen, applied }) => seen > (rule.skip ?? 0) && applied < (rule.times ?? Infinity));
    if (entry) entry.applied++;
    return entry?.rule.fault;
  }

  const server = createServer((req, res) => {
    inFlight++;
    let counted = true;
    const done = (): void => {
      if (counted) inFlight--;
      counted = false;
    };
    res.once('close', done);
    const timers: ReturnType<typeof setTimeout>[] = [];
    res.once('close', () => {
      timers.forEach(clearTimeout);
      // The client went away before the answer ended: let its socket go too (Node would keep it half-open).
      if (!res.writableFinished) req.socket.destroy();
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://x');
      const op = opOf(provider, req.method ?? '', url.pathname);
      seen.push({ op, method: req.method ?? '', url: req.url ?? '', at: Date.now(), headers: req.headers, body: op === 'upload' ? `<${body.length} bytes>` : body.toString() });
      const fault = faultFor(op, req);
      const echo = echoAuthorization ? ` (you sent ${req.headers.authorization ?? 'nothing'})` : '';
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
        const text = JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
        res.end(text);
      };
      const sendError = (status: number, message: string, headers: Record<string, string> = {}): void =>
        send(status, { error: { message: `${message}${echo}`, type: 'fault' } }, headers);
      const reset = (): void => {
        req.socket.resetAndDestroy();
      };
      switch (fault) {
        case undefined: {
          const answer = carryOut(op, url, body, req);
          if (answer.status >= 400 && echo) return sendError(answer.status, 'not found');
          return send(answer.status, answer.body);
        }
        case 'reset-before-headers':
          return reset();
        case 'lost-answer':
          carryOut(op, url, body, req);
          return reset();
        case 'reset-mid-body': {
          const text = JSON.stringify(carryOut(op, url, body, req).body);
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
          res.write(text.slice(0, text.length >> 1), () => timers.push(setTimeout(reset, 20)));
          return;
        }
        case 'malformed-json': {
          carryOut(op, url, body, req);
          const text = `{"id": "broken${echo}", "status": `;
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
          return res.end(text);
        }
        case 'html-502': {
          const page = `<html><head><title>502 Bad Gateway${echo}</title></head><body><center>nginx</center></body></html>`;
          res.writeHead(502, { 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(page)) });
          return res.end(page);
        }
        case '503':
          return sendError(503, 'overloaded');
        case 'retry-after-seconds':
          return sendError(429, 'slow down', { 'retry-after': '1' });
        case 'retry-after-date':
          return sendError(429, 'slow down', { 'retry-after': new Date(Date.now() + 1_000).toUTCString() });
        case 'retry-after-ms':
          return sendError(429, 'slow down', { 'retry-after-ms': '50' });
        case 'retry-after-huge':
          return sendError(429, 'come back in ten minutes', { 'retry-after': '600' });
        case 'slow-headers': {
          const answer = carryOut(op, url, body, req);
          timers.push(setTimeout(() => send(answer.status, answer.body), 3_000));
          return;
        }
        case 'trickle-body': {
          const text = JSON.stringify(carryOut(op, url, body, req).body).padEnd(2_000);
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
          let at = 0;
          const drip = (): void => {
            if (at >= text.length) return void res.end();
            res.write(text[at++]);
            timers.push(setTimeout(drip, 100));
          };
          return drip();
        }
        case 'never-answer':
          if (op === 'create' || op === 'upload') carryOut(op, url, body, req);
          return;
        case 'huge-body': {
          const answer = carryOut(op, url, body, req);
          return send(answer.status, { ...answer.body, padding: 'x'.repeat(8 << 20) });
        }
      }
    });
  });
  let closing = false;
  server.on('connection', (socket) => {
    if (closing) return void socket.destroy();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage) => used.add(req.socket));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${routes[provider].prefix}`,
    provider,
    script: (next) => {
      rules = next.map((rule) => ({ rule, seen: 0, applied: 0 }));
    },
    seen,
    jobs,
    created,
    files,
    applied: () => rules.reduce((sum, entry) => sum + entry.applied, 0),
    inFlight: () => inFlight,
    busySockets: () => {
      server.closeIdleConnections();
      return [...sockets].filter((socket) => used.has(socket)).length;
    },
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((done) => {
        closing = true;
        server.close(() => done());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      }),
  };
}
