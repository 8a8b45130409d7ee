import { describe, expect, it } from 'vitest';
import type { CheckDatasetOptions, DatasetProvider } from '../../src/dataset/index.js';
import { J, bot, call, chat, check, dataUrl, filler, image, pairs, sys, text, user, weatherTool, type Line } from './helpers.js';

interface Case {
  name: string;
  provider: DatasetProvider;
  lines: Line[];
  /** Exact `[line, code]` of every error, in order. */
  errors: [number, string][];
  /** Exact `[line, code]` of every warning (none by default). */
  warnings?: [number, string][];
  options?: Partial<CheckDatasetOptions>;
  /** A word every error message must contain (the field or the rule it names). */
  mentions?: string;
}

/** OpenAI needs 10 examples: bad lines first, then distinct good ones. */
const pad = (lines: Line[]): Line[] => [...lines, ...Array.from({ length: Math.max(0, 10 - lines.length) }, (_, i) => filler(i))];

const ok = chat(sys(), user(), bot());
const bytes = (...parts: (string | number[])[]): Uint8Array => {
  const chunks = parts.map((part) => (typeof part === 'string' ? new TextEncoder().encode(part) : Uint8Array.from(part)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};
const pref = (input: unknown, preferred: unknown, nonPreferred: unknown): string =>
  J({ input, preferred_output: preferred, non_preferred_output: nonPreferred });
const goodPref = (): string => pref({ messages: [user('Say hi')] }, [bot('Hi!')], [bot('Go away.')]);

const cases: Case[] = [
  // ── Together ────────────────────────────────────────────────────────────────────────────────────────────
  { name: 'empty file', provider: 'together', lines: [], errors: [[0, 'file.empty']] },
  {
    name: 'only blank lines',
    provider: 'together',
    lines: ['', '  '],
    errors: [
      [0, 'file.empty'],
      [1, 'line.blank'],
      [2, 'line.blank'],
    ],
  },
  {
    name: 'broken JSON',
    provider: 'together',
    lines: [ok, '{"messages": [', chat(user('a'), bot('b'))],
    errors: [[2, 'line.json']],
    mentions: 'JSON',
  },
  { name: 'a JSON array, not an object', provider: 'together', lines: ['[1, 2]'], errors: [[1, 'line.not-object']] },
  {
    name: 'invalid UTF-8',
    provider: 'together',
    lines: [ok, chat(user('b'), bot('c')), bytes('{"text": "caf', [0xe9], '"}')],
    errors: [[3, 'line.utf8']],
    mentions: '0xe9',
  },
  { name: 'a blank line between examples', provider: 'together', lines: [ok, '', chat(user('x'), bot('y'))], errors: [[2, 'line.blank']] },
  {
    name: 'misspelled messages key',
    provider: 'together',
    lines: [J({ mesages: [user(), bot()] })],
    errors: [[1, 'format.unknown']],
    mentions: 'did you mean messages',
  },
  {
    name: 'two formats in one line',
    provider: 'together',
    lines: [J({ text: 'hi', messages: [user(), bot()] })],
    errors: [[1, 'format.ambiguous']],
  },
  {
    name: 'formats mixed in one file',
    provider: 'together',
    lines: [ok, J({ prompt: 'p', completion: 'c' })],
    errors: [[2, 'format.mixed']],
    mentions: 'instruction',
  },
  {
    name: 'an extra top-level key',
    provider: 'together',
    lines: [J({ messages: [user(), bot()], id: 7 })],
    errors: [[1, 'key.unknown']],
    mentions: 'id',
  },
  {
    name: 'messages is not a list',
    provider: 'together',
    lines: [J({ messages: 'hello' })],
    errors: [[1, 'type.invalid']],
    mentions: 'messages',
  },
  { name: 'messages is empty', provider: 'together', lines: [J({ messages: [] })], errors: [[1, 'messages.empty']] },
  {
    name: 'misspelled role',
    provider: 'together',
    lines: [chat(user(), { role: 'assistent', content: '4' })],
    errors: [
      [1, 'role.invalid'],
      [1, 'assistant.missing'],
    ],
    mentions: 'messages',
  },
  {
    name: 'two user messages in a row',
    provider: 'together',
    lines: [chat(user('a'), user('b'), bot())],
    errors: [[1, 'role.repeated']],
    mentions: 'messages[1].role',
  },
  { name: 'starts with the assistant', provider: 'together', lines: [chat(bot('Hello'), user(), bot())], errors: [[1, 'role.first']] },
  { name: 'no assistant message', provider: 'together', lines: [chat(sys(), user())], errors: [[1, 'assistant.missing']] },
  {
    name: 'weight 2',
    provider: 'together',
    lines: [chat(user(), bot('4', { weight: 2 }))],
    errors: [[1, 'weight.invalid']],
    mentions: 'messages[1].weight',
  },
  { name: 'weight as a string', provider: 'together', lines: [chat({ ...user(), weight: '0' }, bot())], errors: [[1, 'weight.invalid']] },
  {
    name: 'content is a number',
    provider: 'together',
    lines: [chat(user(42), bot())],
    errors: [[1, 'type.invalid']],
    mentions: 'messages[0].content',
  },
  { name: 'content missing', provider: 'together', lines: [chat({ role: 'user' }, bot())], errors: [[1, 'content.missing']] },
  {
    name: 'image in an assistant message',
    provider: 'together',
    lines: [chat(user([text()]), bot([image()]))],
    errors: [[1, 'image.role']],
  },
  {
    name: 'image as an https link',
    provider: 'together',
    lines: [chat(user([text(), image('https://example.com/cat.png')]), bot([text('A cat')]))],
    errors: [[1, 'image.url']],
  },
  {
    name: 'GIF image',
    provider: 'together',
    lines: [chat(user([image(dataUrl('gif'))]), bot([text('A cat')]))],
    errors: [[1, 'image.url']],
    mentions: 'gif',
  },
  {
    name: 'image over 10 MB',
    provider: 'together',
    lines: [chat(user([image(dataUrl('jpeg', 11 * 2 ** 20))]), bot([text('A cat')]))],
    errors: [[1, 'image.too-large']],
  },
  {
    name: 'eleven images in one example',
    provider: 'together',
    lines: [chat(user(Array.from({ length: 11 }, () => image())), bot([text('Cats')]))],
    errors: [[1, 'image.too-many']],
  },
  {
    name: 'image message with weight 1',
    provider: 'together',
    lines: [chat({ ...user([image()]), weight: 1 }, bot([text('A cat')]))],
    errors: [[1, 'image.weight']],
  },
  {
    name: 'text-only and multimodal mixed in one example',
    provider: 'together',
    lines: [chat(user([text(), image()]), bot('A cat'))],
    errors: [[1, 'content.mixed']],
  },
  {
    name: 'audio content part',
    provider: 'together',
    lines: [chat(user([{ type: 'input_audio', input_audio: {} }]), bot([text('ok')]))],
    errors: [[1, 'part.invalid']],
  },
  {
    name: 'preference input ends with the assistant',
    provider: 'together',
    lines: [pref({ messages: [user(), bot()] }, [bot('a')], [bot('b')])],
    errors: [[1, 'preference.input-last']],
  },
  {
    name: 'preferred output of two messages',
    provider: 'together',
    lines: [pref({ messages: [user()] }, [bot('a'), bot('b')], [bot('c')])],
    errors: [[1, 'preference.output']],
  },
  {
    name: 'non-preferred output from the user',
    provider: 'together',
    lines: [pref({ messages: [user()] }, [bot('a')], [user('c')])],
    errors: [[1, 'preference.output']],
    mentions: 'non_preferred_output',
  },
  {
    name: 'preference input is a string',
    provider: 'together',
    lines: [pref('Say hi', [bot('a')], [bot('b')])],
    errors: [[1, 'type.invalid']],
    mentions: 'input',
  },
  {
    name: 'identical preference outputs',
    provider: 'together',
    lines: [pref({ messages: [user()] }, [bot('same')], [bot('same')])],
    errors: [],
    warnings: [[1, 'preference.identical']],
  },
  {
    name: 'instruction completion is a number',
    provider: 'together',
    lines: [J({ prompt: 'p', completion: 3 })],
    errors: [[1, 'type.invalid']],
    mentions: 'completion',
  },
  {
    name: 'instruction without a prompt',
    provider: 'together',
    lines: [J({ prompt: 'p', completion: 'c' }), J({ completion: 'c' })],
    errors: [[2, 'key.missing']],
    mentions: 'prompt',
  },
  { name: 'general text is null', provider: 'together', lines: [J({ text: null })], errors: [[1, 'type.invalid']] },
  {
    name: 'byte-order mark (accepted, warned)',
    provider: 'together',
    lines: [bytes([0xef, 0xbb, 0xbf], ok)],
    errors: [],
    warnings: [[0, 'file.bom']],
  },
  {
    name: 'duplicate examples',
    provider: 'together',
    lines: [ok, chat(user('x'), bot('y')), ok],
    errors: [],
    warnings: [[3, 'example.duplicate']],
  },
  {
    name: 'a file not named .jsonl',
    provider: 'together',
    lines: [ok],
    errors: [],
    warnings: [[0, 'file.extension']],
    options: { name: 'train.json' },
  },

  // ── OpenAI ──────────────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'nine examples',
    provider: 'openai',
    lines: Array.from({ length: 9 }, (_, i) => filler(i)),
    errors: [[0, 'examples.too-few']],
    mentions: '10',
  },
  {
    name: 'weight on a user message',
    provider: 'openai',
    lines: pad([chat({ ...user(), weight: 0 }, bot())]),
    errors: [[1, 'weight.role']],
  },
  { name: 'weight 0.5', provider: 'openai', lines: pad([chat(user(), bot('4', { weight: 0.5 }))]), errors: [[1, 'weight.invalid']] },
  {
    name: 'developer role',
    provider: 'openai',
    lines: pad([chat({ role: 'developer', content: 'x' }, user(), bot())]),
    errors: [[1, 'role.invalid']],
  },
  {
    name: 'tool_calls is an object',
    provider: 'openai',
    lines: pad([J({ tools: [weatherTool], messages: [user(), bot(null, { tool_calls: call() })] })]),
    errors: [[1, 'tool_call.invalid']],
  },
  {
    name: 'tool call without a function name',
    provider: 'openai',
    lines: pad([
      J({
        tools: [weatherTool],
        messages: [user(), bot(null, { tool_calls: [{ id: 'c1', type: 'function', function: { arguments: '{}' } }] })],
      }),
    ]),
    errors: [[1, 'tool_call.invalid']],
    mentions: 'name',
  },
  {
    name: 'tool call arguments as an object',
    provider: 'openai',
    lines: pad([
      J({
        messages: [
          user(),
          bot(null, { tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: { city: 'Paris' } } }] }),
        ],
      }),
    ]),
    errors: [[1, 'tool_call.invalid']],
    mentions: 'arguments',
  },
  {
    name: 'tool call arguments not JSON',
    provider: 'openai',
    lines: pad([
      J({
        tools: [weatherTool],
        messages: [
          user(),
          bot(null, { tool_calls: [call('c1', 'get_weather', '{city: Paris}')] }),
          { role: 'tool', tool_call_id: 'c1', content: '20C' },
          bot('It is 20C.'),
        ],
      }),
    ]),
    errors: [],
    warnings: [[1, 'tool_call.arguments']],
  },
  {
    name: 'tool call of an undefined function',
    provider: 'openai',
    lines: pad([
      J({
        tools: [weatherTool],
        messages: [
          user(),
          bot(null, { tool_calls: [call('c1', 'get_time')] }),
          { role: 'tool', tool_call_id: 'c1', content: 'noon' },
          bot('Noon.'),
        ],
      }),
    ]),
    errors: [],
    warnings: [[1, 'tool_call.unknown']],
  },
  {
    name: 'tool answer to an unknown call id',
    provider: 'openai',
    lines: pad([
      J({
        tools: [weatherTool],
        messages: [user(), bot(null, { tool_calls: [call('c1')] }), { role: 'tool', tool_call_id: 'c2', content: '20C' }, bot('20C')],
      }),
    ]),
    errors: [[1, 'tool.call-id']],
    mentions: 'c2',
  },
  {
    name: 'tool answer without tool_call_id',
    provider: 'openai',
    lines: pad([J({ messages: [user(), bot(null, { tool_calls: [call('c1')] }), { role: 'tool', content: '20C' }, bot('20C')] })]),
    errors: [[1, 'key.missing']],
    mentions: 'tool_call_id',
  },
  {
    name: 'tools is an object',
    provider: 'openai',
    lines: pad([J({ tools: weatherTool, messages: [user(), bot()] })]),
    errors: [[1, 'tools.invalid']],
  },
  {
    name: 'tool of type retrieval',
    provider: 'openai',
    lines: pad([J({ tools: [{ type: 'retrieval' }], messages: [user(), bot()] })]),
    errors: [[1, 'tools.invalid']],
  },
  {
    name: 'function name with a space',
    provider: 'openai',
    lines: pad([J({ tools: [{ type: 'function', function: { name: 'get weather' } }], messages: [user(), bot()] })]),
    errors: [[1, 'tools.invalid']],
    mentions: 'tools[0].function.name',
  },
  {
    name: 'parallel_tool_calls as a string',
    provider: 'openai',
    lines: pad([J({ parallel_tool_calls: 'yes', messages: [user(), bot()] })]),
    errors: [[1, 'type.invalid']],
  },
  {
    name: 'assistant content null without tool calls',
    provider: 'openai',
    lines: pad([chat(user(), bot(null))]),
    errors: [[1, 'content.missing']],
  },
  {
    name: 'image in a system message',
    provider: 'openai',
    lines: pad([chat(sys([image()]), user(), bot())]),
    errors: [[1, 'part.invalid']],
  },
  {
    name: 'image from an ftp link',
    provider: 'openai',
    lines: pad([chat(user([text(), image('ftp://example.com/a.png')]), bot())]),
    errors: [[1, 'image.url']],
  },
  {
    name: 'DPO line without non_preferred_output',
    provider: 'openai',
    lines: pad([J({ input: { messages: [user()] }, preferred_output: [bot()] })]),
    errors: [[1, 'key.missing']],
    mentions: 'non_preferred_output',
  },
  {
    name: 'DPO input with an unknown key',
    provider: 'openai',
    lines: Array.from({ length: 10 }, (_, i) =>
      i === 0
        ? pref({ messages: [user()], tool: [] }, [bot('a')], [bot('b')])
        : pref({ messages: [user(`q${i}`)] }, [bot('a')], [bot('b')]),
    ),
    errors: [],
    warnings: [[1, 'key.unknown']],
  },
  {
    name: 'pretokenized line',
    provider: 'openai',
    lines: pad([J({ token_ids: [1, 2, 3] })]),
    errors: [[1, 'format.unknown']],
    mentions: 'pretokenized',
  },
  { name: 'text line', provider: 'openai', lines: pad([J({ text: 'hello' })]), errors: [[1, 'format.unknown']] },
  { name: 'empty content part list', provider: 'openai', lines: pad([chat(user([]), bot())]), errors: [[1, 'value.empty']] },
  {
    name: 'name is a number',
    provider: 'openai',
    lines: pad([chat({ ...user(), name: 7 }, bot())]),
    errors: [[1, 'type.invalid']],
    mentions: 'name',
  },
  {
    name: 'unknown message key (warning, with a suggestion)',
    provider: 'openai',
    lines: pad([chat(user(), bot('4', { wieght: 1 }))]),
    errors: [],
    warnings: [[1, 'key.unknown']],
    mentions: undefined,
  },
  { name: 'larger than 512 MB', provider: 'openai', lines: [], errors: [[0, 'file.too-large']], options: { name: 'big.jsonl' } },

  // ── Nebius ──────────────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'ends with a user message',
    provider: 'nebius',
    lines: [chat(sys(), user(), bot(), user('And 3 + 3?'))],
    errors: [[1, 'role.last']],
  },
  {
    name: 'ends with a tool call',
    provider: 'nebius',
    lines: [J({ tools: [weatherTool], messages: [user(), bot(null, { tool_calls: [call()] })] })],
    errors: [[1, 'role.last']],
    mentions: 'tool call',
  },
  { name: 'empty token_ids', provider: 'nebius', lines: [J({ token_ids: [] })], errors: [[1, 'tokens.invalid']] },
  {
    name: 'negative token id',
    provider: 'nebius',
    lines: [J({ token_ids: [1, -1, 3] })],
    errors: [[1, 'tokens.invalid']],
    mentions: 'token_ids[1]',
  },
  {
    name: 'labels shorter than token_ids',
    provider: 'nebius',
    lines: [J({ token_ids: [1, 2, 3], labels: [1, 2] })],
    errors: [[1, 'labels.length']],
  },
  {
    name: 'label -5',
    provider: 'nebius',
    lines: [J({ token_ids: [1, 2, 3], labels: [-100, -5, 3] })],
    errors: [[1, 'labels.invalid']],
    mentions: '-100',
  },
  { name: 'list content', provider: 'nebius', lines: [chat(user([text()]), bot())], errors: [[1, 'type.invalid']] },
  { name: 'preference line', provider: 'nebius', lines: [goodPref()], errors: [[1, 'format.unknown']], mentions: 'preference' },
  {
    name: 'tool answer without tool_call_id',
    provider: 'nebius',
    lines: [J({ messages: [user(), bot(null, { tool_calls: [call()] }), { role: 'tool', content: '20C' }, bot('20C')] })],
    errors: [[1, 'key.missing']],
  },
  {
    name: 'instruction prompt as a list',
    provider: 'nebius',
    lines: [J({ prompt: ['a'], completion: 'b' })],
    errors: [[1, 'type.invalid']],
  },
  { name: 'file forced to text, chat inside', provider: 'nebius', lines: [ok], errors: [[1, 'format.mixed']], options: { format: 'text' } },
  {
    name: 'errors on several lines, CRLF endings',
    provider: 'nebius',
    lines: [ok + '\r', '{oops}\r', chat(user(), user()) + '\r'],
    errors: [
      [2, 'line.json'],
      [3, 'assistant.missing'],
      [3, 'role.last'],
    ],
  },
];

