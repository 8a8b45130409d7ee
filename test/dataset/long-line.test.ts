import { describe, expect, it } from 'vitest';
import { checkDataset } from '../../src/dataset/index.js';

/** A line too long to hold (issue 15 item 8): reported as too long, with the next lines still checked, in flat memory. */

const good = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}';

/** `bytes` of "a" in chunks of `chunk` bytes (one buffer, yielded again and again), then `rest`. */
async function* longLine(bytes: number, chunk: number, rest: string): AsyncGenerator<Uint8Array> {
  const block = new Uint8Array(chunk).fill(0x61);
  for (let sent = 0; sent < bytes; sent += chunk) yield block.subarray(0, Math.min(chunk, bytes - sent));
  yield new TextEncoder().encode(rest);
}

describe('a line longer than maxLineBytes', () => {
  it('is reported as too long (not as bad UTF-8 or JSON), and the lines after it are checked', async () => {
    const report = await checkDataset(longLine(5_000_000, 65_536, `\n${good}\n{"messages": oops\n`), {
      provider: 'nebius',
      maxLineBytes: 1_000_000,
    });
    expect(report.errors.map((e) => [e.line, e.code])).toEqual([
      [1, 'line.too-long'],
      [3, 'line.json'],
    ]);
    expect(report.errors[0]?.message).toBe(
      'the line is 5,000,000 bytes long, more than the 1,000,000 a line may have (maxLineBytes); it was skipped unread: is the file JSON lines, one example per line?',
    );
    expect(report.counts.errors).toBe(2);
  });

  it('is reported so when it arrives in one chunk, and when it is the last line (no newline after it)', async () => {
    const one = await checkDataset(new Blob([`${good}\n${'a'.repeat(3_000)}\n${good}\n`]), { provider: 'together', maxLineBytes: 2_000 });
    expect(one.errors.map((e) => [e.line, e.code])).toEqual([[2, 'line.too-long']]);
    const last = await checkDataset(longLine(3_000, 100, ''), { provider: 'openai', maxLineBytes: 2_000 });
    expect(last.errors.filter((e) => e.line > 0).map((e) => [e.line, e.code])).toEqual([[1, 'line.too-long']]);
    await expect(checkDataset(new Blob([good]), { provider: 'openai', maxLineBytes: 0 })).rejects.toThrow(/maxLineBytes/);
  });

  it('by default: a 600 MB line (past V8\'s longest string) is "too long", in flat memory', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const chunks = longLine(600 * 1_048_576, 4 * 1_048_576, `\n${good}\n`);
    const sampled = (async function* () {
      for await (const chunk of chunks) {
        peak = Math.max(peak, process.memoryUsage().rss);
        yield chunk;
      }
    })();
    const report = await checkDataset(sampled, { provider: 'nebius' });
    expect(report.errors.map((e) => [e.line, e.code])).toEqual([[1, 'line.too-long']]);
    expect(report.errors[0]?.message).toMatch(/^the line is 629,145,600 bytes long, more than the 134,217,728 a line may have/);
    // At most the 128 MiB line buffer (and its copies), never the whole line (main: 2.17 GB for a 512 MB line).
    expect((peak - before) / 1_048_576).toBeLessThan(400);
  }, 60_000);
});
