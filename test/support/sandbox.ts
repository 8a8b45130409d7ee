/** Helpers the sandbox tests share: datasets, time, collecting lists. */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** `n` chat examples as JSONL. */
export function jsonl(n: number, tag = 'q'): string {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `${tag} ${i}: what is ${i} + ${i}?` },
        { role: 'assistant', content: String(2 * i) },
      ],
    }),
  ).join('\n');
}

/** A training file of `n` examples. */
export const dataset = (n = 40, name = 'train.jsonl'): File => new File([jsonl(n)], name);

/** A file that is not JSONL past its first line. */
export const broken = (): File => new File([`${jsonl(2)}\n{"messages": [oops\n`], 'broken.jsonl');

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Whether each number is below the one before. */
export const falling = (values: readonly number[]): boolean => values.every((value, i) => i === 0 || value < (values[i - 1] ?? Infinity));

/** What `action` throws (failing the test when it does not throw). */
export async function failure(action: PromiseLike<unknown>): Promise<unknown> {
  try {
    await action;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, got an answer');
}