/** A Blob that says it is larger than it is (the size check reads `size` before any byte). */
class Oversized extends Blob {
  override get size(): number {
    return 600 * 2 ** 20;
  }
}

describe('bad dataset files: exact codes and lines', () => {
  it('has at least 60 cases across the three providers', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    for (const provider of ['nebius', 'together', 'openai'])
      expect(cases.filter((c) => c.provider === provider).length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases.map((c) => [`${c.provider}: ${c.name}`, c] as const))('%s', async (_, c) => {
    const options = { provider: c.provider, ...c.options };
    const report =
      c.name === 'larger than 512 MB'
        ? await (await import('../../src/dataset/index.js')).checkDataset(new Oversized(pad([]).map((l) => `${String(l)}\n`)), options)
        : await check(c.lines, options);
    expect(pairs(report.errors)).toEqual(c.errors);
    expect(pairs(report.warnings)).toEqual(c.warnings ?? []);
    expect(report.ok).toBe(c.errors.length === 0);
    expect(report.counts.errors).toBe(c.errors.length);
    for (const issue of [...report.errors, ...report.warnings]) {
      expect(issue.message.length).toBeGreaterThan(10);
      if (c.mentions !== undefined && c.errors.length > 0 && issue.line > 0)
        expect(report.errors.some((e) => e.message.includes(c.mentions ?? ''))).toBe(true);
    }
  });
});
