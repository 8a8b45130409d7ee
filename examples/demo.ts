/**
 * The main job on a built-in default: starts the Nebius mock (Prism, from the same trimmed document the
 * types come from) and walks the fine-tuning workflow against it. `npm run demo`
 * Point it at the real API with NEBIUS_API_KEY (and optionally NEBIUS_BASE_URL) and `-- --live`.
 */
import { ensureSpecs } from '../scripts/ensure-specs.js';
import { startPrism } from '../scripts/mock.js';
import { createNebiusClient, TunekitError } from '../src/index.js';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log('usage: npm run demo -- [--live]\n\nWalks the fine-tuning workflow against a Prism mock of Nebius (or, with --live, the real API and NEBIUS_API_KEY).');
  process.exit(0);
}
const live = process.argv.includes('--live');

async function main(): Promise<void> {
  let stopMock = async (): Promise<void> => {};
  let baseUrl: string | undefined;
  if (!live) {
    await ensureSpecs();
    const mock = await startPrism({ document: 'openapi/nebius.json' });
    stopMock = mock.stop;
    baseUrl = mock.url;
    console.log(`Started the Nebius mock (Prism) at ${mock.url}; it answers from the document, so values are placeholders`);
  }
  try {
    const nebius = createNebiusClient(live ? {} : { apiKey: 'demo-key', baseUrl });

    const dataset = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}\n';
    const file = await nebius.files.upload(new Blob([dataset]), { filename: 'train.jsonl' });
    console.log(`files.upload      → ${file.id} (${file.filename}, ${file.bytes} bytes)`);

    const page = await nebius.jobs.list({ limit: 5 });
    console.log(`jobs.list         → ${page.items.length} job(s) on the first page, hasMore=${page.hasMore}`);

    const created = await nebius.jobs.create({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      training_file: file.id,
      hyperparameters: { n_epochs: 3, lora: true, lora_r: 16 },
      suffix: 'demo',
    });
    console.log(`jobs.create       → ${created.id} status=${created.status} model=${created.model}`);

    const job = await nebius.jobs.retrieve(created.id);
    console.log(`jobs.retrieve     → ${job.id} status=${job.status} trained_tokens=${job.trained_tokens ?? '–'}`);

    const events = await nebius.jobs.events(job.id, { limit: 10 });
    for (const event of events.items) console.log(`jobs.events       → [${event.level}] ${event.message}`);

    const checkpoints = await nebius.jobs.checkpoints(job.id);
    for (const checkpoint of checkpoints.items) {
      console.log(`jobs.checkpoints  → step ${checkpoint.step_number}: ${checkpoint.fine_tuned_model_checkpoint}`);
    }
    console.log('Done.');
  } finally {
    await stopMock();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof TunekitError ? `${error.name}: ${error.message}` : `error: ${String(error)}`);
  process.exitCode = 1;
});
