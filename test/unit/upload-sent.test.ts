/**
 * What an upload says it has done is what the server got. Progress reaches 100% only once the server has the whole
 * body (not when the last bytes are read from disk), and an abort never leaves a file nobody knows of: cut off
 * before the body went out whole, nothing is stored; after, tunekit waits briefly for the answer and deletes the file
 * it names, or names the file it could not delete. Checked on a real node:http server that reads slowly.
 */
import { open, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIUserAbortError, createNebiusClient, createOpenAIClient, createTogetherClient, type UploadProgress } from '../../src/index.js';

interface Sink {
  url: string;
  /** Upload body bytes the server has read so far, and whether it has read the end. */
  received: number;
  ended: boolean;
  /** Upload bodies (files, parts) the server has read whole and answered. */
  answered: number;
  /** Every request, as `METHOD path`. */
  seen: string[];
  close(): Promise<void>;
}

interface Behaviour {
  /** Pause this long after each piece of an upload's body (a slow reader, so the socket buffers fill). */
  readDelayMs?: number;
  /** Called when the server has read an upload's whole body. */
  onWhole?: () => void;
  /** Wait this long before answering an upload; `Infinity`: never answer. */
  answerDelayMs?: number;
  /** Called when OpenAI's `POST /uploads/{id}/complete` arrives (answered after `answerDelayMs`). */
  onComplete?: () => void;
  /** Status of `DELETE` (default 200). */
  deleteStatus?: number;
}

const FILE_ID = 'file-abc123';
const file = (bytes: number) => ({
  id: FILE_ID,
  object: 'file',
  bytes,
  created_at: 1,
  filename: 'train.jsonl',
  purpose: 'fine-tune',
  status: 'processed',
});

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }).end(text);
}

/** A node:http server on 127.0.0.1 that answers uploads (files, and OpenAI's Uploads API) and deletes. */
async function startSink(behaviour: Behaviour = {}): Promise<Sink> {
  const sockets = new Set<Socket>();
  const sink: Sink = { url: '', received: 0, ended: false, answered: 0, seen: [], close: async () => undefined };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    sink.seen.push(`${req.method} ${path}`);
    if (req.method === 'DELETE') {
      req.resume();
      return send(
        res,
        behaviour.deleteStatus ?? 200,
        behaviour.deleteStatus ? { error: { message: 'no' } } : { id: FILE_ID, object: 'file', deleted: true },
      );
    }
    if (path.endsWith('/uploads'))
      return req.resume().on('end', () =>
        send(res, 200, {
          id: 'upload_1',
          object: 'upload',
          bytes: 1,
          created_at: 1,
          expires_at: 2,
          filename: 'train.jsonl',
          purpose: 'fine-tune',
          status: 'pending',
        }),
      );
    if (path.endsWith('/complete')) {
      return req.resume().on('end', () => {
        behaviour.onComplete?.();
        const completed = {
          id: 'upload_1',
          object: 'upload',
          bytes: 1,
          created_at: 1,
          expires_at: 2,
          filename: 'train.jsonl',
          purpose: 'fine-tune',
          status: 'completed',
          file: file(sink.received),
        };
        setTimeout(() => send(res, 200, completed), behaviour.onComplete ? (behaviour.answerDelayMs ?? 0) : 0);
      });
    }
    if (path.endsWith('/cancel'))
      return req.resume().on('end', () =>
        send(res, 200, {
          id: 'upload_1',
          object: 'upload',
          bytes: 1,
          created_at: 1,
          expires_at: 2,
          filename: 'train.jsonl',
          purpose: 'fine-tune',
          status: 'cancelled',
        }),
      );
    req.on('data', (chunk: Buffer) => {
      sink.received += chunk.length;
      if (behaviour.readDelayMs) {
        req.pause();
        setTimeout(() => req.resume(), behaviour.readDelayMs);
      }
    });
    req.on('end', () => {
      sink.ended = true;
      behaviour.onWhole?.();
      const answer = (): void => {
        sink.answered += 1;
        send(
          res,
          200,
          path.endsWith('/parts') ? { id: 'part_1', object: 'upload.part', created_at: 1, upload_id: 'upload_1' } : file(sink.received),
        );
      };
      const delay = behaviour.answerDelayMs ?? 0;
      if (delay !== Infinity) setTimeout(answer, delay);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sink.close = () =>
    new Promise<void>((done) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => done());
    });
  return sink;
}

