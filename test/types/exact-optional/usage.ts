/**
 * What a user naturally writes with `exactOptionalPropertyTypes` on: optional values that may be `undefined` (an
 * environment variable, a maybe-signal, a clock left out in production). Compiled by test/docs/snippets.test.ts, with the flag on.
 */
import { createNebiusClient, createOpenAIClient, createTogetherClient, createTuner, type OpenAIClient, type WaitClock } from 'tunekit';
import { checkDataset } from 'tunekit/dataset';
import { startSandbox } from 'tunekit/testing';

declare const clock: WaitClock | undefined;
declare const signal: AbortSignal | undefined;
declare const timeoutMs: number | undefined;
declare const openai: OpenAIClient;
declare const onProgress: ((p: unknown) => void) | undefined;

export async function usage(): Promise<void> {
  createOpenAIClient({
    apiKey: process.env['OPENAI_API_KEY'],
    baseUrl: process.env['OPENAI_BASE_URL'],
    organization: process.env['OPENAI_ORG_ID'],
    project: process.env['OPENAI_PROJECT_ID'],
  });
  createNebiusClient({ apiKey: process.env['NEBIUS_API_KEY'], timeoutMs, maxRetries: undefined, logLevel: undefined });
  createTogetherClient({
    apiKey: process.env['TOGETHER_API_KEY'],
    headers: undefined,
    fetch: undefined,
    retry: undefined,
    validate: undefined,
    logger: undefined,
  });
  const tuner = createTuner({ provider: 'openai', apiKey: process.env['OPENAI_API_KEY'] });

  await openai.jobs.retrieve('ftjob-1', { signal, timeoutMs, maxRetries: undefined, headers: undefined });
  await openai.jobs.wait('ftjob-1', { clock, signal, timeoutMs, onProgress, pollIntervalMs: undefined, resume: undefined });
  await openai.files.upload(new Blob(['x']), undefined, { signal });
  await tuner.jobs.create({
    model: 'gpt-4o-mini',
    trainingFile: 'file-1',
    validationFile: undefined,
    epochs: undefined,
    suffix: undefined,
    providerOptions: undefined,
  });
  await tuner.train(
    { model: 'gpt-4o-mini', trainingFile: './train.jsonl', validationFile: undefined },
    { check: undefined, signal, wait: { clock }, requestOptions: { signal } },
  );

  await checkDataset('./train.jsonl', { provider: 'openai', model: undefined, epochs: undefined, signal, onProgress: undefined });
  await using sandbox = await startSandbox({
    provider: 'openai',
    clock: undefined,
    port: undefined,
    seed: undefined,
    startTime: undefined,
  });
  await sandbox.close();
}
