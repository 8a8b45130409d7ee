import { describe, expectTypeOf, it } from 'vitest';
import {
  createTogetherClient,
  type Page,
  type PageList,
  type RequestOptions,
  type TogetherCheckpoint,
  type TogetherFile,
  type TogetherFileDeleted,
  type TogetherJob,
  type TogetherJobCreateParams,
  type TogetherJobDeleted,
  type TogetherJobEvent,
  type TogetherJobSummary,
  type TogetherPriceEstimate,
} from '../../src/index.js';
import { createTogetherClient as fromSubpath } from '../../src/providers/together/client.js';
import type { components, paths } from '../../generated/together.js';

const together = createTogetherClient({ apiKey: 'k' });

describe('together public surface', () => {
  it('is the same factory from tunekit and tunekit/together', () => {
    expectTypeOf(createTogetherClient).toEqualTypeOf(fromSubpath);
  });

  it('uses the generated types, not hand-copied ones', () => {
    expectTypeOf<TogetherJob>().toEqualTypeOf<components['schemas']['FinetuneResponse']>();
    expectTypeOf<TogetherJobSummary>().toEqualTypeOf<components['schemas']['FinetuneResponseTruncated']>();
    expectTypeOf<TogetherJobCreateParams>().toEqualTypeOf<paths['/fine-tunes']['post']['requestBody']['content']['application/json']>();
    expectTypeOf<TogetherFile>().toEqualTypeOf<components['schemas']['FileResponse']>();
  });

  it('returns typed data', () => {
    expectTypeOf(together.jobs.create).returns.resolves.toEqualTypeOf<TogetherJobSummary>();
    expectTypeOf(together.jobs.retrieve('id')).resolves.toEqualTypeOf<TogetherJob>();
    expectTypeOf(together.jobs.cancel('id')).resolves.toEqualTypeOf<TogetherJobSummary>();
    expectTypeOf(together.jobs.delete('id')).resolves.toEqualTypeOf<TogetherJobDeleted>();
    expectTypeOf(together.jobs.estimatePrice).returns.resolves.toEqualTypeOf<TogetherPriceEstimate>();
    expectTypeOf(together.jobs.download('id')).resolves.toEqualTypeOf<Response>();
    expectTypeOf(together.files.upload).returns.resolves.toEqualTypeOf<TogetherFile>();
    expectTypeOf(together.files.retrieve('f')).resolves.toEqualTypeOf<TogetherFile>();
    expectTypeOf(together.files.content('f')).resolves.toEqualTypeOf<Response>();
    expectTypeOf(together.files.delete('f')).resolves.toEqualTypeOf<TogetherFileDeleted>();
    expectTypeOf<TogetherJob['status']>().toEqualTypeOf<
      'pending' | 'queued' | 'running' | 'compressing' | 'uploading' | 'cancel_requested' | 'cancelled' | 'error' | 'completed'
    >();
  });

  it('lists are awaitable pages and async iterables of items', () => {
    expectTypeOf(together.jobs.list()).toEqualTypeOf<PageList<TogetherJobSummary>>();
    expectTypeOf(together.jobs.list()).resolves.toEqualTypeOf<Page<TogetherJobSummary>>();
    expectTypeOf(together.jobs.events('id')).toEqualTypeOf<PageList<TogetherJobEvent>>();
    expectTypeOf(together.jobs.checkpoints('id')).toMatchTypeOf<AsyncIterable<TogetherCheckpoint>>();
    expectTypeOf(together.files.list()).toEqualTypeOf<PageList<TogetherFile>>();
  });

  it('takes RequestOptions last on every method', () => {
    expectTypeOf(together.jobs.create).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(together.jobs.list).parameter(0).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(together.jobs.events).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(together.jobs.download).parameter(2).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(together.files.upload).parameter(2).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(together.files.delete).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
  });

  it('rejects wrong bodies and parameters at compile time', () => {
    // @ts-expect-error model is required
    void together.jobs.create({ training_file: 'f' });
    // @ts-expect-error training_file is required
    void together.jobs.create({ model: 'm' });
    // @ts-expect-error n_epochs is a number
    void together.jobs.create({ model: 'm', training_file: 'f', n_epochs: 'three' });
    // @ts-expect-error batch_size is a number or 'max'
    void together.jobs.create({ model: 'm', training_file: 'f', batch_size: 'min' });
    // @ts-expect-error training_method is sft or dpo
    void together.jobs.create({ model: 'm', training_file: 'f', training_method: { method: 'rlhf' } });
    // @ts-expect-error estimatePrice needs training_file
    void together.jobs.estimatePrice({ model: 'm' });
    // @ts-expect-error checkpoint is merged, adapter or model_output_path
    void together.jobs.download('ft-1', { checkpoint: 'full' });
    // @ts-expect-error purpose is a FilePurpose
    void together.files.upload('train.jsonl', { purpose: 'training' });
    // @ts-expect-error file_type is csv, jsonl or parquet
    void together.files.upload('train.jsonl', { file_type: 'txt' });
    // @ts-expect-error a job id is required
    void together.jobs.retrieve();
    // @ts-expect-error the Together list takes no query
    void together.jobs.list({ limit: 10 });
    // @ts-expect-error the raw client knows the paths
    void together.raw.GET('/fine_tuning/jobs');
  });
});
