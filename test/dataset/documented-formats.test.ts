/**
 * Every dataset example the providers' documentation gives is accepted, and a broken variant of each is still
 * rejected with the right code. Each example is quoted from the page named beside it (long strings shortened
 * where marked; where a page was read only in part, the comment says what was filled in).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { checkDataset, type CheckDatasetOptions, type DatasetReport } from '../../src/dataset/index.js';
import { J, check, pairs } from './helpers.js';

type Json = Record<string, unknown>;

/** The example as its file's only line (Together, Nebius: one example is enough). */
const one = (example: Json, options: CheckDatasetOptions): Promise<DatasetReport> => check([J(example)], options);

/** OpenAI needs 10 examples: the documented one and nine copies that differ in one string (no duplicates). */
function ten(example: Json, vary: (copy: Json, i: number) => void): string[] {
  return [
    J(example),
    ...Array.from({ length: 9 }, (_, i) => {
      const copy = structuredClone(example);
      vary(copy, i);
      return J(copy);
    }),
  ];
}

/** The message of `messages[index]` (or `input.messages[index]`) of an example, for editing a copy. */
function message(example: Json, index: number): Json {
  const owner = (example.input ?? example) as { messages: Json[] };
  const found = owner.messages[index];
  if (found === undefined) throw new Error(`no message ${index}`);
  return found;
}

function expectAccepted(report: DatasetReport, format: string, label?: string): void {
  expect(report.errors).toEqual([]);
  expect(report.warnings).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.format).toBe(format);
  if (label !== undefined) expect(report.formatLabel).toBe(label);
}

// ── Together ───────────────────────────────────────────────────────────────────────────────────────────────

const weatherTool = {
  type: 'function',
  function: {
    name: 'getCurrentWeather',
    description: 'Get the current weather in a given location',
    parameters: {
      type: 'object',
      properties: {
        location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      },
      required: ['location'],
    },
  },
};
const weatherCall = {
  id: 'call_abc123',
  type: 'function',
  function: { name: 'getCurrentWeather', arguments: '{"location": "San Francisco, CA", "unit": "fahrenheit"}' },
};

// https://docs.together.ai/docs/fine-tuning/function-calling, "Conversational format" (the page read in part: its
// system and user messages, the assistant's tool_calls in place of content and the call's id and function name are
// the page's; the arguments, the tool's answer and the final answer are filled in the same shape).
const togetherFunctionCalling = (): Json => ({
  messages: [
    { role: 'system', content: 'You are a helpful travel planning assistant.' },
    { role: 'user', content: 'What is the current temperature in San Francisco?' },
    { role: 'assistant', tool_calls: [weatherCall] },
    { role: 'tool', tool_call_id: 'call_abc123', content: '{"temperature": 68, "unit": "fahrenheit"}' },
    { role: 'assistant', content: 'It is currently 68°F in San Francisco.' },
  ],
  tools: [weatherTool],
});

// https://docs.together.ai/docs/fine-tuning/preference-tuning, "Prepare your data" (also
// https://docs.together.ai/docs/preference-fine-tuning): input.messages opens with the assistant. The outputs
// are shortened.
const togetherPreference = (): Json => ({
  input: {
    messages: [
      { role: 'assistant', content: 'Hello, how can I assist you today?' },
      { role: 'user', content: 'Can you tell me about the rise of the Roman Empire?' },
    ],
  },
  preferred_output: [
    {
      role: 'assistant',
      content:
        'The Roman Empire rose from a small city-state founded in 753 BCE. Through military conquests and strategic alliances, Rome expanded across the Italian peninsula.',
    },
  ],
  non_preferred_output: [{ role: 'assistant', content: 'The Roman Empire rose due to military conquests.' }],
});

// https://docs.together.ai/docs/fine-tuning/function-calling, "Preference format": "the tools array nests inside
// input"; the preferred output is the tool call, the non-preferred one a guess without it (filled in).
const togetherToolPreference = (): Json => ({
  input: {
    messages: [
      { role: 'system', content: 'You are a helpful travel planning assistant.' },
      { role: 'user', content: 'What is the current temperature in San Francisco?' },
    ],
    tools: [weatherTool],
  },
  preferred_output: [{ role: 'assistant', tool_calls: [weatherCall] }],
  non_preferred_output: [{ role: 'assistant', content: 'It is probably sunny and warm.' }],
});

