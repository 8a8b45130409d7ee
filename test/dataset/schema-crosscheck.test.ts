import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeCompositionTypes, normalizeOverlappingOneOf } from '../../scripts/lib/normalize/compositions.js';
import { normalizeExclusiveBounds } from '../../scripts/lib/normalize/exclusiveBounds.js';
import { normalizeNullable } from '../../scripts/lib/normalize/nullable.js';
import { normalizeNullEnum } from '../../scripts/lib/normalize/nullEnum.js';
import type { JsonObject } from '../../scripts/lib/json.js';
import { REPO_ROOT } from '../../scripts/lib/providers.js';
import { checkDataset, datasetProfiles, type DatasetFormat, type DatasetProvider } from '../../src/dataset/index.js';
import { goodFiles } from './good-files.js';
import { random } from '../support/random.js';
import { J, blob, call, dataUrl, image, text, weatherTool } from './helpers.js';

// Every example the checker accepts in the chat (and preference) formats must also be accepted by the provider's
// own message schemas, where its API document defines them (validated with Ajv on the raw document, with the
// pipeline's readings of its 3.0 habits). Nebius's document defines no chat or dataset-line schema.

const MIRROR = process.env.TUNEKIT_SPEC_MIRROR ?? join(REPO_ROOT, '..', 'shared', 'openapi');

function loadDocument(file: string): JsonObject {
  const raw = readFileSync(join(MIRROR, file), 'utf8');
  const doc = (file.endsWith('.json') ? JSON.parse(raw) : parse(raw)) as JsonObject;
  // The pipeline's readings of 3.0 habits, but not its closing of request objects: the schemas stay as open as
  // the provider wrote them (fine-tuning lines add keys such as Together's `weight`).
  for (const normalize of [
    normalizeNullable,
    normalizeNullEnum,
    normalizeExclusiveBounds,
    normalizeCompositionTypes,
    normalizeOverlappingOneOf,
  ])
    normalize(doc);
  return doc;
}

/** A validator of one `#/components/schemas/...` composition, with the document registered for its refs. */
function compiler(doc: JsonObject, id: string): (schema: object) => ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
  ajv.addSchema({ ...doc, $id: id });
  return (schema) => ajv.compile(schema);
}

const ref = (id: string, name: string): object => ({ $ref: `${id}#/components/schemas/${name}` });

/**
 * Random chat lines: a valid conversation (optional system, then user and assistant turns, tool calls and
 * answers for OpenAI), then 0 to 3 random edits from valid variants (names, weights, part lists, images, null
 * content beside tool calls, tools) and invalid ones (unknown roles, numbers as content, bad weights, stray
 * tool answers, …). The checker sorts them; the schema judges the ones it accepts.
 */
function randomChatLines(seed: number, count: number, tools: boolean): string[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const contents: unknown[] = [
    'Hello',
    '',
    'Ünïcode ✓',
    [text('part')],
    [text(), image()],
    [text(), image('https://example.com/x.png')],
    [],
    null,
    7,
    [{ type: 'refusal', refusal: 'No.' }],
    [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }],
  ];
  const lines: string[] = [];
  for (let n = 0; n < count; n++) {
    const messages: Record<string, unknown>[] = next() < 0.5 ? [{ role: 'system', content: 'Be brief.' }] : [];
    const turns = 1 + Math.floor(next() * 3);
    for (let t = 0; t < turns; t++) {
      messages.push({ role: 'user', content: `Question ${n}.${t}` });
      if (tools && next() < 0.3) {
        const id = `call_${n}_${t}`;
        messages.push(
          { role: 'assistant', content: null, tool_calls: [call(id)] },
          { role: 'tool', tool_call_id: id, content: '{"celsius":20}' },
        );
      }
      messages.push({ role: 'assistant', content: `Answer ${n}.${t}` });
    }
    const line: Record<string, unknown> = { messages };
    if (tools && next() < 0.4) line.tools = [weatherTool];
    for (let edits = Math.floor(next() * 4); edits > 0; edits--) {
      const message = pick(messages);
      if (message === undefined) break;
      switch (Math.floor(next() * 10)) {
        case 0:
          message.role = pick(['system', 'user', 'assistant', 'tool', 'function', 'developer', 'bot']);
          break;
        case 1:
          message.content = pick(contents);
          break;
        case 2:
          message.name = pick(['alice', 7, 'bob_2']);
          break;
        case 3:
          message.weight = pick([0, 1, 1, 2, '1']);
          break;
        case 4:
          if (message.role === 'assistant') message.tool_calls = pick([[call('x1')], { id: 'x' }, [call('x2', 'other', '{bad')]]);
          break;
        case 5:
          message.tool_call_id = pick(['call_missing', 7]);
          break;
        case 6:
          line.parallel_tool_calls = pick([true, false, 'yes']);
          break;
        case 7:
          line.tools = pick([
            [weatherTool],
            [{ type: 'function', function: { name: 'other', parameters: { type: 'object' } } }],
            [{ type: 'x' }],
            weatherTool,
          ]);
          break;
        case 8:
          delete message.content;
          break;
        default:
          messages.splice(messages.indexOf(message), 1);
      }
    }
    lines.push(J(line));
  }
  return lines;
}

/**
 * The lines the checker accepts (no error on them, checked as one file), plus the good files of that provider and
 * format; the random ones must give the checker real choices (at least `least` accepted and as many rejected).
 */
