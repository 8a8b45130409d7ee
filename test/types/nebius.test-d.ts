import { describe, expectTypeOf, it } from 'vitest';
import {
  createNebiusClient,
  type NebiusCheckpoint,
  type NebiusFile,
  type NebiusJob,
  type NebiusJobCreateParams,
  type NebiusJobEvent,
  type Page,
  type PageList,
  type RequestOptions,
} from '../../src/index.js';
import type { components } from '../../generated/nebius.js';

const nebius = createNebiusClient({ apiKey: 'k' });

describe('nebius public surface', () => {
  it('uses the generated types, not hand-copied ones', () => {
    expectTypeOf<NebiusJob>().toEqualTypeOf<components['schemas']['FineTuningJob']>();
    expectTypeOf<NebiusJobCreateParams>().toEqualTypeOf<components['schemas']['FineTuningRequest']>();
  });

  it('returns typed data', () => {
    expectTypeOf(nebius.jobs.retrieve('id')).resolves.toEqualTypeOf<NebiusJob>();
    expectTypeOf(nebius.jobs.create).returns.resolves.toEqualTypeOf<NebiusJob>();
    expectTypeOf(nebius.jobs.cancel).returns.resolves.toEqualTypeOf<NebiusJob>();
    expectTypeOf(nebius.files.retrieve('f')).resolves.toEqualTypeOf<NebiusFile>();
    expectTypeOf(nebius.files.content('f')).resolves.toEqualTypeOf<Response>();
    expectTypeOf<NebiusJob['status']>().toEqualTypeOf<'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'>();
  });

  it('lists are awaitable pages and async iterables of items', () => {
    expectTypeOf(nebius.jobs.list()).toEqualTypeOf<PageList<NebiusJob>>();
    expectTypeOf(nebius.jobs.list()).resolves.toEqualTypeOf<Page<NebiusJob>>();
    expectTypeOf(nebius.jobs.events('id')).toMatchTypeOf<AsyncIterable<NebiusJobEvent>>();
    expectTypeOf(nebius.jobs.checkpoints('id')).toMatchTypeOf<AsyncIterable<NebiusCheckpoint>>();
  });

  it('takes RequestOptions last on every method', () => {
    expectTypeOf(nebius.jobs.retrieve).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(nebius.jobs.create).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(nebius.jobs.list).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(nebius.jobs.checkpoint).parameter(2).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(nebius.files.upload).parameter(2).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(nebius.files.delete).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
  });

  it('rejects wrong bodies and parameters at compile time', () => {
    // @ts-expect-error training_file is required
    void nebius.jobs.create({ model: 'm' });
    // @ts-expect-error n_epochs is a number
    void nebius.jobs.create({ model: 'm', training_file: 'f', hyperparameters: { n_epochs: 'three' } });
    // @ts-expect-error suffix is a string
    void nebius.jobs.create({ model: 'm', training_file: 'f', suffix: 7 });
    // @ts-expect-error limit is a number
    void nebius.jobs.list({ limit: '10' });
    // @ts-expect-error purpose is 'batch' | 'fine-tune'
    void nebius.files.upload('train.jsonl', { purpose: 'training' });
    // @ts-expect-error a job id is required
    void nebius.jobs.retrieve();
    // @ts-expect-error request types are closed: `epochs` is not a key (n_epochs is)
    void nebius.jobs.create({ model: 'm', training_file: 'f', hyperparameters: { epochs: 3 } });
    // @ts-expect-error request types are closed: a misspelled top-level key does not compile
    void nebius.jobs.create({ model: 'm', training_file: 'f', trainingFile: 'f' });
    // extra_body is the document's own place for trainer options; RequestOptions.extraBody for the rest
    void nebius.jobs.create({ model: 'm', training_file: 'f', extra_body: { anything: 1 } }, { extraBody: { priority: 'high' } });
    // @ts-expect-error timeoutMs is a number
    void nebius.jobs.retrieve('id', { timeoutMs: '5s' });
    // @ts-expect-error the raw client knows the paths
    void nebius.raw.GET('/v1/fine_tuning/nope');
  });
});
