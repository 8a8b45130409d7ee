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

function sentence(seed: number, words: number): string {
  let out = '';
  for (let i = 0; i < words; i++) out += (i ? ' ' : '') + WORDS[(seed * 31 + i * 7 + (i >> 3)) % WORDS.length];
  return seed % 8 === 0 ? `${out} ${ACCENTED[(seed >> 3) % ACCENTED.length]}` : out;
}

/** One valid chat line (system, user, assistant) numbered `n`, about `lineBytes` bytes. */
export function chatLine(n: number, lineBytes = 1200): string {
  const words = Math.max(4, Math.floor(lineBytes / 7));
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'You are a helpful assistant for dataset questions.' },
      { role: 'user', content: `Question ${n}: ${sentence(n, Math.floor(words * 0.3))}?` },
      { role: 'assistant', content: `Answer ${n}: ${sentence(n + 1, Math.floor(words * 0.7))}.` },
    ],
  });
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
