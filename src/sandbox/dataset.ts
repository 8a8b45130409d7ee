/** What a fine-tuning job learns from its training file before it trains: is it JSONL, and how big is it. */
export type DatasetReport = { ok: true; examples: number; tokens: number } | { ok: false; line: number; reason: string };

/** Lines past this many bytes are counted, not parsed (a huge file is checked at its start). */
const PARSED_BYTES = 32 << 20;

/** Why one JSONL line is not a training example, or `undefined` when it is one. */
function lineProblem(line: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  if ('messages' in value) {
    const { messages } = value;
    if (!Array.isArray(messages) || messages.length === 0) return '"messages" is not a non-empty array';
    const bad = messages.findIndex((m: unknown) => typeof m !== 'object' || m === null || !('role' in m) || typeof m.role !== 'string');
    return bad >= 0 ? `messages[${bad}] has no "role"` : undefined;
  }
  return ['prompt', 'text', 'input'].some((key) => key in value) ? undefined : 'no "messages", "prompt", "text" or "input" field';
}

/**
 * Reads a training file line by line (never whole): each non-empty line must be a JSON object in a
 * fine-tuning format. Tokens are estimated at four characters each.
 */
export async function inspectDataset(blob: Blob): Promise<DatasetReport> {
  const reader = blob.stream().pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  let line = 0;
  let examples = 0;
  let characters = 0;
  let read = 0;
  const take = (text: string): string | undefined => {
    line++;
    if (!text.trim()) return undefined;
    characters += text.length;
    examples++;
    return read <= PARSED_BYTES ? lineProblem(text) : undefined;
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    read += value.length;
    const lines = (rest + value).split('\n');
    rest = lines.pop() ?? '';
    for (const text of lines) {
      const problem = take(text);
      if (problem) {
        await reader.cancel();
        return { ok: false, line, reason: problem };
      }
    }
  }
  const problem = take(rest);
  if (problem) return { ok: false, line, reason: problem };
  if (examples === 0) return { ok: false, line: 1, reason: 'the file has no examples' };
  return { ok: true, examples, tokens: Math.ceil(characters / 4) };
}
