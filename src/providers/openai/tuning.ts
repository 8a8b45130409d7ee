/** OpenAI in the neutral vocabulary: its mapping table (it refuses what it does not expose), its objects, its calls. */
import {
  createOpenAIClient,
  type OpenAICheckpoint,
  type OpenAIClient,
  type OpenAIClientOptions,
  type OpenAIFile,
  type OpenAIJob,
  type OpenAIJobCreateParams,
  type OpenAIJobEvent,
} from './client.js';
import { openAIStyleEvent } from '../openai-style/wait.js';
import type { MappingTable } from '../../workflow/neutral.js';
import { openaiFailure, openaiProgress, openaiStatus } from './wait.js';
import { CLIENT_OPTION_KEYS, type ProviderTuning } from '../../workflow/tuning.js';
import { rules } from '../../../generated/openai.rules.js';
import { openAIStyleCalls, openAIStyleCheckpoint, openAIStyleJob, openAIStyleMapping } from '../openai-style/tuning.js';
import { dateOf } from '../../core/records.js';

/** OpenAI's mapping: the OpenAI family's, with the grader types its document lists. */
export const openaiMapping: MappingTable<OpenAIJobCreateParams> = openAIStyleMapping({
  label: 'OpenAI',
  graders: ['string_check', 'text_similarity', 'python', 'score_model', 'multi'],
});

/** OpenAI's own types, as its tuning module works with them. */
type Types = {
  client: OpenAIClient;
  clientOptions: OpenAIClientOptions;
  job: OpenAIJob;
  jobSummary: OpenAIJob;
  createParams: OpenAIJobCreateParams;
  file: OpenAIFile;
  checkpoint: OpenAICheckpoint;
  event: OpenAIJobEvent;
};

export const tuning: ProviderTuning<'openai', Types> = {
  provider: 'openai',
  createClient: createOpenAIClient,
  clientOptionKeys: { ...CLIENT_OPTION_KEYS, organization: true, project: true },
  createRules: { rules, operation: 'POST /fine_tuning/jobs' },
  mapping: openaiMapping,
  baseRequest: (model, trainingFile, providerOptions) => ({ ...providerOptions, model, training_file: trainingFile }),
  job: openAIStyleJob('openai', { status: openaiStatus, progress: openaiProgress, failure: openaiFailure }),
  file: (raw) => ({
    provider: 'openai',
    id: raw.id,
    filename: raw.filename,
    bytes: raw.bytes,
    createdAt: dateOf(raw.created_at),
    purpose: raw.purpose,
    status: raw.status,
    raw,
  }),
  checkpoint: openAIStyleCheckpoint('openai'),
  event: openAIStyleEvent,
  calls: openAIStyleCalls<Types>(),
};