describe('Together: documented examples are accepted', () => {
  const together = { provider: 'together' } as const;

  it('function calling, conversational format (docs.together.ai/docs/fine-tuning/function-calling)', async () => {
    expectAccepted(await one(togetherFunctionCalling(), together), 'chat', 'conversation');
  });

  it('function calling with parallel calls: tool answers in a row are not a repeated role', async () => {
    const example = togetherFunctionCalling();
    const messages = example.messages as Json[];
    messages[2] = {
      role: 'assistant',
      tool_calls: [
        weatherCall,
        { ...weatherCall, id: 'call_def456', function: { name: 'getCurrentWeather', arguments: '{"location": "Oakland, CA"}' } },
      ],
    };
    messages.splice(4, 0, { role: 'tool', tool_call_id: 'call_def456', content: '{"temperature": 70}' });
    expectAccepted(await one(example, together), 'chat');
  });

  it('preference example opening with an assistant message (docs.together.ai/docs/fine-tuning/preference-tuning)', async () => {
    expectAccepted(await one(togetherPreference(), together), 'preference', 'preference');
  });

  it('preference pair whose preferred output is a tool call (docs.together.ai/docs/fine-tuning/function-calling)', async () => {
    expectAccepted(await one(togetherToolPreference(), together), 'preference');
  });

  it('the non-preferred output may be the tool call too, and outputs that differ only in their calls are not identical', async () => {
    const example = togetherToolPreference();
    example.non_preferred_output = [
      {
        role: 'assistant',
        tool_calls: [{ ...weatherCall, function: { name: 'getCurrentWeather', arguments: '{"location": "San Jose, CA"}' } }],
      },
    ];
    expectAccepted(await one(example, together), 'preference');
  });
});

describe('Together: broken variants of the documented examples are still rejected', () => {
  const together = { provider: 'together' } as const;
  const errors = async (example: Json): Promise<[number, string][]> => pairs((await one(example, together)).errors);

  it('a tool answer to a call id no assistant made', async () => {
    const example = togetherFunctionCalling();
    message(example, 3).tool_call_id = 'call_zzz';
    expect(await errors(example)).toEqual([[1, 'tool.call-id']]);
  });

  it('a tool answer without tool_call_id', async () => {
    const example = togetherFunctionCalling();
    delete message(example, 3).tool_call_id;
    expect(await errors(example)).toEqual([[1, 'key.missing']]);
  });

  it('an assistant message with neither content nor tool_calls', async () => {
    const example = togetherFunctionCalling();
    delete message(example, 2).tool_calls;
    expect(await errors(example)).toEqual([
      [1, 'content.missing'],
      [1, 'tool.call-id'],
    ]);
  });

  it('a tool call whose arguments are an object, not a JSON string', async () => {
    const example = togetherFunctionCalling();
    message(example, 2).tool_calls = [
      { ...weatherCall, function: { name: 'getCurrentWeather', arguments: { location: 'San Francisco, CA' } } },
    ];
    expect(await errors(example)).toEqual([[1, 'tool_call.invalid']]);
  });

  it('tools that is not a list', async () => {
    expect(await errors({ ...togetherFunctionCalling(), tools: weatherTool })).toEqual([[1, 'tools.invalid']]);
  });

  it('a legacy function message (not a Together role)', async () => {
    const example = togetherFunctionCalling();
    message(example, 3).role = 'function';
    expect(await errors(example)).toEqual([[1, 'role.invalid']]);
  });

  it('a tool answer given to a conversation that starts with it still breaks the first-role rule', async () => {
    const example = togetherFunctionCalling();
    (example.messages as Json[]).splice(0, 3);
    expect(await errors(example)).toEqual([
      [1, 'role.first'],
      [1, 'tool.call-id'],
    ]);
  });

  it('a conversation (not a preference input) opening with the assistant: the data-preparation rule stays', async () => {
    const { input, preferred_output: preferred } = togetherPreference();
    const messages = [...(input as { messages: Json[] }).messages, ...(preferred as Json[])];
    expect(await errors({ messages })).toEqual([[1, 'role.first']]);
  });

  it('a preference input that ends with the assistant', async () => {
    const example = togetherPreference();
    (example.input as { messages: Json[] }).messages.reverse();
    expect(await errors(example)).toEqual([[1, 'preference.input-last']]);
  });

  it('a preference input with two user messages in a row', async () => {
    const example = togetherPreference();
    message(example, 0).role = 'user';
    expect(await errors(example)).toEqual([[1, 'role.repeated']]);
  });

  it('a preferred output that is a tool message, not the assistant', async () => {
    const example = togetherToolPreference();
    example.preferred_output = [{ role: 'tool', tool_call_id: 'call_abc123', content: '68' }];
    expect(await errors(example)).toEqual([[1, 'preference.output']]);
  });

  it('a preferred tool call without an id', async () => {
    const example = togetherToolPreference();
    example.preferred_output = [{ role: 'assistant', tool_calls: [{ type: 'function', function: weatherCall.function }] }];
    expect(await errors(example)).toEqual([[1, 'tool_call.invalid']]);
  });

  it('tools beside input instead of inside it (an extra top-level key is an error for Together)', async () => {
    const example = togetherToolPreference();
    const input = example.input as Json;
    example.tools = input.tools;
    delete input.tools;
    expect(await errors(example)).toEqual([[1, 'key.unknown']]);
  });

  it('identical tool-call outputs are still reported as identical', async () => {
    const example = togetherToolPreference();
    example.non_preferred_output = example.preferred_output;
    const report = await one(example, together);
    expect(pairs(report.errors)).toEqual([]);
    expect(pairs(report.warnings)).toEqual([[1, 'preference.identical']]);
  });
});

