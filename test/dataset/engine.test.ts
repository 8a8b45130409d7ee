import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { DuplicateTable } from '../../src/dataset/duplicates.js';
import {
  assertDataset,
  checkDataset,
  DatasetCheckError,
  formatDatasetReport,
  issueCodes,
  type DatasetReport,
} from '../../src/dataset/index.js';
import { chatLine } from '../support/jsonl.js';
import { J, blob, bot, chat, check, filler, pairs, sys, user } from './helpers.js';

const encoder = new TextEncoder();
const lines = [chat(sys(), user('Ünïcode question ✓'), bot('Answer')), '{"broken', chat(user('a'), user('b'), bot())];
const bytes = encoder.encode(`\uFEFF${lines.join('\r\n')}\r\n`);
const shape = (r: DatasetReport): unknown => ({ errors: r.errors, warnings: r.warnings, examples: r.examples, stats: { ...r.stats } });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunekit-dataset-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sources: a path, a Blob, a web stream, a Node stream, an async iterable, in any chunking', () => {
  it('gives the same report for every kind of source', async () => {
    const path = join(dir, 'mixed.jsonl');
    await writeFile(path, bytes);
    const options = { provider: 'together' as const };
    const byPath = await checkDataset(path, options);
    expect(byPath.name).toBe('mixed.jsonl');
    expect(pairs(byPath.errors)).toEqual([
      [2, 'line.json'],
      [3, 'role.repeated'],
    ]);
    expect(pairs(byPath.warnings)).toEqual([[0, 'file.bom']]);
    expect(byPath.stats).toMatchObject({ byteOrderMark: true, lineEndings: 'crlf', lines: 3, bytes: bytes.length });
    const web = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(bytes), c.close()) });
    async function* oneByOne(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    }
    const sources = [new File([bytes], 'mixed.jsonl'), web, Readable.from([Buffer.from(bytes)]), oneByOne()];
    for (const source of sources) {
      const report = await checkDataset(source, { ...options, name: 'mixed.jsonl' });
      expect(shape(report)).toEqual(shape(byPath));
    }
  });

  it('splits lines across every chunk boundary the same way (random chunkings)', async () => {
    const many = [...Array.from({ length: 40 }, (_, i) => chatLine(i, 50 + i * 13)), '', '{"x":', J({ text: 'é' })];
    const all = encoder.encode(many.join('\n'));
    const reference = await checkDataset(new Blob([all]), { provider: 'together' });
    expect(pairs(reference.errors)).toEqual([
      [41, 'line.blank'],
      [42, 'line.json'],
      [43, 'format.mixed'],
    ]);
    let seed = 7;
    for (let round = 0; round < 20; round++) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < all.length;) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const size = 1 + (seed % 97);
        chunks.push(all.slice(at, at + size));
        at += size;
      }
      expect(shape(await checkDataset(Readable.from(chunks), { provider: 'together' }))).toEqual(shape(reference));
    }
  });

  it('reads a file with no final newline, a lone BOM, and a path that does not exist', async () => {
    expect((await checkDataset(new Blob([chat(user(), bot())]), { provider: 'nebius' })).examples).toBe(1);
    expect(pairs((await checkDataset(new Blob([Uint8Array.of(0xef, 0xbb, 0xbf)]), { provider: 'nebius' })).errors)).toEqual([
      [0, 'file.empty'],
    ]);
    await expect(checkDataset(join(dir, 'missing.jsonl'), { provider: 'nebius' })).rejects.toThrow(
      /source = ".*missing\.jsonl" cannot be read \(no such file\)/,
    );
  });

  it('stops on abort and reports progress', async () => {
    const progress: number[] = [];
    await checkDataset(Readable.from([encoder.encode(`${filler(1)}\n`), encoder.encode(`${filler(2)}\n`)]), {
      provider: 'nebius',
      onProgress: (p) => progress.push(p.lines),
    });
    expect(progress).toEqual([1, 2]);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(checkDataset(blob([filler(1)]), { provider: 'nebius', signal: controller.signal })).rejects.toThrow('stop');
  });
});