type Provider = 'nebius' | 'together' | 'openai';
const PROVIDERS: Provider[] = ['nebius', 'together', 'openai'];
const WHERE: Record<Provider, string> = {
  nebius: 'nebius POST /v1/files',
  together: 'together POST /files/upload',
  openai: 'openai POST /files',
};
const DELETE: Record<Provider, string> = {
  nebius: `DELETE /v1/files/${FILE_ID}`,
  together: `DELETE /files/${FILE_ID}`,
  openai: `DELETE /files/${FILE_ID}`,
};

function upload(
  provider: Provider,
  url: string,
  path: string,
  options: { onProgress?: (p: UploadProgress) => void; multipartThreshold?: number; partSize?: number },
  signal?: AbortSignal,
): Promise<{ id: string }> {
  const client = { apiKey: 'sk-upload-test-key-0000', baseUrl: url, retry: { baseDelayMs: 5 } };
  const request = { signal };
  if (provider === 'nebius') return createNebiusClient(client).files.upload(path, { onProgress: options.onProgress }, request);
  if (provider === 'together') return createTogetherClient(client).files.upload(path, { onProgress: options.onProgress }, request);
  return createOpenAIClient(client).files.upload(path, options, request);
}

let dir = '';
let small = '';
let large = '';
const LARGE = 4 * 2 ** 20;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunekit-upload-sent-'));
  small = join(dir, 'small.jsonl');
  large = join(dir, 'large.jsonl');
  await writeFile(small, '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n'.repeat(1_000));
  const handle = await open(large, 'w');
  await handle.truncate(LARGE);
  await handle.close();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('progress reaches 100% only when the server has every byte', () => {
  it.each(PROVIDERS)(
    '%s: a slow reader; each report is what the connection took, the last one after the server read the end',
    async (provider) => {
      const sink = await startSink({ readDelayMs: 2 });
      try {
        const seen: { loaded: number; ended: boolean }[] = [];
        await upload(provider, sink.url, large, { onProgress: ({ loaded }) => seen.push({ loaded, ended: sink.ended }) });
        const full = seen.filter((report) => report.loaded === LARGE);
        expect(full, 'exactly one report of 100%').toHaveLength(1);
        expect(full[0]?.ended, 'the server had read the whole body when 100% was reported').toBe(true);
        expect(seen.length).toBeGreaterThan(5);
      } finally {
        await sink.close();
      }
    },
  );

  it('openai, Uploads API parts: each part counts in full once the server answered it', async () => {
    const sink = await startSink({ readDelayMs: 2 });
    try {
      const seen: { loaded: number; parts: number }[] = [];
      await upload('openai', sink.url, large, {
        multipartThreshold: 1 << 20,
        partSize: 1 << 20,
        onProgress: ({ loaded }) => seen.push({ loaded, parts: sink.answered }),
      });
      expect(sink.seen.filter((s) => s.endsWith('/parts'))).toHaveLength(4);
      // A part boundary (1, 2, 3, 4 MiB) is reported only when that part's request has been read whole.
      for (let n = 1; n <= 4; n++) {
        const at = seen.find((report) => report.loaded === n * 2 ** 20);
        expect(at, `${n} MiB reported`).toBeDefined();
        expect(at?.parts).toBe(n);
      }
    } finally {
      await sink.close();
    }
  });
});