// ── OpenAI ─────────────────────────────────────────────────────────────────────────────────────────────────

// https://platform.openai.com/docs/guides/direct-preference-optimization, "Data format" (the page's example, with
// its empty tools list and parallel_tool_calls).
const openaiDpo = (): Json => ({
  input: {
    messages: [{ role: 'user', content: 'Hello, can you tell me how cold San Francisco is today?' }],
    tools: [],
    parallel_tool_calls: true,
  },
  preferred_output: [
    {
      role: 'assistant',
      content:
        'Today in San Francisco, it is not quite cold as expected. Morning clouds will give away to sunshine, with a high near 68°F (20°C) and a low around 57°F (14°C).',
    },
  ],
  non_preferred_output: [{ role: 'assistant', content: 'It is not particularly cold in San Francisco today.' }],
});

// https://platform.openai.com/docs/guides/reinforcement-fine-tuning, the security-review example's shape: a user
// prompt and the fields the grader reads as {{ item.compliant }} and {{ item.explanation }}. The page was read only
// in part here: the field names are the guide's as remembered, the wording is ours; the rule itself ("`messages` and
// `tools` are the only reserved keywords") is FineTuneReinforcementRequestInput's description in OpenAI's document.
const openaiRft = (): Json => ({
  messages: [{ role: 'user', content: 'Do you have a dedicated security team?' }],
  compliant: 'yes',
  explanation: 'A dedicated security team follows strict protocols for handling incidents.',
});

// OpenAI's fine-tuning guide, "Fine-tuning with function calling" (now https://platform.openai.com/docs/guides/
// supervised-fine-tuning): a tool call as the answer, with the tool's definition. Read here in Azure OpenAI's copy
// of the same example (learn.microsoft.com, "Fine-tuning and tool calling"), which quotes it word for word.
const openaiTools = (): Json => ({
  messages: [
    { role: 'user', content: 'What is the weather in San Francisco?' },
    {
      role: 'assistant',
      tool_calls: [
        {
          id: 'call_id',
          type: 'function',
          function: { name: 'get_current_weather', arguments: '{"location": "San Francisco, USA", "format": "celsius"}' },
        },
      ],
    },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_current_weather',
        description: 'Get the current weather',
        parameters: {
          type: 'object',
          properties: {
            location: { type: 'string', description: 'The city and country, eg. San Francisco, USA' },
            format: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          },
          required: ['location', 'format'],
        },
      },
    },
  ],
});

