/**
 * `tunekit files upload` interrupted by Ctrl-C (SIGINT) once the whole file had gone out: the server stored it, so
 * the command deletes the file the server answered with and says so, or names the file it could not delete; exit 130
 * either way, one line (its first word is the other CLI work's to settle), no key. A real node:http server on 127.0.0.1 that sends SIGINT when it has read the body.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CANARY, cliFixture, tunekit } from './support.js';

const fixture = cliFixture();
const FILE_ID = 'file-interrupted42';
let server: Server | undefined;
afterEach(async () => {
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = undefined;
});

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }).end(text);
}

/** A Nebius-shaped server: on reading an upload's whole body it runs `onWhole`, then answers 200 ms later. */
async function nebiusSink(onWhole: () => void, deleteStatus: number): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      if (req.method === 'DELETE')
        return send(res, deleteStatus, deleteStatus === 200 ? { id: FILE_ID, object: 'file', deleted: true } : { detail: 'not now' });
      onWhole();
      setTimeout(
        () => send(res, 200, { id: FILE_ID, object: 'file', bytes, created_at: 1, filename: 'big.jsonl', purpose: 'fine-tune' }),
        200,
      );
    });
  });
  await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('files upload: Ctrl-C after the whole file went out', () => {
  it.each([
    [
      200,
      /^\S+ nebius POST \/v1\/files was aborted by the caller after the request went out whole; the server had stored the file as file-interrupted42, which tunekit deleted$/m,
    ],
    [
      503,
      /^\S+ nebius POST \/v1\/files was aborted by the caller after the request went out whole; the server stored the file as file-interrupted42, which is still there \(deleting it failed: .*\): delete it with files\.delete\("file-interrupted42"\)$/m,
    ],
  ] as const)('delete answered %i: the output says what became of the file, by its id', async (deleteStatus, told) => {
    const path = join(fixture.data.dir, 'big.jsonl');
    await writeFile(path, '{"messages":[]}\n'.repeat(100_000)); // 1.6 MB
    let child: ChildProcess | undefined;
    const sink = await nebiusSink(() => child?.kill('SIGINT'), deleteStatus);
    const run = await tunekit(
      fixture.bin,
      ['files', 'upload', path],
      { TUNEKIT_PROVIDER: 'nebius', NEBIUS_API_KEY: CANARY, NEBIUS_BASE_URL: sink.url },
      (started) => (child = started),
    );
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(told);
    expect(sink.seen.filter((s) => s.startsWith('DELETE'))).toEqual([`DELETE /v1/files/${FILE_ID}`]);
    expect(`${run.stdout}${run.stderr}`).not.toContain(CANARY);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
