/**
 * Each provider's upload limit (`file.too-large`) at its boundary, and the role rules (`role.first`,
 * `role.repeated`) on the provider that has them (Together) and not on the others.
 */
import { describe, expect, it } from 'vitest';
import { checkDataset } from '../../src/dataset/index.js';
import { bot, chat, check, filler, pairs, sys, user } from './helpers.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
// Nebius writes "50GB"; its profile reads that as 50 × 2^30 bytes.
const LIMITS = { nebius: 50 * GiB, together: 100 * GiB, openai: 512 * MiB } as const;

/** A Blob that says it has `size` bytes (the size check reads `size` before any byte). */
const sized = (size: number, text: string): Blob =>
  new (class extends Blob {
    override get size(): number {
      return size;
    }
  })([text]);

/** Enough distinct good chat lines for every provider's minimum. */
const goodLines = Array.from({ length: 12 }, (_, i) => `${chat(user(`q${i}: ${filler(3)}`), bot(`a${i}`))}\n`).join('');

describe.each(Object.entries(LIMITS))('%s: file.too-large at the upload limit', (provider, limit) => {
  it(`a file one byte over ${limit} bytes is an error that names ${provider}; one at the limit is not`, async () => {
    const over = await checkDataset(sized(limit + 1, goodLines), { provider: provider as keyof typeof LIMITS, name: 'big.jsonl' });
    expect(pairs(over.errors)).toEqual([[0, 'file.too-large']]);
    expect(over.errors[0]?.message).toContain(`${provider} accepts at most`);
    expect(over.ok).toBe(false);
    const at = await checkDataset(sized(limit, goodLines), { provider: provider as keyof typeof LIMITS, name: 'big.jsonl' });
    expect(pairs(at.errors)).toEqual([]);
  });
});

describe('role rules: Together has role.first and role.repeated; Nebius and OpenAI do not', () => {
  const cases = [
    ['starts with the assistant', [chat(bot('Hello'), user(), bot())], 'role.first'],
    ['two user messages in a row', [chat(user('a'), user('b'), bot())], 'role.repeated'],
    ['two assistant messages in a row', [chat(sys(), user(), bot('a'), bot('b'))], 'role.repeated'],
  ] as const;

  it.each(cases)('together: %s is %s on line 1', async (_name, lines, code) => {
    const report = await check([...lines, ...padding()], { provider: 'together' });
    expect(pairs(report.errors)).toEqual([[1, code]]);
  });

  it.each(cases)('openai and nebius: %s breaks no role rule', async (_name, lines, code) => {
    for (const provider of ['openai', 'nebius'] as const) {
      const report = await check([...lines, ...padding()], { provider });
      expect(
        report.errors.map((e) => e.code),
        provider,
      ).not.toContain(code);
      expect(
        report.warnings.map((e) => e.code),
        provider,
      ).not.toContain(code);
    }
  });
});

/** Good lines after the case, so that no provider's minimum number of examples is in the way. */
function padding(): string[] {
  return Array.from({ length: 12 }, (_, i) => chat(user(`pad ${i}`), bot(`ok ${i}`)));
}