async function accepted(provider: DatasetProvider, format: DatasetFormat, lines: string[], least: number): Promise<string[]> {
  const report = await checkDataset(blob(lines), { provider, name: 'x.jsonl', maxIssues: 1_000_000 });
  expect(report.errors.length).toBe(report.counts.errors);
  const bad = new Set(report.errors.map((e) => e.line));
  const ok = lines.filter((_, i) => !bad.has(i + 1));
  expect(ok.length).toBeGreaterThan(least);
  expect(lines.length - ok.length).toBeGreaterThan(least / 5);
  return [...ok, ...goodFiles.filter((f) => f.provider === provider && f.format === format).flatMap((f) => f.lines)];
}

function expectValid(validate: ValidateFunction, value: unknown): void {
  expect(validate(value), `${JSON.stringify(value)}\n${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
}

describe("accepted examples agree with the providers' schemas", () => {
  // Never a silent skip: without the providers' raw documents this check has nothing to check against.
  beforeAll(() => {
    if (!existsSync(join(MIRROR, 'openai.yaml'))) {
      throw new Error(
        `no mirror of the providers' raw documents at ${MIRROR}: set TUNEKIT_SPEC_MIRROR, or put the shared openapi folder at ../shared/openapi`,
      );
    }
  });

  let openaiLine: ValidateFunction;
  let openaiPreference: ValidateFunction;
  let togetherMessage: ValidateFunction;

  beforeAll(() => {
    const oid = 'https://tunekit.test/openai';
    const compileOpenAI = compiler(loadDocument('openai.yaml'), oid);
    // The per-line schema of a supervised fine-tuning file (FineTuneChatRequestInput), from its parts.
    const message = {
      anyOf: [
        'ChatCompletionRequestSystemMessage',
        'ChatCompletionRequestUserMessage',
        'FineTuneChatCompletionRequestAssistantMessage',
        'ChatCompletionRequestToolMessage',
        'ChatCompletionRequestFunctionMessage',
      ].map((name) => ref(oid, name)),
    };
    const chatInput = {
      type: 'object',
      required: ['messages'],
      properties: {
        messages: { type: 'array', minItems: 1, items: message },
        tools: { type: 'array', items: ref(oid, 'ChatCompletionTool') },
        parallel_tool_calls: { type: 'boolean' },
        functions: { type: 'array', items: ref(oid, 'FunctionObject') },
      },
    };
    openaiLine = compileOpenAI(chatInput);
    const output = { type: 'array', minItems: 1, maxItems: 1, items: ref(oid, 'FineTuneChatCompletionRequestAssistantMessage') };
    openaiPreference = compileOpenAI({
      type: 'object',
      required: ['input', 'preferred_output', 'non_preferred_output'],
      properties: { input: chatInput, preferred_output: output, non_preferred_output: output },
    });
    const tid = 'https://tunekit.test/together';
    togetherMessage = compiler(loadDocument('together.yaml'), tid)(ref(tid, 'ChatCompletionMessageParam'));
  }, 60_000);

  it('OpenAI: every accepted random chat line and every good chat line validates against the document', async () => {
    for (const line of await accepted('openai', 'chat', randomChatLines(1, 4000, true), 1000)) expectValid(openaiLine, JSON.parse(line));
  });

  it('OpenAI: accepted preference (DPO) lines validate against the document', async () => {
    const next = random(2);
    const lines = Array.from({ length: 600 }, (_, n) =>
      J({
        input: { messages: [{ role: 'user', content: next() < 0.2 ? 5 : `Q${n}` }], ...(next() < 0.3 ? { tools: [weatherTool] } : {}) },
        preferred_output: next() < 0.2 ? [{ role: 'assistant', content: null }] : [{ role: 'assistant', content: `A${n}` }],
        non_preferred_output:
          next() < 0.2 ? [{ role: 'user', content: 'x' }] : [{ role: 'assistant', content: next() < 0.1 ? [text('B')] : `B${n}` }],
      }),
    );
    for (const line of await accepted('openai', 'preference', lines, 200)) expectValid(openaiPreference, JSON.parse(line));
  });

  it('Together: every message of every accepted text conversation validates as ChatCompletionMessageParam', async () => {
    const lines = await accepted('together', 'chat', randomChatLines(3, 3000, false), 500);
    const conversations = lines.map((line) => JSON.parse(line) as { messages: { role: string; content: unknown }[] });
    let checked = 0;
    for (const { messages } of conversations) {
      // Together's own checker requires every message of a multimodal example to use list content, assistant
      // answers included; its chat-completions schema (an inference schema) types assistant content as a string.
      // That one documented difference aside, every accepted message must validate.
      const multimodal = messages.some((m) => Array.isArray(m.content));
      for (const whole of messages) {
        if (multimodal && whole.role !== 'user') continue;
        // Keys outside Together's format (e.g. tool_calls) are reported as key.unknown warnings and ignored by
        // Together; the comparison is about the keys the format defines.
        const keys = datasetProfiles.together.formats.chat?.roles[whole.role] ?? [];
        const message = Object.fromEntries(Object.entries(whole).filter(([key]) => keys.includes(key)));
        checked++;
        expectValid(togetherMessage, message);
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('Together multimodal: an accepted example has list content in every message (the difference above)', async () => {
    const line = J({
      messages: [
        { role: 'user', content: [text('What is it?'), image(dataUrl('png'))] },
        { role: 'assistant', content: [text('A cat.')] },
      ],
    });
    expect((await checkDataset(blob([line]), { provider: 'together' })).ok).toBe(true);
  });
});
