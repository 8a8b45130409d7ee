/**
 * `npm run demo [-- --provider nebius|together|openai] [--speed N]`: the fine-tuning workflow on the built-in
 * sandbox (no network, no key): upload a small dataset, start a job, follow it live to success (status, steps,
 * loss), list its checkpoints and print the model to call. A ~50-minute job takes a few seconds at 1000×.
 */
import { parseArgs } from 'node:util';
import { createNebiusClient, createOpenAIClient, createTogetherClient, TunekitError } from '../src/index.js';
import { startSandbox } from '../src/testing.js';

interface Progress { status: string; step?: number; total?: number; loss?: number; final: boolean }
interface Flow {
  model: string;
  upload(file: File): Promise<string>;
  create(fileId: string): Promise<string>;
  poll(jobId: string): Promise<Progress>;
  checkpoints(jobId: string): Promise<{ step: number; loss?: number; name: string }[]>;
  result(jobId: string): Promise<string>;
}
const FINAL = ['succeeded', 'completed', 'failed', 'error', 'cancelled'];
const lossOf = (data: unknown): number | undefined =>
  typeof data === 'object' && data !== null && 'train_loss' in data && typeof data.train_loss === 'number' ? data.train_loss : undefined;

/** The same steps on each provider, in its own client's words. */
function flowFor(provider: string, options: { apiKey: string; baseUrl: string }): Flow {
  if (provider === 'together') {
    const together = createTogetherClient(options);
    return {
      model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
      upload: async (file) => (await together.files.upload(file)).id,
      create: async (training_file) => (await together.jobs.create({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', training_file, n_epochs: 3, n_checkpoints: 3, suffix: 'demo' })).id,
      poll: async (id) => {
        const job = await together.jobs.retrieve(id);
        const { data } = await together.raw.GET('/fine-tunes/{id}/metrics', { params: { path: { id } } });
        const last = data?.metrics?.at(-1);
        return { status: job.status, step: last?.global_step, total: job.events?.at(-1)?.total_steps, loss: last?.train_loss, final: FINAL.includes(job.status) };
      },
      checkpoints: async (id) => (await together.jobs.checkpoints(id)).items.reverse().map((c) => ({ step: c.step, name: `${c.checkpoint_type}: ${c.path}` })),
      result: async (id) => (await together.jobs.retrieve(id)).model_output_name ?? '',
    };
  }
  if (provider === 'openai') {
    const openai = createOpenAIClient(options);
    return {
      model: 'gpt-4o-mini-2024-07-18',
      upload: async (file) => (await openai.files.upload(file)).id,
      create: async (training_file) => (await openai.jobs.create({ model: 'gpt-4o-mini-2024-07-18', training_file, suffix: 'demo' })).id,
      poll: async (id) => {
        const job = await openai.jobs.retrieve(id);
        const metrics = (await openai.jobs.events(id, { limit: 5 })).items.find((event) => event.type === 'metrics');
        const data: { step?: number; total_steps?: number } = metrics?.data ?? {};
        return { status: job.status, step: data.step, total: data.total_steps, loss: lossOf(metrics?.data), final: FINAL.includes(job.status) };
      },
      checkpoints: async (id) => (await openai.jobs.checkpoints(id)).items.reverse().map((c) => ({ step: c.step_number, loss: c.metrics.train_loss, name: c.fine_tuned_model_checkpoint })),
      result: async (id) => (await openai.jobs.retrieve(id)).fine_tuned_model ?? '',
    };
  }
  const nebius = createNebiusClient(options);
  const checkpoints = async (id: string) => (await nebius.jobs.checkpoints(id)).items.reverse().map((c) => ({ step: c.step_number, loss: c.metrics.train_loss ?? undefined, name: c.fine_tuned_model_checkpoint }));
  return {
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    upload: async (file) => (await nebius.files.upload(file)).id,
    create: async (training_file) => (await nebius.jobs.create({ model: 'meta-llama/Llama-3.1-8B-Instruct', training_file, hyperparameters: { lora: true, lora_r: 16 }, suffix: 'demo' })).id,
    poll: async (id) => {
      const job = await nebius.jobs.retrieve(id);
      const metrics = (await nebius.jobs.events(id, { limit: 5 })).items.find((event) => event.type === 'metrics');
      return { status: job.status, step: job.trained_steps ?? undefined, total: job.total_steps ?? undefined, loss: lossOf(metrics?.data), final: FINAL.includes(job.status) };
    },
    checkpoints,
    // A Nebius job makes checkpoints, not a model: the final one is what a custom model (/v0/models) is created from.
    result: async (id) => `${(await checkpoints(id)).at(-1)?.name ?? ''} (the final checkpoint: create a custom model from it with POST /v0/models)`,
  };
}

const tty = process.stdout.isTTY === true;
const say = (label: string, text: string): void => console.log(`  ${label.padEnd(12)}${text}`);
const bar = (step: number, total: number): string => '█'.repeat(Math.round((20 * step) / total)).padEnd(20, '░');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { provider: { type: 'string', default: 'nebius' }, speed: { type: 'string', default: '1000' } } });
  const provider = values.provider;
  if (provider !== 'nebius' && provider !== 'together' && provider !== 'openai') throw new TunekitError(`--provider "${provider}" must be nebius, together or openai`);
  const speed = Number(values.speed);
  await using sandbox = await startSandbox({ provider, clock: { speed } });
  console.log(`tunekit demo: ${provider} sandbox at ${sandbox.url}, ${speed}× real time\n`);
  const flow = flowFor(provider, { apiKey: 'demo-key', baseUrl: sandbox.url });

  const examples = Array.from({ length: 120 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `What is ${i} + ${i}?` }, { role: 'assistant', content: String(2 * i) }] }));
  const file = new File([examples.join('\n')], 'train.jsonl');
  const fileId = await flow.upload(file);
  say('upload', `train.jsonl, ${examples.length} examples, ${(file.size / 1024).toFixed(1)} KiB → ${fileId}`);
  const jobId = await flow.create(fileId);
  say('create', `${jobId} on ${flow.model}`);

  const started = { real: Date.now(), simulated: sandbox.now().getTime() };
  let last = '';
  let shownQuarter = -1;
  for (;;) {
    const progress = await flow.poll(jobId);
    if (progress.status !== last) {
      if (tty && last === 'running') process.stdout.write('\n');
      const took = `, after ${Math.round((sandbox.now().getTime() - started.simulated) / 60_000)} simulated minutes (${((Date.now() - started.real) / 1000).toFixed(1)} s)`;
      say('status', `${progress.status}${progress.final ? took : ''}`);
      last = progress.status;
    }
    const { step, total, loss } = progress;
    if (progress.status === 'running' && step && total) {
      const line = `step ${String(step).padStart(String(total).length)}/${total}  ${bar(step, total)}  loss ${loss?.toFixed(4) ?? '–'}`;
      const quarter = Math.floor((4 * step) / total);
      if (tty) process.stdout.write(`\r  ${'train'.padEnd(12)}${line}`);
      else if (quarter !== shownQuarter) say('train', line);
      shownQuarter = quarter;
    }
    if (progress.final) break;
    await sleep(100);
  }
  console.log('  checkpoints');
  for (const checkpoint of await flow.checkpoints(jobId)) say('', `step ${String(checkpoint.step).padStart(3)}${checkpoint.loss === undefined ? '' : `  loss ${checkpoint.loss.toFixed(4)}`}  ${checkpoint.name}`);
  say('model', await flow.result(jobId));
}

main().catch((error: unknown) => {
  console.error(error instanceof TunekitError ? `${error.name}: ${error.message}` : `error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