// https://platform.openai.com/docs/guides/vision-fine-tuning, "Data format": the question and the image in two user
// messages in a row, the image as an https link. Quoted from an earlier version of the page (as mirrored at
// daqianai.cc/docs/openai/guides/vision-fine-tuning); today's page has the same shape with an artwork instead.
const openaiVision = (): Json => ({
  messages: [
    { role: 'system', content: 'You are an assistant that identifies uncommon cheeses.' },
    { role: 'user', content: 'What is this cheese?' },
    {
      role: 'user',
      content: [{ type: 'image_url', image_url: { url: 'https://upload.wikimedia.org/wikipedia/commons/3/36/Danbo_Cheese.jpg' } }],
    },
    { role: 'assistant', content: 'Danbo' },
  ],
});

const openai = { provider: 'openai' } as const;
const rft = { provider: 'openai', method: 'reinforcement' } as const;
const firstContent =
  (i: number) =>
  (copy: Json): void => {
    const first = message(copy, 0);
    first.content = `${String(first.content)} (${i})`;
  };
const vary = (copy: Json, i: number): void => firstContent(i)(copy);
const varyVision = (copy: Json, i: number): void => {
  message(copy, 1).content = `What is this cheese, number ${i}?`;
};

describe('OpenAI: documented examples are accepted', () => {
  it('DPO, with tools: [] and parallel_tool_calls (platform.openai.com/docs/guides/direct-preference-optimization)', async () => {
    expectAccepted(await check(ten(openaiDpo(), vary), openai), 'preference');
  });

  it('DPO with a tool call as the preferred output (FineTunePreferenceRequestInput: the outputs are assistant messages, tool_calls included)', async () => {
    const example = openaiDpo();
    const input = example.input as Json;
    input.tools = openaiTools().tools;
    example.preferred_output = (openaiTools().messages as Json[]).slice(1);
    expectAccepted(await check(ten(example, vary), openai), 'preference');
  });

  it("reinforcement fine-tuning: a prompt and the grader's own fields (platform.openai.com/docs/guides/reinforcement-fine-tuning)", async () => {
    expectAccepted(await check(ten(openaiRft(), vary), rft), 'chat', 'reinforcement');
  });

  it('reinforcement fine-tuning with a developer message and tools (FineTuneReinforcementRequestInput)', async () => {
    const example: Json = { ...openaiRft(), tools: openaiTools().tools };
    (example.messages as Json[]).unshift({ role: 'developer', content: 'Answer yes or no, with an explanation.' });
    const report = await check(
      ten(example, (copy, i) => {
        message(copy, 1).content = `Question ${i}?`;
      }),
      rft,
    );
    expectAccepted(report, 'chat', 'reinforcement');
  });

  it('function calling: a tool call as the answer (platform.openai.com/docs/guides/supervised-fine-tuning)', async () => {
    expectAccepted(await check(ten(openaiTools(), vary), openai), 'chat', 'chat');
  });

  it('vision: an image link in a second user message (platform.openai.com/docs/guides/vision-fine-tuning)', async () => {
    const report = await check(ten(openaiVision(), varyVision), openai);
    expectAccepted(report, 'chat');
    expect(report.stats.images).toBe(10);
  });
});

