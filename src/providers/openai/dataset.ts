/**
 * OpenAI's dataset rules, from its fine-tuning guides (supervised, vision, function calling, DPO, reinforcement)
 * and the per-line schemas of its API document (`FineTuneChatRequestInput`, `FineTunePreferenceRequestInput`,
 * `FineTuneReinforcementRequestInput`, `FineTuneChatCompletionRequestAssistantMessage`).
 */
import type { ChatRules, DatasetProfile } from '../../dataset/profile.js';

const MiB = 2 ** 20;

const chat: ChatRules = {
  label: 'chat',
  keys: ['messages', 'tools', 'parallel_tool_calls', 'functions'],
  roles: {
    system: ['role', 'content', 'name'],
    user: ['role', 'content', 'name'],
    assistant: ['role', 'content', 'name', 'weight', 'tool_calls', 'function_call', 'refusal'],
    tool: ['role', 'content', 'tool_call_id'],
    function: ['role', 'content', 'name'],
  },
  alternate: false,
  requireAssistant: true,
  // FineTuneChatCompletionRequestAssistantMessage: "weight … 0 or 1", on assistant messages only.
  weightRoles: ['assistant'],
  content: {
    // "Input messages may contain text or image content only."
    parts: { system: ['text'], user: ['text', 'image_url'], assistant: ['text', 'refusal'], tool: ['text'] },
    // Vision fine-tuning: images in user messages, JPEG/PNG/WEBP, up to 10 MB each, at most 10 per example.
    images: {
      roles: ['user'],
      dataUrlsOnly: false,
      formats: ['jpeg', 'png', 'webp'],
      maxBytes: 10 * MiB,
      maxPerExample: 10,
      weightMustBeZero: false,
    },
    noMixing: false,
  },
  tools: true,
};

/**
 * Reinforcement fine-tuning lines (`method: 'reinforcement'`). `FineTuneReinforcementRequestInput`: "`messages` and
 * `tools` are the only reserved keywords. Any other arbitrary key-value data can be included on training datapoints
 * and will be available to reference during grading under the `{{ item.XXX }}` template variable." The messages
 * are the prompt the model answers while training, so no assistant answer is needed. Their roles are developer,
 * user, assistant and tool as read in that schema (version 2.3.0 of the document, through a generated client: the
 * mirrored document tunekit pins has no such schema, so this reading is less certain than the others); `system` is
 * not among them.
 */
const reinforcement: ChatRules = {
  ...chat,
  label: 'reinforcement',
  keys: ['messages', 'tools'],
  otherKeys: true,
  roles: {
    developer: ['role', 'content', 'name'],
    user: chat.roles.user ?? [],
    assistant: chat.roles.assistant ?? [],
    tool: chat.roles.tool ?? [],
  },
  requireAssistant: false,
  content: { ...chat.content, parts: { ...chat.content.parts, developer: ['text'] } },
};

export const profile: DatasetProfile = {
  provider: 'openai',
  sources: [
    'https://platform.openai.com/docs/guides/supervised-fine-tuning',
    'https://platform.openai.com/docs/guides/direct-preference-optimization',
    'https://platform.openai.com/docs/guides/vision-fine-tuning',
    'https://platform.openai.com/docs/guides/reinforcement-fine-tuning',
    'https://github.com/openai/openai-openapi (FineTuneChatRequestInput, FineTunePreferenceRequestInput)',
  ],
  // files.upload uses POST /files: "Individual files can be up to 512 MB".
  maxFileBytes: 512 * MiB,
  // "The minimum number of examples you can provide for fine-tuning is 10."
  minExamples: 10,
  extraKeys: 'warning',
  blankLines: 'warning',
  warnBom: false,
  formats: {
    chat,
    preference: {
      label: 'preference (DPO)',
      keys: ['input', 'preferred_output', 'non_preferred_output'],
      inputKeys: ['tools', 'parallel_tool_calls'],
      input: { ...chat, requireAssistant: false },
    },
  },
  reinforcement,
  // n_epochs defaults to "auto", chosen by the server from the dataset size: pass `epochs` to estimate the bill.
  models: [
    // Training examples are limited to 65,536 tokens on the GPT-4o and GPT-4.1 families (longer ones are truncated).
    { match: /^(ft:)?gpt-4o/, encoding: 'o200k_base', contextLength: 65_536 },
    { match: /^(ft:)?gpt-4\.1/, encoding: 'o200k_base', contextLength: 65_536 },
    { match: /^(ft:)?(o\d|gpt-5)/, encoding: 'o200k_base' },
    { match: /^(ft:)?gpt-3\.5-turbo-0613/, encoding: 'cl100k_base', contextLength: 4_096 },
    { match: /^(ft:)?gpt-3\.5-turbo/, encoding: 'cl100k_base', contextLength: 16_385 },
    { match: /^(ft:)?gpt-4-0613/, encoding: 'cl100k_base', contextLength: 8_192 },
    { match: /^(ft:)?(gpt-4|babbage-002|davinci-002)/, encoding: 'cl100k_base' },
  ],
  // OpenAI's cookbook counting: 3 tokens per message, 1 more per name, 3 to prime the reply.
  template: { perMessage: 3, perName: 1, perExample: 3 },
};
