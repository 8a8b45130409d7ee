/**
 * `files.upload` from each kind of source on every provider, over a real socket to the sandbox: a Node stream, a Blob
 * and a web ReadableStream, each read back byte for byte (multi-byte characters included); and a Blob sent again,
 * whole, after a refusal the client retries.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createNebiusClient, createOpenAIClient, createTogetherClient, type Uploadable } from '../../src/index.js';
import { startSandbox } from '../../src/testing.js';
import { jsonl } from '../support/sandbox.js';

type Provider = 'nebius' | 'together' | 'openai';
const PROVIDERS: Provider[] = ['nebius', 'together', 'openai'];
// Non-ASCII on purpose: a source read as text instead of bytes, or cut between chunks, changes the bytes.
const text = `${jsonl(200, 'généré ✓')}\n`;
const bytes = Buffer.from(text);

const sources: [string, () => Uploadable][] = [
  ['a Node stream', () => Readable.from([bytes.subarray(0, 1001), bytes.subarray(1001)])],
  ['a Blob', () => new Blob([bytes])],
  ['a web ReadableStream', () => new Blob([bytes]).stream()],
];

/** The provider's client over a real socket, with `upload` and `content` written once. */
function clientFor(provider: Provider, url: string, maxRetries = 0) {
  const options = { apiKey: `upload-sources-${provider}`, baseUrl: url, maxRetries, retry: { baseDelayMs: 1, maxDelayMs: 5 } };
  const client =
    provider === 'nebius'
      ? createNebiusClient(options)
      : provider === 'together'
        ? createTogetherClient(options)
        : createOpenAIClient(options);
  return {
    upload: async (source: Uploadable): Promise<string> => (await client.files.upload(source, { filename: 'train.jsonl' })).id,
    content: async (id: string): Promise<Buffer> => Buffer.from(await (await client.files.content(id)).arrayBuffer()),
  };
}

describe.each(PROVIDERS)('%s: files.upload from each kind of source', (provider) => {
  it.each(sources)('%s arrives byte for byte', async (_name, make) => {
    await using sandbox = await startSandbox({ provider });
    const client = clientFor(provider, sandbox.url);
    const id = await client.upload(make());
    const stored = await client.content(id);
    expect(stored.length).toBe(bytes.length);
    expect(stored.equals(bytes)).toBe(true);
    const posts = sandbox.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toMatchObject({ file: { filename: 'train.jsonl', bytes: bytes.length } });
  });

  it('a Blob refused once (429) is sent again whole, and stored once', async () => {
    await using sandbox = await startSandbox({ provider });
    const client = clientFor(provider, sandbox.url, 2);
    sandbox.script({ fault: { status: 429, retryAfter: 0 }, match: 'POST' });
    const id = await client.upload(new Blob([bytes]));
    const posts = sandbox.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(posts[1]?.body).toMatchObject({ file: { filename: 'train.jsonl', bytes: bytes.length } });
    expect((await client.content(id)).equals(bytes)).toBe(true);
  });
});
