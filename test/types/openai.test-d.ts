import { describe, expectTypeOf, it } from 'vitest';
import {
  createOpenAIClient,
  type OpenAICheckpoint,
  type OpenAIClientOptions,
  type OpenAIFile,
  type OpenAIFileDeleted,
  type OpenAIJob,
  type OpenAIJobCreateParams,
  type OpenAIJobEvent,
  type Page,
  type PageList,
  type RequestOptions,
} from '../../src/index.js';
import { createOpenAIClient as fromSubpath } from '../../src/providers/openai/client.js';
import type { components } from '../../generated/openai.js';

const openai = createOpenAIClient({ apiKey: 'k', organization: 'org-1', project: 'proj-1' });

describe('openai public surface', () => {
  it('is the same factory from tunekit and tunekit/openai', () => {
    expectTypeOf(createOpenAIClient).toEqualTypeOf(fromSubpath);
  });

  it('uses the generated types, not hand-copied ones', () => {
    expectTypeOf<OpenAIJob>().toEqualTypeOf<components['schemas']['FineTuningJob']>();
    expectTypeOf<OpenAIJobCreateParams>().toEqualTypeOf<components['schemas']['CreateFineTuningJobRequest']>();
    expectTypeOf<OpenAIFile>().toEqualTypeOf<components['schemas']['OpenAIFile']>();
  });

  it('accepts organization and project as strings', () => {
    expectTypeOf<OpenAIClientOptions['organization']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<OpenAIClientOptions['project']>().toEqualTypeOf<string | undefined>();
  });

  it('returns typed data', () => {
    expectTypeOf(openai.jobs.create).returns.resolves.toEqualTypeOf<OpenAIJob>();
    expectTypeOf(openai.jobs.retrieve('id')).resolves.toEqualTypeOf<OpenAIJob>();
    expectTypeOf(openai.jobs.cancel('id')).resolves.toEqualTypeOf<OpenAIJob>();
    expectTypeOf(openai.jobs.pause('id')).resolves.toEqualTypeOf<OpenAIJob>();
    expectTypeOf(openai.jobs.resume('id')).resolves.toEqualTypeOf<OpenAIJob>();
    expectTypeOf(openai.files.upload).returns.resolves.toEqualTypeOf<OpenAIFile>();
    expectTypeOf(openai.files.retrieve('f')).resolves.toEqualTypeOf<OpenAIFile>();
    expectTypeOf(openai.files.content('f')).resolves.toEqualTypeOf<Response>();
    expectTypeOf(openai.files.delete('f')).resolves.toEqualTypeOf<OpenAIFileDeleted>();
    expectTypeOf<OpenAIJob['status']>().toEqualTypeOf<
      'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'paused'
    >();
  });

  it('lists are awaitable pages and async iterables of items', () => {
    expectTypeOf(openai.jobs.list()).toEqualTypeOf<PageList<OpenAIJob>>();
    expectTypeOf(openai.jobs.list()).resolves.toEqualTypeOf<Page<OpenAIJob>>();
    expectTypeOf(openai.jobs.events('id')).toEqualTypeOf<PageList<OpenAIJobEvent>>();
    expectTypeOf(openai.jobs.checkpoints('id')).toMatchTypeOf<AsyncIterable<OpenAICheckpoint>>();
    expectTypeOf(openai.files.list()).toEqualTypeOf<PageList<OpenAIFile>>();
  });

  it('takes RequestOptions last on every method', () => {
    expectTypeOf(openai.jobs.create).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(openai.jobs.list).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(openai.jobs.events).parameter(2).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(openai.jobs.pause).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(openai.files.list).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(openai.files.upload).parameter(2).toEqualTypeOf<RequestOptions | undefined>();
  });

  it('rejects wrong bodies and parameters at compile time', () => {
    // @ts-expect-error training_file is required
    void openai.jobs.create({ model: 'gpt-4o-mini' });
    // @ts-expect-error seed is a number
    void openai.jobs.create({ model: 'gpt-4o-mini', training_file: 'f', seed: '42' });
    // @ts-expect-error method.type is supervised, dpo or reinforcement
    void openai.jobs.create({ model: 'gpt-4o-mini', training_file: 'f', method: { type: 'lora' } });
    // @ts-expect-error hyperparameters.n_epochs is a number or 'auto'
    void openai.jobs.create({ model: 'gpt-4o-mini', training_file: 'f', hyperparameters: { n_epochs: 'many' } });
    // @ts-expect-error limit is a number
    void openai.jobs.list({ limit: '10' });
    // @ts-expect-error order is asc or desc
    void openai.files.list({ order: 'newest' });
    // @ts-expect-error purpose is one of the upload purposes
    void openai.files.upload('train.jsonl', { purpose: 'fine-tune-results' });
    // @ts-expect-error a job id is required
    void openai.jobs.pause();
    // @ts-expect-error organization is a string
    createOpenAIClient({ apiKey: 'k', organization: 42 });
    // @ts-expect-error the raw client knows the paths
    void openai.raw.GET('/fine-tunes');
  });
});
