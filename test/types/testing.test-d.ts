import { describe, expectTypeOf, it } from 'vitest';
import { startSandbox, type RecordedRequest, type Sandbox, type SandboxOptions, type Script } from '../../src/testing.js';

describe('tunekit/testing public surface', () => {
  it('types the sandbox by its provider', () => {
    expectTypeOf(startSandbox({ provider: 'openai' })).resolves.toEqualTypeOf<Sandbox<'openai'>>();
    expectTypeOf(startSandbox).parameter(0).toEqualTypeOf<SandboxOptions<'nebius' | 'together' | 'openai' | 'azure'>>();
    expectTypeOf<Sandbox>().toMatchTypeOf<AsyncDisposable>();
    expectTypeOf<Sandbox['fetch']>().toEqualTypeOf<typeof fetch>();
    expectTypeOf<Sandbox['url']>().toEqualTypeOf<string>();
    expectTypeOf<Sandbox['advance']>().returns.toEqualTypeOf<Date>();
    expectTypeOf<Sandbox['requests']>().toEqualTypeOf<readonly RecordedRequest[]>();
    expectTypeOf<Sandbox['close']>().returns.toEqualTypeOf<Promise<void>>();
  });

  it('lets a script name only the statuses its provider passes through', () => {
    expectTypeOf<Parameters<Sandbox<'together'>['script']>[0]>().toEqualTypeOf<
      Script<'pending' | 'queued' | 'running' | 'compressing' | 'uploading'>
    >();
    expectTypeOf<Parameters<Sandbox<'openai'>['script']>[0]>().toEqualTypeOf<Script<'validating_files' | 'queued' | 'running'>>();
    const openai = {} as Sandbox<'openai'>;
    openai.script({ fail: { at: 'queued', code: 'x' } });
    openai.script({ fail: { at: { step: 3 } } });
    openai.script({ cancel: {}, job: 'ftjob-1' });
    openai.script({ fault: { status: 429, retryAfter: 1 }, times: 2, match: 'GET' });
    openai.script({ fault: 'lost-answer' });
    // @ts-expect-error: Together's status, not OpenAI's
    openai.script({ fail: { at: 'compressing' } });
    // @ts-expect-error: a job either fails or is cancelled
    openai.script({ fail: {}, cancel: {} });
    // @ts-expect-error: a fault is a status, 'reset', 'lost-answer', { status } or { delayMs }
    openai.script({ fault: 'slow' });
  });

  it('takes the documented clock options', () => {
    expectTypeOf<SandboxOptions['clock']>().toEqualTypeOf<'manual' | 'on-poll' | { speed: number } | undefined>();
  });
});
