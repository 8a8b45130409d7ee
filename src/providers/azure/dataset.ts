/**
 * Azure OpenAI's dataset rules: the OpenAI formats (chat, preference), as Azure's fine-tuning documentation
 * describes them for the same models (JSONL of `messages`; DPO's `input` / `preferred_output` /
 * `non_preferred_output`). Where Azure's documentation states a difference, it is applied here with its source:
 * - the upload: Azure's `POST /files` (its v1 document, `AzureCreateFileRequestMultiPart`) takes one request, no
 *   Uploads API, so a file must fit one request: 512 MB, Azure's documented fine-tuning file limit;
 * - the base models: Azure names its own deployable model versions (`gpt-4.1-mini-2025-04-14`, `gpt-4o-2024-08-06`,
 *   …), tokenized as OpenAI's.
 * The per-line schema and the counting are OpenAI's, from `src/providers/openai/dataset.ts`.
 */
import type { DatasetProfile } from '../../dataset/profile.js';
import { profile as openai } from '../openai/dataset.js';

const MiB = 2 ** 20;

export const profile: DatasetProfile = {
  ...openai,
  provider: 'azure',
  sources: [
    'https://learn.microsoft.com/azure/ai-foundry/openai/how-to/fine-tuning (data preparation: chat JSONL, at least 10 examples)',
    'https://learn.microsoft.com/azure/ai-foundry/openai/how-to/fine-tuning-direct-preference-optimization (DPO format)',
    'https://github.com/Azure/azure-rest-api-specs specification/ai/data-plane/OpenAI.v1 (AzureCreateFileRequestMultiPart)',
    ...openai.sources,
  ],
  // One request per file (no Uploads API on Azure): "The maximum file upload size is 512 MB".
  maxFileBytes: 512 * MiB,
  // "You must have at least 10 training examples" (Azure's data preparation section; the same floor as OpenAI's).
  minExamples: 10,
};
