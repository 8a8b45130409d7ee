/**
 * Writes large, valid chat-format JSONL files quickly (for the dataset memory test and bench/dataset.ts):
 * every line distinct, about `lineBytes` long; one line in eight has accented (non-ASCII) words, like English
 * text with the odd name or quote in it.
 */
import { open } from 'node:fs/promises';

const WORDS =
  'the model learns from each example how to answer a question about data files tokens epochs and context while the user asks for a short clear reply with numbers like 42 or 3.14'.split(
    ' ',
  );
const ACCENTED = ['café', 'naïve', 'Zürich', 'señor'];

/**
 * A sentence depends on `seed` only through `seed % WORDS.length` (the word it starts at) and `seed % 32` (whether
 * it ends with an accented word, and which): it repeats with this period, so each one is made and JSON-escaped once.
 * Writing 1 GiB otherwise made and escaped the same 2,000 sentences a million times each (most of its 14 s of CPU).
 */
const PERIOD = lcm(WORDS.length, 32);
/** JSON-escaped sentences (the text between the quotes `JSON.stringify` writes), by period position and length. */
const escaped = new Map<number, string>();

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y ? gcd(y, x % y) : x);
  return (a * b) / gcd(a, b);
}

function sentence(seed: number, words: number): string {
  let out = '';
  for (let i = 0; i < words; i++) out += (i ? ' ' : '') + WORDS[(seed * 31 + i * 7 + (i >> 3)) % WORDS.length];
  return seed % 8 === 0 ? `${out} ${ACCENTED[(seed >> 3) % ACCENTED.length]}` : out;
}

function escapedSentence(seed: number, words: number): string {
  const key = words * PERIOD + (seed % PERIOD);
  let text = escaped.get(key);
  if (text === undefined) escaped.set(key, (text = JSON.stringify(sentence(seed % PERIOD, words)).slice(1, -1)));
  return text;
}

const SYSTEM = JSON.stringify({ role: 'system', content: 'You are a helpful assistant for dataset questions.' });

/**
 * One valid chat line (system, user, assistant) numbered `n`, about `lineBytes` bytes: exactly what `JSON.stringify`
 * writes for `{ messages: [system, user, assistant] }`, put together from the escaped sentences.
 */
export function chatLine(n: number, lineBytes = 1200): string {
  const words = Math.max(4, Math.floor(lineBytes / 7));
  const question = escapedSentence(n, Math.floor(words * 0.3));
  const answer = escapedSentence(n + 1, Math.floor(words * 0.7));
  return `{"messages":[${SYSTEM},{"role":"user","content":"Question ${n}: ${question}?"},{"role":"assistant","content":"Answer ${n}: ${answer}."}]}`;
}

/** Writes lines until the file has at least `bytes` bytes; returns the number of lines. */
export async function writeChatFile(path: string, bytes: number, lineBytes = 1200): Promise<number> {
  const file = await open(path, 'w');
  try {
    let written = 0;
    let n = 0;
    while (written < bytes) {
      const batch: string[] = [];
      let size = 0;
      while (size < 4 << 20 && written + size < bytes) {
        const line = chatLine(n++, lineBytes) + '\n';
        batch.push(line);
        size += line.length + 2;
      }
      const buffer = Buffer.from(batch.join(''));
      await file.write(buffer);
      written += buffer.length;
    }
    return n;
  } finally {
    await file.close();
  }
}

/** `n` preference pairs (`input.messages`, `preferred_output`, `non_preferred_output`), one JSON line each, newline-ended. */
export function preferencePairs(n: number): string {
  const pairs = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      input: { messages: [{ role: 'user', content: `${i} + ${i}?` }] },
      preferred_output: [{ role: 'assistant', content: String(2 * i) }],
      non_preferred_output: [{ role: 'assistant', content: String(2 * i + 1) }],
    }),
  );
  return `${pairs.join('\n')}\n`;
}