describe('an abort never leaves a file nobody knows of', () => {
  it.each(PROVIDERS)(
    '%s: cut off before the body went out whole: the error says how far it got, and nothing was stored',
    async (provider) => {
      const sink = await startSink({ readDelayMs: 5 });
      const controller = new AbortController();
      try {
        const error = await upload(
          provider,
          sink.url,
          large,
          { onProgress: ({ loaded }) => loaded >= 2 ** 20 && controller.abort() },
          controller.signal,
        ).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(APIUserAbortError);
        expect((error as Error).message).toMatch(
          new RegExp(
            `^${WHERE[provider]} was aborted by the caller after [\\d,]+ bytes of 4,194,304 bytes were sent, before the request went out whole: the server has no file from it$`,
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(sink.ended).toBe(false);
        expect(sink.seen.filter((s) => s.startsWith('DELETE'))).toEqual([]);
      } finally {
        await sink.close();
      }
    },
  );

  it.each(PROVIDERS)(
    '%s: aborted after the body went out whole: the file the server answered with is deleted, and the error says so',
    async (provider) => {
      const controller = new AbortController();
      const sink = await startSink({ onWhole: () => controller.abort(), answerDelayMs: 100 });
      try {
        const error = await upload(provider, sink.url, small, {}, controller.signal).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(APIUserAbortError);
        expect((error as Error).message).toBe(
          `${WHERE[provider]} was aborted by the caller after the request went out whole; the server had stored the file as ${FILE_ID}, which tunekit deleted`,
        );
        expect(sink.seen.at(-1)).toBe(DELETE[provider]);
      } finally {
        await sink.close();
      }
    },
  );

  it('a delete that fails: the error names the file left on the server, and how to delete it', async () => {
    const controller = new AbortController();
    const sink = await startSink({ onWhole: () => controller.abort(), answerDelayMs: 50, deleteStatus: 500 });
    try {
      const error = await upload('nebius', sink.url, small, {}, controller.signal).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIUserAbortError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^nebius POST /v1/files was aborted by the caller after the request went out whole; the server stored the file as ${FILE_ID}, which is still there \\(deleting it failed: .*500.*\\): delete it with files\\.delete\\("${FILE_ID}"\\)$`,
        ),
      );
      expect(sink.seen.filter((s) => s.startsWith('DELETE'))).toEqual([`DELETE /v1/files/${FILE_ID}`]);
      expect((error as Error).message).not.toContain('sk-upload-test-key');
    } finally {
      await sink.close();
    }
  });

  it('no answer within 1.5 s: the error says the server may have stored the file', async () => {
    const controller = new AbortController();
    const sink = await startSink({ onWhole: () => controller.abort(), answerDelayMs: Infinity });
    try {
      const started = Date.now();
      const error = await upload('together', sink.url, small, {}, controller.signal).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(error).toBeInstanceOf(APIUserAbortError);
      expect((error as Error).message).toBe(
        'together POST /files/upload was aborted by the caller after the request went out whole, and no answer came within 1.5 s: the server may have stored the file (look for it in files.list)',
      );
    } finally {
      await sink.close();
    }
  });

  it('openai, Uploads API: aborted while the complete is answered: the file it made is deleted, and nothing is cancelled', async () => {
    const controller = new AbortController();
    const sink = await startSink({ onComplete: () => controller.abort(), answerDelayMs: 100 });
    try {
      const error = await upload('openai', sink.url, large, { multipartThreshold: 1 << 20, partSize: 2 << 20 }, controller.signal).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(APIUserAbortError);
      expect((error as Error).message).toBe(
        `openai POST /uploads/upload_1/complete was aborted by the caller after the request went out whole; the server had stored the file as ${FILE_ID}, which tunekit deleted`,
      );
      expect(sink.seen.slice(-2)).toEqual(['POST /uploads/upload_1/complete', `DELETE /files/${FILE_ID}`]);
    } finally {
      await sink.close();
    }
  });

  it('openai, Uploads API: an abort during a part cancels the upload, so no file is made, and says so', async () => {
    const sink = await startSink({ readDelayMs: 5 });
    const controller = new AbortController();
    try {
      const error = await upload(
        'openai',
        sink.url,
        large,
        { multipartThreshold: 1 << 20, partSize: 2 << 20, onProgress: ({ loaded }) => loaded >= 2 ** 20 && controller.abort() },
        controller.signal,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIUserAbortError);
      expect((error as Error).message).toBe(
        'openai POST /uploads/upload_1/parts was aborted by the caller; upload upload_1 was not completed (and is cancelled), so no file was made',
      );
      expect(sink.seen.at(-1)).toBe('POST /uploads/upload_1/cancel');
    } finally {
      await sink.close();
    }
  });
});
