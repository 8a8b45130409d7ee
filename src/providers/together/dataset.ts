/**
 * Together AI's dataset rules, from its data-preparation guide, its function-calling and preference-tuning pages,
 * and its SDKs' own checks (together-python `together/utils/files.py` `check_file`, together-ai
 * `lib/check-file.ts` `checkFile`). Where the pages disagree, the more specific page wins:
 * - the data-preparation page says a conversation starts with system or user and has only system, user and
 *   assistant messages; the function-calling page adds `tools`, assistant `tool_calls` in place of content and
 *   `tool` messages (for conversations and, with `tools` inside `input`, preference data): followed;
 * - the preference-tuning page's own example opens `input.messages` with an assistant message: so the preference
 *   input may start with any role (the data-preparation rule stays for conversations).
 * The SDKs' checks (as read in together-python, together-py) require `content` on every message and know no
 * `tool` role: they lag the function-calling page, which tunekit follows.
 */
import type { ChatRules, DatasetProfile } from '../../dataset/profile.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

const messageKeys = ['role', 'content', 'weight'];

const conversation: ChatRules = {
  label: 'conversation',
  // Function calling: "Each line may contain a `tools` field listing the tools the model can use".
  keys: ['messages', 'tools'],
  roles: {
    system: messageKeys,
    user: messageKeys,
    assistant: messageKeys,
    // "Tool call results are provided via messages with the `tool` role" (its example: role, tool_call_id, content).
    tool: messageKeys,
  },
  // "The conversation must start with system or user and alternate user and assistant afterwards."
  firstRoles: ['system', 'user'],
  alternate: true,
  requireAssistant: true,
  // The SDKs check `weight` (0 or 1) on every message, whatever its role.
  weightRoles: ['system', 'user', 'assistant', 'tool'],
  content: {
    parts: { system: ['text', 'image_url'], user: ['text', 'image_url'], assistant: ['text', 'image_url'] },
    // MAX_IMAGES_PER_EXAMPLE = 10, MAX_IMAGE_BYTES = 10 MB, JPEG/PNG/WEBP base64 data URLs, user messages only.
    images: {
      roles: ['user'],
      dataUrlsOnly: true,
      formats: ['jpeg', 'png', 'webp'],
      maxBytes: 10 * MiB,
      maxPerExample: 10,
      weightMustBeZero: true,
    },
    noMixing: true,
  },
  // "Assistant messages can include `tool_calls` (structured invocation requests) instead of `content`": with
  // `tools`, an assistant message may carry `tool_calls` and a tool message its `tool_call_id`.
  tools: true,
};

export const profile: DatasetProfile = {
  provider: 'together',
  sources: [
    'https://docs.together.ai/docs/fine-tuning/data-preparation',
    'https://docs.together.ai/docs/fine-tuning/function-calling (conversational and preference examples with tools)',
    'https://docs.together.ai/docs/fine-tuning/preference-tuning (its example opens input.messages with an assistant message)',
    'https://github.com/togethercomputer/together-python/blob/main/src/together/utils/files.py',
    'together-ai (npm) src/lib/check-file.ts',
  ],
  // The guide: "The file size limit for either format is 100 GB" (the SDKs' own constants lag: 50.1 GB, 4.9 GB).
  maxFileBytes: 100 * GiB,
  minExamples: 1,
  // check_file: 'Found extra column "…"' is a failure.
  extraKeys: 'error',
  // check_file runs json.loads on every line, so an empty one fails the check.
  blankLines: 'error',
  // check_file opens the file as plain utf-8, so json.loads sees the mark and fails on line 1.
  warnBom: true,
  formats: {
    chat: conversation,
    preference: {
      label: 'preference',
      keys: ['input', 'preferred_output', 'non_preferred_output'],
      // Function calling: "For preference fine-tuning, the `tools` array nests inside `input`."
      inputKeys: ['tools'],
      // The preference page (more specific than the data-preparation page) opens its example with the assistant.
      input: { ...conversation, keys: ['messages'], requireAssistant: false, firstRoles: undefined },
    },
    instruction: { label: 'instruction', parts: true },
    text: { label: 'general' },
  },
  // "The file format must be in the .parquet format. Allowed fields: input_ids (required) …, attention_mask
  // (required) …, labels (optional) …" (data-preparation page). The SDKs' own check requires only input_ids and
  // refuses any other column; the page is followed (attention_mask required).
  parquet: { label: 'tokenized (Parquet)', required: ['input_ids', 'attention_mask'], optional: ['labels'] },
  defaultEpochs: 1,
  models: [],
  template: { perMessage: 3, perName: 1, perExample: 3 },
};