describe('options are checked before anything is read', () => {
  it.each([
    [{ provider: 'vertex' }, /provider = "vertex" is not one of nebius, together, openai, azure/],
    [{ provider: 'openai', format: 'pretokenized' }, /format = "pretokenized" is not a openai format \(chat, preference\)/],
    [{ provider: 'nebius', epochs: 0 }, /epochs = 0 is not an integer ≥ 1/],
    [{ provider: 'nebius', contextLength: 1.5 }, /contextLength = 1.5/],
    [{ provider: 'nebius', tokenizer: 'llama' }, /tokenizer = "llama"/],
    [{ provider: 'together', purpose: 'train' }, /purpose = "train" is not fine-tune or eval/],
  ])('%o', async (options, message) => {
    const error = await checkDataset(blob([filler(1)]), options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(String(error)).toMatch(message);
  });
});

describe('statistics', () => {
  it("counts OpenAI tokens exactly with the model's tokenizer, as OpenAI's counting does", async () => {
    const examples = Array.from({ length: 10 }, (_, i) => ({
      messages: [sys('You are terse.'), { ...user(`How far is star number ${i}?`), name: 'ada' }, bot(`About ${i * 4.2} light years.`)],
    }));
    const report = await check(examples.map(J), { provider: 'openai', model: 'gpt-4o-mini-2024-07-18', epochs: 3 });
    expect(report.ok).toBe(true);
    const expected = examples.map((e) =>
      e.messages.reduce((n, m) => n + 3 + countTokens(String(m.content)) + ('name' in m ? 1 + countTokens(String(m.name)) : 0), 3),
    );
    const total = expected.reduce((a, b) => a + b, 0);
    expect(report.stats.tokens).toMatchObject({
      method: 'exact',
      tokenizer: 'o200k_base',
      total,
      min: Math.min(...expected),
      max: Math.max(...expected),
    });
    expect(report.stats.contextLength).toBe(65_536);
    expect(report.stats.billedTokens).toEqual({ perEpoch: total, epochs: 3, total: total * 3, method: 'exact' });
    expect(report.stats.messages).toEqual({ total: 30, min: 3, mean: 3, max: 3 });
    expect(report.stats.longest[0]?.tokens).toBe(Math.max(...expected));
  });

  it('labels estimates, reports truncation against the context length, and bills truncated examples at that length', async () => {
    const long = chat(user('x'.repeat(400)), bot('y'.repeat(400)));
    const report = await check([chat(user('hi'), bot('hello')), long], { provider: 'nebius', contextLength: 100, epochs: 2 });
    expect(report.stats.tokens).toMatchObject({ method: 'estimate', tokenizer: 'characters ÷ 4' });
    expect(pairs(report.warnings)).toEqual([[2, 'example.too-long']]);
    expect(report.warnings[0]?.message).toMatch(/has 2\d\d tokens \(estimated\), more than the context length 100: it will be truncated/);
    const [short, longest] = [report.stats.longest[1]?.tokens ?? 0, report.stats.longest[0]?.tokens ?? 0];
    expect(report.stats.truncated).toEqual({ examples: 1, tokensCut: longest - 100 });
    expect(report.stats.billedTokens).toEqual({ perEpoch: short + 100, epochs: 2, total: (short + 100) * 2, method: 'estimate' });
    expect(report.ok).toBe(true);
  });

  it('uses the provider defaults (Nebius: 3 epochs, 8,192 tokens) and leaves OpenAI\'s "auto" epochs open', async () => {
    const nebius = await check([filler(1)], { provider: 'nebius' });
    expect(nebius.stats.billedTokens.epochs).toBe(3);
    expect(nebius.stats.contextLength).toBe(8192);
    const openai = await check(
      Array.from({ length: 10 }, (_, i) => filler(i)),
      { provider: 'openai', model: 'gpt-4.1-mini-2025-04-14' },
    );
    expect(openai.stats.billedTokens.total).toBeUndefined();
    expect(openai.stats.tokens.method).toBe('exact');
    const counted = await check([filler(1)], {
      provider: 'nebius',
      tokenizer: { name: 'words', exact: true, count: (t) => t.split(/\s+/).filter(Boolean).length },
    });
    expect(counted.stats.tokens).toMatchObject({ method: 'exact', tokenizer: 'words', total: 3 + 3 + 3 * 2 + 3 });
  });

  it('pretokenized examples count their token_ids exactly', async () => {
    const report = await check([J({ token_ids: [1, 2, 3] }), J({ token_ids: [4, 5], labels: [-100, 5] })], { provider: 'nebius' });
    expect(report.stats.tokens).toMatchObject({ method: 'exact', tokenizer: 'token_ids', total: 5 });
  });

  it('keeps the first 1,000 issues of each kind, counts all of them, by code too', async () => {
    const bad = Array.from({ length: 1500 }, (_, i) => chat(user(`q${i}`), user('again'), bot()));
    const report = await check(bad, { provider: 'together', maxIssues: 1000 });
    expect(report.errors).toHaveLength(1000);
    expect(report.counts.errors).toBe(1500);
    expect(report.counts.byCode).toEqual({ 'role.repeated': 1500 });
    expect(report.errors.at(-1)?.line).toBe(1000);
  });

  it('finds duplicates, and says so when it stops remembering new examples', async () => {
    const report = await check([filler(1), filler(2), filler(3), filler(1), filler(3)], { provider: 'nebius', maxTrackedExamples: 2 });
    expect(pairs(report.warnings)).toEqual([
      [0, 'duplicates.limit'],
      [4, 'example.duplicate'],
    ]);
    expect(report.warnings[1]?.message).toBe('the example is the same as line 1');
    expect(report.stats.duplicates).toEqual({ examples: 1, tracked: 2, complete: false });
  });

  it('the duplicate fingerprint has no false match among 300,000 near-identical lines', () => {
    const table = new DuplicateTable(1 << 20);
    let matches = 0;
    for (let n = 0; n < 300_000; n++) {
      // Lines differing in one digit, at shifting offsets (odd and even 4-byte words alike).
      const line = encoder.encode(`${'x'.repeat(n % 11)}{"text":"${n}"}`);
      if (table.seen(new DataView(line.buffer), 0, line.length, n + 1) > 0) matches++;
    }
    expect(matches).toBe(0);
  });
});

describe('the human-readable report and the upload hook', () => {
  it('formats a report: verdict, problems with lines and codes, statistics', async () => {
    const report = await check([chat(user(), user(), bot()), '{"x"', chat(user('q'), bot('a', { weight: 0 }))], {
      provider: 'together',
      epochs: 2,
    });
    const text = formatDatasetReport(report);
    expect(text).toContain('train.jsonl: FAILED for together · conversation format · 3 examples · 2 errors, 0 warnings');
    expect(text).toMatch(/line 1 {2}role\.repeated +messages\[1\]\.role = "user" repeats the role/);
    expect(text).toMatch(/line 2 {2}line\.json/);
    expect(text).toMatch(/tokens \(estimate, characters ÷ 4, plus each message's framing\)/);
    expect(text).toMatch(/billed tokens +\d+ = \d+ × 2 epochs \(estimate\)/);
    expect(text).toMatch(/weight 0 +1 assistant messages not trained on/);
  });

  it('assertDataset returns the report when it passes and throws DatasetCheckError (with the report) when not', async () => {
    expect((await assertDataset(blob([filler(1)]), { provider: 'nebius' })).ok).toBe(true);
    const error = await assertDataset(blob([filler(1), '[]'], '\n'), {
      provider: 'nebius',
      name: 'train.jsonl',
      where: 'nebius files.upload',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetCheckError);
    const failure = error as DatasetCheckError;
    expect(failure.message).toBe(
      'nebius files.upload: train.jsonl failed the nebius dataset check with 1 error: line 2: the line is a JSON array, not an object: each line must be one example object [line.not-object]',
    );
    expect(failure.report.counts.errors).toBe(1);
  });

  it('every code the engine reports is documented', async () => {
    const report = await check(['[]', '', '{"x"', J({ messages: [] })], { provider: 'together' });
    for (const code of Object.keys(report.counts.byCode)) expect(issueCodes).toHaveProperty([code]);
  });
});
