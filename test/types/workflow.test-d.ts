import { describe, expectTypeOf, it } from 'vitest';
import type { JobFailedError, WaitTimeoutError } from '../../src/index.js';
import {
  createNebiusClient,
  createTuner,
  type Job,
  type JobOf,
  type JobStatus,
  type NebiusJob,
  type NeutralCheckpoint,
  type OpenAICheckpoint,
  type OpenAIJob,
  type TogetherJob,
  type TogetherJobSummary,
  type CostEstimate,
  type TrainProgress,
  type TrainResult,
  type WaitProgress,
  type WaitState,
} from '../../src/index.js';

describe('the workflow API', () => {
  it("narrows a neutral job's raw object by provider", () => {
    const job = {} as Job;
    if (job.provider === 'nebius') expectTypeOf(job.raw).toEqualTypeOf<NebiusJob>();
    if (job.provider === 'together') expectTypeOf(job.raw).toEqualTypeOf<TogetherJob | TogetherJobSummary>();
    if (job.provider === 'openai') expectTypeOf(job.raw).toEqualTypeOf<OpenAIJob>();
    expectTypeOf<Job['status']>().toEqualTypeOf<JobStatus>();
    expectTypeOf<JobStatus>().toEqualTypeOf<'validating' | 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled'>();
    expectTypeOf<JobOf<'nebius' | 'openai'>>().toEqualTypeOf<JobOf<'nebius'> | JobOf<'openai'>>();
    expectTypeOf<Job['createdAt']>().toEqualTypeOf<Date | undefined>();
  });

  it('types a tuner by its provider', () => {
    const tuner = createTuner({ provider: 'openai', apiKey: 'k' });
    expectTypeOf(tuner.jobs.retrieve('id')).resolves.toEqualTypeOf<JobOf<'openai'>>();
    expectTypeOf(tuner.jobs.checkpoints('id')).toMatchTypeOf<AsyncIterable<NeutralCheckpoint<OpenAICheckpoint>>>();
    expectTypeOf(tuner.train).returns.resolves.toEqualTypeOf<TrainResult<'openai'>>();
    expectTypeOf<TrainResult<'openai'>['model']>().toEqualTypeOf<string | undefined>();
    // providerOptions takes fields of the provider's own request, not the neutral ones' fields
    void tuner.jobs.create({ model: 'm', trainingFile: 'f', providerOptions: { seed: 7, metadata: { team: 'ml' } } });
    // @ts-expect-error model and trainingFile are required
    void tuner.jobs.create({ epochs: 3 });
    // @ts-expect-error epochs is a number
    void tuner.jobs.create({ model: 'm', trainingFile: 'f', epochs: 'three' });
    // @ts-expect-error a field of another provider's request (Together's n_checkpoints)
    void tuner.jobs.create({ model: 'm', trainingFile: 'f', providerOptions: { n_checkpoints: 3 } });
  });

  it('reports train progress as a union discriminated by stage', () => {
    const onProgress = (p: TrainProgress<'nebius'>): void => {
      if (p.stage === 'upload') expectTypeOf(p.loaded).toEqualTypeOf<number>();
      if (p.stage === 'wait') expectTypeOf(p.progress).toMatchTypeOf<WaitProgress<NebiusJob>>();
      if (p.stage === 'deploy') expectTypeOf(p.model).toEqualTypeOf<string>();
    };
    void onProgress;
  });

  it('gives every client jobs.wait with typed progress, state and errors', () => {
    const nebius = createNebiusClient({ apiKey: 'k' });
    expectTypeOf(nebius.jobs.wait('id')).resolves.toEqualTypeOf<NebiusJob>();
    void nebius.jobs.wait('id', {
      onProgress: (p) => {
        expectTypeOf(p.job).toEqualTypeOf<NebiusJob>();
        expectTypeOf(p.state).toEqualTypeOf<WaitState>();
        expectTypeOf(p.trainingLoss).toEqualTypeOf<number | undefined>();
      },
      timeoutMs: 1000,
    });
    // @ts-expect-error pollIntervalMs is a number of milliseconds
    void nebius.jobs.wait('id', { pollIntervalMs: '5s' });
    expectTypeOf<JobFailedError['code']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<WaitTimeoutError['jobId']>().toEqualTypeOf<string>();
    expectTypeOf(nebius.models.wait).returns.resolves.toMatchTypeOf<{ name?: string }>();
  });

  it("estimate takes train's request and answers the provider's estimate; train's estimate stage and confirm carry it", () => {
    const tuner = createTuner({ provider: 'together', apiKey: 'k' });
    expectTypeOf(tuner.estimate({ model: 'm', trainingFile: './train.jsonl', epochs: 3 })).resolves.toEqualTypeOf<
      CostEstimate<'together'>
    >();
    void tuner.estimate({ model: 'm', trainingFile: new Blob([]) }, { pricePerMillionTokens: 3 });
    // @ts-expect-error the rate is a number of US dollars
    void tuner.estimate({ model: 'm', trainingFile: 'file-1' }, { pricePerMillionTokens: '$3' });
    expectTypeOf<CostEstimate['price']>().toEqualTypeOf<
      { amount: number; currency: 'USD'; source: 'provider' | 'rate'; ratePerMillionTokens: number | undefined } | undefined
    >();
    expectTypeOf<CostEstimate['tokens']['method']>().toEqualTypeOf<'exact' | 'estimate' | 'provider' | 'unknown'>();
    void tuner.train(
      { model: 'm', trainingFile: './train.jsonl' },
      {
        estimate: { pricePerMillionTokens: 2 },
        confirm: (estimate) => {
          expectTypeOf(estimate).toEqualTypeOf<CostEstimate<'together'>>();
          return (estimate.price?.amount ?? 0) < 10;
        },
        onProgress: (p) => {
          if (p.stage === 'estimate') expectTypeOf(p.estimate.allowedToProceed).toEqualTypeOf<boolean | undefined>();
        },
      },
    );
  });
});
