// A user's own test, written with `tunekit/testing` (docs/testing.md's "Testing your code" shows it): the code under test
// is an app's fine-tuning step; the sandbox plays OpenAI, its clock makes hours of training take no time.
import { describe, expect, it } from 'vitest';
import { createOpenAIClient, type OpenAIClient, type WaitClock } from '../../src/index.js'; // in your project: 'tunekit'
import { startSandbox } from '../../src/testing.js'; // in your project: 'tunekit/testing'

/** The code under test: upload, train, wait, return the model to call (as docs/testing.md's "Testing your code" shows). */
async function fineTune(openai: OpenAIClient, examples: string, clock?: WaitClock): Promise<string> {
  const file = await openai.files.upload(new File([examples], 'train.jsonl'));
  const job = await openai.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
  const done = await openai.jobs.wait(job.id, { clock });
  return done.fine_tuned_model ?? '';
}

const examples = Array.from({ length: 20 }, (_, i) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `Q${i}` },
      { role: 'assistant', content: `A${i}` },
    ],
  }),
).join('\n');

describe('fineTune', () => {
  it('returns the fine-tuned model', async () => {
    await using sandbox = await startSandbox({ provider: 'openai' });
    const openai = createOpenAIClient({ apiKey: 'test-key', baseUrl: sandbox.url });
    expect(await fineTune(openai, examples, sandbox.clock)).toMatch(/^ft:gpt-4o-mini:/);
  });

  it('says why a job failed', async () => {
    await using sandbox = await startSandbox({ provider: 'openai' });
    sandbox.script({ fail: { at: 'running', message: 'Out of GPU memory' } });
    const openai = createOpenAIClient({ apiKey: 'test-key', baseUrl: sandbox.url });
    await expect(fineTune(openai, examples, sandbox.clock)).rejects.toThrow(/^openai job ftjob-\w+ failed: Out of GPU memory/);
  });

  it('rides out a flaky API', async () => {
    await using sandbox = await startSandbox({ provider: 'openai' });
    sandbox.script({ fault: 503, times: 2, match: 'GET /fine_tuning/jobs/{fine_tuning_job_id}' });
    const openai = createOpenAIClient({ apiKey: 'test-key', baseUrl: sandbox.url, retry: { baseDelayMs: 1 } });
    await expect(fineTune(openai, examples, sandbox.clock)).resolves.toMatch(/^ft:/);
    expect(sandbox.requests.filter((request) => request.status === 503)).toHaveLength(2);
  });

  it('rejects a dataset that is not JSONL', async () => {
    await using sandbox = await startSandbox({ provider: 'openai' });
    const openai = createOpenAIClient({ apiKey: 'test-key', baseUrl: sandbox.url });
    await expect(fineTune(openai, 'not json at all', sandbox.clock)).rejects.toThrow(
      /failed: The training file .* is not valid fine-tuning JSONL: line 1/,
    );
  });
});