describe('OpenAI: broken variants of the documented examples are still rejected', () => {
  const errors = async (example: Json, options: CheckDatasetOptions = openai): Promise<[number, string][]> =>
    pairs((await check(ten(example, vary), options)).errors);

  it('DPO: a non-preferred output from the user', async () => {
    const example = openaiDpo();
    example.non_preferred_output = [{ role: 'user', content: 'It is cold.' }];
    expect(await errors(example)).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 'preference.output']));
  });

  it('DPO: a preferred output with neither content nor tool_calls', async () => {
    const example = openaiDpo();
    example.preferred_output = [{ role: 'assistant' }];
    expect(await errors(example)).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 'content.missing']));
  });

  it('reinforcement data checked as supervised data: no assistant answer (the message says which method it needs)', async () => {
    const report = await check(ten(openaiRft(), vary), openai);
    expect(pairs(report.errors)).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 'assistant.missing']));
    expect(report.errors[0]?.message).toContain("method 'reinforcement'");
    expect(report.warnings.map((w) => w.code)).toContain('key.unknown');
  });

  it('reinforcement: an empty prompt, a misspelt role, a tool definition of the wrong type', async () => {
    /** The broken line first, then nine good ones. */
    const first = async (broken: Json): Promise<[number, string][]> =>
      pairs((await check([J(broken), ...ten(openaiRft(), vary).slice(1)], rft)).errors);
    expect(await first({ ...openaiRft(), messages: [] })).toEqual([[1, 'messages.empty']]);
    const misspelt = openaiRft();
    message(misspelt, 0).role = 'usr';
    expect(await first(misspelt)).toEqual([[1, 'role.invalid']]);
    expect(await errors({ ...openaiRft(), tools: [{ type: 'retrieval' }] }, rft)).toEqual(
      Array.from({ length: 10 }, (_, i) => [i + 1, 'tools.invalid']),
    );
  });

  it('reinforcement: a preference line in a reinforcement file', async () => {
    const lines = [J(openaiDpo()), ...ten(openaiRft(), vary).slice(1)];
    expect(pairs((await check(lines, rft)).errors)).toEqual([[1, 'format.mixed']]);
  });

  it('reinforcement is refused where the provider has no such method, and with another format', async () => {
    await expect(checkDataset(new Blob([J(openaiRft())]), { provider: 'together', method: 'reinforcement' })).rejects.toThrow(
      ValidationError,
    );
    await expect(checkDataset(new Blob([J(openaiRft())]), { provider: 'together', method: 'reinforcement' })).rejects.toThrow(
      /supervised, preference/,
    );
    await expect(
      checkDataset(new Blob([J(openaiRft())]), { provider: 'openai', method: 'reinforcement', format: 'preference' }),
    ).rejects.toThrow(/chat, the format of the reinforcement method/);
  });

  it('method preference insists on the preference format', async () => {
    const report = await check(ten(openaiTools(), vary), { provider: 'openai', method: 'preference' });
    expect(pairs(report.errors)).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 'format.mixed']));
  });

  it('function calling: a function name with a space, and a tool answer to an unknown call', async () => {
    const example = openaiTools();
    ((example.tools as Json[])[0]?.function as Json).name = 'get current weather';
    expect(await errors(example)).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 'tools.invalid']));
    const stray = openaiTools();
    (stray.messages as Json[]).push({ role: 'tool', tool_call_id: 'call_other', content: '20' });
    expect(await errors(stray)).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 'tool.call-id']));
  });

  it('vision: an image in the assistant message, and an image from an ftp link', async () => {
    const assistantImage = openaiVision();
    message(assistantImage, 3).content = [{ type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } }];
    expect(pairs((await check(ten(assistantImage, varyVision), openai)).errors)).toEqual(
      Array.from({ length: 10 }, (_, i) => [i + 1, 'part.invalid']),
    );
    const ftp = openaiVision();
    message(ftp, 2).content = [{ type: 'image_url', image_url: { url: 'ftp://example.com/Danbo_Cheese.jpg' } }];
    expect(pairs((await check(ten(ftp, varyVision), openai)).errors)).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 'image.url']));
  });
});

// ── Together: pre-tokenized Parquet ────────────────────────────────────────────────────────────────────────

// https://docs.together.ai/docs/fine-tuning/data-preparation, "Tokenized data": a .parquet file whose allowed fields
// are input_ids (required: "List of token ids to be fed to a model"), attention_mask (required: "List of indices
// specifying which tokens should be attended to") and labels (optional: "-100 … ignored in the loss"), as written by
// together-py's examples/tokenize_data.py (padding with attention_mask 0 and labels -100). Written here with
// hyparquet-writer (SNAPPY, the pyarrow default), input_ids as INT64 lists as pandas/pyarrow write them.

interface Column {
  name: string;
  data: unknown[];
  /** The element type of a list column, or a plain type (a column that is not a list). */
  type?: 'INT64' | 'INT32' | 'STRING';
  list?: boolean;
}

