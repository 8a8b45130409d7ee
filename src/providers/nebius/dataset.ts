/**
 * Nebius Token Factory's dataset rules, from its "Dataset formats for fine-tuning" page and the defaults of
 * `SupervisedHParameters` in its API document. Nebius publishes no checker of its own.
 */
import type { DatasetProfile } from '../../dataset/profile.js';

const GB = 2 ** 30;

export const profile: DatasetProfile = {
  provider: 'nebius',
  sources: [
    'https://docs.tokenfactory.nebius.com/post-training/datasets',
    'https://api.tokenfactory.nebius.com/openapi.json (SupervisedHParameters: n_epochs 3, context_length 8192)',
  ],
  // "The size limit for dataset files is 50GB."
  maxFileBytes: 50 * GB,
  minExamples: 1,
  extraKeys: 'warning',
  blankLines: 'warning',
  warnBom: false,
  formats: {
    chat: {
      label: 'conversational',
      keys: ['messages', 'tools'],
      roles: {
        system: ['role', 'content'],
        user: ['role', 'content'],
        assistant: ['role', 'content', 'tool_calls'],
        tool: ['role', 'content', 'tool_call_id', 'name'],
      },
      alternate: false,
      requireAssistant: true,
      // "The final message in messages should always be an assistant message with the natural-language answer
      // you want the model to produce (not a tool call)."
      lastRole: 'assistant',
      weightRoles: [],
      content: { parts: {}, noMixing: false },
      tools: true,
    },
    instruction: { label: 'instruction', parts: false },
    text: { label: 'text' },
    // token_ids: list[int], required; labels: list[int], optional, -100 masks a position out of the loss.
    pretokenized: { label: 'pretokenized' },
  },
  defaultEpochs: 3,
  defaultContextLength: 8192,
  models: [],
  template: { perMessage: 3, perName: 1, perExample: 3 },
};
