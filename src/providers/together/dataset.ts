/**
 * Together AI's dataset rules, from its data-preparation guide and its SDKs' own checks
 * (together-python `together/utils/files.py` `check_file`, together-ai `lib/check-file.ts` `checkFile`).
 */
import type { ChatRules, DatasetProfile } from '../../dataset/profile.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

const messageKeys = ['role', 'content', 'weight'];

const conversation: ChatRules = {
  label: 'conversation',
  keys: ['messages'],
  roles: { system: messageKeys, user: messageKeys, assistant: messageKeys },
  // "The conversation must start with system or user and alternate user and assistant afterwards."
  firstRoles: ['system', 'user'],
  alternate: true,
  requireAssistant: true,
  weightRoles: ['system', 'user', 'assistant'],
  content: {
    parts: { system: ['text', 'image_url'], user: ['text', 'image_url'], assistant: ['text', 'image_url'] },
    // MAX_IMAGES_PER_EXAMPLE = 10, MAX_IMAGE_BYTES = 10 MB, JPEG/PNG/WEBP base64 data URLs, user messages only.
    images: { roles: ['user'], dataUrlsOnly: true, formats: ['jpeg', 'png', 'webp'], maxBytes: 10 * MiB, maxPerExample: 10, weightMustBeZero: true },
    noMixing: true,
  },
  tools: false,
};

export const profile: DatasetProfile = {
  provider: 'together',
  sources: [
    'https://docs.together.ai/docs/fine-tuning/data-preparation',
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
      inputKeys: [],
      input: { ...conversation, requireAssistant: false },
    },
    instruction: { label: 'instruction', parts: true },
    text: { label: 'general' },
  },
  defaultEpochs: 1,
  models: [],
  template: { perMessage: 3, perName: 1, perExample: 3 },
};
