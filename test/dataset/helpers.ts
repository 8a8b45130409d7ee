/** Builders of dataset lines for the dataset tests (small, generated in the test: no committed fixtures). */
import { checkDataset, type CheckDatasetOptions, type DatasetReport } from '../../src/dataset/index.js';

export type Line = string | Uint8Array;

export const J = (value: unknown): string => JSON.stringify(value);
export const sys = (content: unknown = 'You answer briefly.'): Record<string, unknown> => ({ role: 'system', content });
export const user = (content: unknown = 'What is 2 + 2?'): Record<string, unknown> => ({ role: 'user', content });
export const bot = (content: unknown = '4', extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  role: 'assistant',
  content,
  ...extra,
});
export const chat = (...messages: unknown[]): string => J({ messages });

/** A base64 data URL of about `bytes` bytes of (fake) image data. */
export const dataUrl = (format = 'png', bytes = 30): string => `data:image/${format};base64,${'A'.repeat(Math.ceil((bytes * 4) / 3))}`;
export const image = (url = dataUrl()): Record<string, unknown> => ({ type: 'image_url', image_url: { url } });
export const text = (value = 'Describe the picture.'): Record<string, unknown> => ({ type: 'text', text: value });

export const call = (id = 'call_1', name = 'get_weather', args = '{"city":"Paris"}'): Record<string, unknown> => ({
  id,
  type: 'function',
  function: { name, arguments: args },
});
export const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** A distinct valid line for each provider's default format (used to pad OpenAI files to 10 examples). */
export function filler(n: number): string {
  return chat(user(`Question number ${n}?`), bot(`Answer number ${n}.`));
}

/** The lines joined by `\n` with a final newline, as one `Blob`. */
export function blob(lines: readonly Line[], eol = '\n'): Blob {
  const parts: (string | Uint8Array)[] = [];
  for (const line of lines) parts.push(line, eol);
  return new Blob(parts as BlobPart[]);
}

export async function check(lines: readonly Line[], options: CheckDatasetOptions): Promise<DatasetReport> {
  return checkDataset(blob(lines), { name: 'train.jsonl', ...options });
}

/** `[line, code]` pairs of the report's errors or warnings, for exact comparison. */
export const pairs = (issues: readonly { line: number; code: string }[]): [number, string][] =>
  issues.map((issue) => [issue.line, issue.code]);