function parquet(columns: Column[], rowGroupSize?: number): Uint8Array<ArrayBuffer> {
  const schema: NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']> = [{ name: 'root', num_children: columns.length }];
  for (const { name, type = 'INT64', list = true } of columns) {
    if (!list)
      schema.push(
        type === 'STRING'
          ? { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }
          : { name, type, repetition_type: 'OPTIONAL' },
      );
    else
      schema.push(
        { name, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: type === 'STRING' ? 'BYTE_ARRAY' : type, repetition_type: 'REQUIRED' },
      );
  }
  const columnData = columns.map(({ name, data, type = 'INT64', list = true }) => ({
    name,
    data: list && type === 'INT64' ? data.map((row) => (Array.isArray(row) ? row.map((id: number) => BigInt(id)) : row)) : data,
  }));
  const buffer = parquetWriteBuffer({ columnData, schema, ...(rowGroupSize === undefined ? {} : { rowGroupSize }) });
  return new Uint8Array(buffer);
}

/** Three documented rows: the last padded to the length of the first (attention_mask 0, labels -100). */
const tokenized = (): Column[] => [
  {
    name: 'input_ids',
    data: [
      [128000, 9906, 1917, 0],
      [128000, 3923, 374, 13],
      [128000, 17, 0, 0],
    ],
  },
  {
    name: 'attention_mask',
    data: [
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 0, 0],
    ],
    type: 'INT32',
  },
  {
    name: 'labels',
    data: [
      [-100, 9906, 1917, 0],
      [-100, -100, 374, 13],
      [-100, 17, -100, -100],
    ],
  },
];
const replace = (columns: Column[], name: string, data: unknown[], extra: Partial<Column> = {}): Column[] =>
  columns.map((c) => (c.name === name ? { ...c, ...extra, data } : c));
const parquetFile = (bytes: Uint8Array<ArrayBuffer>, name = 'train.parquet'): File => new File([bytes], name);
const together = { provider: 'together' } as const;

describe('Together: the documented tokenized Parquet format', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tunekit-parquet-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts input_ids, attention_mask and labels from a path, a File and a named stream (docs.together.ai/docs/fine-tuning/data-preparation)', async () => {
    const bytes = parquet(tokenized());
    const path = join(dir, 'train.parquet');
    await writeFile(path, bytes);
    const sources = [path, parquetFile(bytes), new Blob([bytes]), Readable.from([Buffer.from(bytes)])];
    for (const [i, source] of sources.entries()) {
      const report = await checkDataset(source, { ...together, epochs: 2, ...(i >= 2 ? { name: 'train.parquet' } : {}) });
      expectAccepted(report, 'pretokenized', 'tokenized (Parquet)');
      expect(report.examples).toBe(3);
      expect(report.stats).toMatchObject({
        validExamples: 3,
        bytes: bytes.length,
        tokens: { total: 12, method: 'exact', tokenizer: 'input_ids' },
        billedTokens: { perEpoch: 12, epochs: 2, total: 24 },
      });
    }
  });

  it('accepts a file without the optional labels, and rows with null labels', async () => {
    expectAccepted(await checkDataset(parquetFile(parquet(tokenized().slice(0, 2))), together), 'pretokenized');
    expectAccepted(
      await checkDataset(parquetFile(parquet(replace(tokenized(), 'labels', [null, [1, 2, 3, 4], null]))), together),
      'pretokenized',
    );
  });

  it('names the row across row groups: a bad mask on row 5 of 6 in groups of 2', async () => {
    const rows = 6;
    const ids = Array.from({ length: rows }, (_, i) => [1, 2, i + 3]);
    const mask = ids.map((_, i) => (i === 4 ? [1, 1] : [1, 1, 1]));
    const report = await checkDataset(
      parquetFile(
        parquet(
          [
            { name: 'input_ids', data: ids },
            { name: 'attention_mask', data: mask, type: 'INT32' },
          ],
          2,
        ),
      ),
      together,
    );
    expect(pairs(report.errors)).toEqual([[5, 'mask.invalid']]);
    expect(report.errors[0]).toMatchObject({ field: 'attention_mask' });
    expect(report.errors[0]?.message).toMatch(/^row 5, column attention_mask has 2 entries and input_ids 3/);
    expect(report.stats.validExamples).toBe(5);
  });
});

