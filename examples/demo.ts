/**
 * `npm run demo [-- --provider NAME] [--speed N]` (any registered provider; the primary one by default): the whole fine-tuning workflow on the built-in
 * sandbox (no network, no key), through the one call a program makes, `createTuner(...).train()`: check a small
 * dataset, upload it, wait for the provider to process it, create the job, follow it live (status, steps, loss),
 * list its checkpoints and print the model to call (on Nebius: a custom model deployed from the final checkpoint).
 * A ~50-minute job takes a few seconds at the default 1000×.
 */
import { parseArgs } from 'node:util';
import { createTuner, TunekitError, type TrainProgress } from '../src/index.js';
import { DEFAULT_PROVIDER, isProviderName, PROVIDER_NAMES, providers, type ProviderName } from '../src/providers/registry/providers.js';
import { tunings } from '../src/providers/registry/tunings.js';
import { startSandbox } from '../src/testing.js';

const USAGE = `usage: npm run demo -- [--provider ${PROVIDER_NAMES.join('|')}] [--speed N]

Runs the fine-tuning workflow (check → upload → create → wait → model) against the built-in sandbox of a provider,
with a simulated clock at N× real time (default 1000). Nothing leaves this machine.`;

const tty = process.stdout.isTTY === true;
const say = (label: string, text: string): void => console.log(`  ${label.padEnd(12)}${text}`);
const bar = (done: number, total: number): string => '█'.repeat(Math.round((20 * done) / total)).padEnd(20, '░');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      provider: { type: 'string', default: DEFAULT_PROVIDER },
      speed: { type: 'string', default: '1000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  const provider = values.provider;
  const speed = Number(values.speed);
  if (!isProviderName(provider)) throw new TunekitError(`--provider = "${provider}" must be one of ${PROVIDER_NAMES.join(', ')}`);
  if (!(speed > 0)) throw new TunekitError(`--speed = "${values.speed}" must be a number above 0`);

  await using sandbox = await startSandbox({ provider, clock: { speed } });
  console.log(`tunekit demo: the ${provider} sandbox at ${sandbox.url} (${speed}× real time; no network, no key)\n`);
  const tuner = createTuner<ProviderName>({ provider, apiKey: 'demo-key', baseUrl: sandbox.url });
  const examples = Array.from({ length: 120 }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `What is ${i} + ${i}?` },
        { role: 'assistant', content: String(2 * i) },
      ],
    }),
  );
  const dataset = new File([`${examples.join('\n')}\n`], 'train.jsonl');

  const started = { real: Date.now(), simulated: sandbox.now().getTime() };
  let status = '';
  let quarter = -1;
  let training = false;
  const endLine = (): void => {
    if (tty && training) process.stdout.write('\n');
    training = false;
  };
  const show = (p: TrainProgress<ProviderName>): void => {
    if (p.stage === 'check')
      say(
        'check',
        `${p.file} file: ${p.report.examples} examples, ${p.report.formatLabel}, ${p.report.stats.tokens.total.toLocaleString('en')} tokens (${p.report.stats.tokens.method}), no error`,
      );
    if (p.stage === 'upload' && p.fileId) say('upload', `${p.file} file, ${(p.loaded / 1024).toFixed(1)} KiB → ${p.fileId}`);
    if (p.stage === 'processing' && p.status === 'processed') say('processing', `${p.fileId} processed by ${provider}`);
    if (p.stage === 'estimate') {
      const { tokens, price } = p.estimate;
      const trained =
        tokens.total === undefined ? 'trained tokens unknown' : `${tokens.total.toLocaleString('en')} trained tokens (${tokens.method})`;
      const cost = price === undefined ? undefined : price.amount < 0.01 ? '< $0.01' : `$${price.amount.toFixed(2)}`;
      const from = price?.source === 'provider' ? "the provider's estimate" : 'at your rate';
      say('estimate', `${trained}, ${cost === undefined ? 'no price (pass a rate: pricePerMillionTokens)' : `${cost} (${from})`}`);
    }
    if (p.stage === 'create') say('create', `${p.jobId} on ${p.job.model}`);
    if (p.stage === 'wait') {
      const w = p.progress;
      const drawStep = (): void => {
        if (w.step === undefined || !w.totalSteps) return;
        const line = `step ${String(w.step).padStart(String(w.totalSteps).length)}/${w.totalSteps}  ${bar(w.step, w.totalSteps)}  loss ${w.trainingLoss?.toFixed(4) ?? '–'}`;
        const now = Math.floor((4 * w.step) / w.totalSteps);
        if (tty) process.stdout.write(`\r  ${'train'.padEnd(12)}${line}`);
        else if (now !== quarter) say('train', line);
        training = true;
        quarter = now;
      };
      if (w.status !== status) {
        // The bar ends at the last step (the poll that sees the job succeeded has it), not one short.
        if (training && w.status === 'succeeded') drawStep();
        endLine();
        const simulated = Math.round((sandbox.now().getTime() - started.simulated) / 60_000);
        say(
          'status',
          `${w.status}${w.status === 'succeeded' ? ` after ${simulated} simulated minutes (${((Date.now() - started.real) / 1000).toFixed(1)} s)` : ''}`,
        );
        status = w.status;
      }
      if (w.status === 'running') drawStep();
    }
    if (p.stage === 'deploy') say('deploy', `${p.model}: ${p.status}`);
  };

  const result = await tuner.train(
    // LoRA where the provider takes it (its mapping table says), its own defaults otherwise.
    {
      model: providers[provider].exampleModel,
      trainingFile: dataset,
      epochs: 3,
      suffix: 'demo',
      ...('refused' in tunings[provider].mapping.lora ? {} : { lora: true }),
    },
    { check: true, deploy: true, wait: { clock: sandbox.clock }, onProgress: show },
  );
  endLine();
  console.log('  checkpoints');
  for (const c of result.checkpoints)
    say(
      '',
      `step ${String(c.step).padStart(3)}${c.trainingLoss === undefined ? '' : `  loss ${c.trainingLoss.toFixed(4)}`}  ${c.model ?? c.id}`,
    );
  say(
    'model',
    `${result.model ?? '(none)'}${result.model !== undefined && result.model !== result.job.fineTunedModel ? '  (a custom model made from the final checkpoint)' : ''}`,
  );
}

main().catch((error: unknown) => {
  console.error(
    error instanceof TunekitError ? `${error.name}: ${error.message}` : `error: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
});