describe('Together: broken Parquet files are rejected with the row and the column', () => {
  const errors = async (columns: Column[]): Promise<{ line: number; code: string; field?: string }[]> =>
    (await checkDataset(parquetFile(parquet(columns)), together)).errors.map(({ line, code, field }) =>
      field === undefined ? { line, code } : { line, code, field },
    );

  it("attention_mask missing (the page: required; the SDK's check asks only for input_ids)", async () => {
    expect(await errors(tokenized().filter((c) => c.name !== 'attention_mask'))).toEqual([
      { line: 0, code: 'key.missing', field: 'attention_mask' },
    ]);
  });

  it('input_ids missing', async () => {
    expect(await errors(tokenized().filter((c) => c.name !== 'input_ids'))).toEqual([{ line: 0, code: 'key.missing', field: 'input_ids' }]);
  });

  it('a column the format does not have, with the likely one', async () => {
    const report = await checkDataset(
      parquetFile(parquet([...tokenized().slice(0, 2), { name: 'label', data: tokenized()[2]?.data ?? [] }])),
      together,
    );
    expect(pairs(report.errors)).toEqual([[0, 'key.unknown']]);
    expect(report.errors[0]?.message).toContain('did you mean labels?');
  });

  it('input_ids as text, not a list of integers', async () => {
    expect(await errors(replace(tokenized(), 'input_ids', ['1 2 3 4', '5 6 7 8', '9 10 0 0'], { type: 'STRING', list: false }))).toEqual([
      { line: 0, code: 'type.invalid', field: 'input_ids' },
    ]);
  });

  it('an empty and a null input_ids row, and a negative token id', async () => {
    const ids = [[], null, [1, -2, 3, 4]];
    const report = await checkDataset(parquetFile(parquet(replace(tokenized(), 'input_ids', ids))), together);
    expect(report.errors.map(({ line, code, field }) => [line, code, field])).toEqual([
      [1, 'tokens.invalid', 'input_ids'],
      [2, 'tokens.invalid', 'input_ids'],
      [3, 'tokens.invalid', 'input_ids[1]'],
    ]);
    expect(report.errors[2]?.message).toBe('row 3, column input_ids[1] = -2 must be a non-negative token id');
  });

  it('an attention_mask value other than 0 and 1', async () => {
    expect(
      await errors(
        replace(tokenized(), 'attention_mask', [
          [1, 1, 1, 1],
          [1, 2, 1, 1],
          [1, 1, 0, 0],
        ]),
      ),
    ).toEqual([{ line: 2, code: 'mask.invalid', field: 'attention_mask[1]' }]);
  });

  it('labels of another length, and a label of -5', async () => {
    expect(
      await errors(
        replace(tokenized(), 'labels', [
          [-100, 9906, 1917],
          [-100, -100, 374, 13],
          [-100, 17, -5, -100],
        ]),
      ),
    ).toEqual([
      { line: 1, code: 'labels.length', field: 'labels' },
      { line: 3, code: 'labels.invalid', field: 'labels[2]' },
    ]);
  });

  it('a file that is not Parquet, though named so', async () => {
    const report = await checkDataset(parquetFile(new TextEncoder().encode('{"text": "hello"}\n')), together);
    expect(pairs(report.errors)).toEqual([[0, 'parquet.invalid']]);
    expect(report.format).toBeUndefined();
  });

  it('an empty Parquet file (no rows)', async () => {
    expect(pairs((await checkDataset(parquetFile(parquet(tokenized().map((c) => ({ ...c, data: [] })))), together)).errors)).toEqual([
      [0, 'file.empty'],
    ]);
  });

  it("a Parquet file for a provider that takes none, or for Together's evaluation purpose", async () => {
    const bytes = parquet(tokenized());
    for (const options of [{ provider: 'nebius' }, { provider: 'openai' }, { provider: 'together', purpose: 'eval' }] as const) {
      const report = await checkDataset(parquetFile(bytes), options);
      expect(pairs(report.errors)).toEqual([[0, 'format.unknown']]);
      expect(report.errors[0]?.message).toContain('JSON Lines');
    }
  });
});
