/**
 * Requests per simulated hour of `jobs.wait` (the default polling policy, with `onProgress`) over a whole job on each
 * provider's sandbox (and the busiest 10 simulated minutes, where a hot loop would show), side by side with a hand-written loop that polls the job every 10 s.
 * The wait runs on the sandbox's clock, so hours of simulated time take milliseconds; counts are exact, not timed.
 * Run by hand: `npx tsx bench/wait.ts [--examples N]` (default 4000: a job of a few simulated hours).
 */
import { createNebiusClient, createOpenAIClient, createTogetherClient } from '../src/index.js';
import { startSandbox } from '../src/testing.js';
import { isMain, table } from './stats.js';

const HOUR = 3_600_000;
type Provider = 'nebius' | 'together' | 'openai';

function jsonl(n: number): File {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `question ${i}: what is ${i} + ${i}?` },
        { role: 'assistant', content: String(2 * i) },
      ],
    }),
  );
  return new File([lines.join('\n')], 'train.jsonl');
}

/** One provider's job, waited for by `wait`; the requests it cost by the job's status at the time. */
async function measure(
  provider: Provider,
  examples: number,
  naive: boolean,
): Promise<{ hours: number; requests: number; busiest: number }> {
  await using sandbox = await startSandbox({ provider, clock: 'manual', listen: false });
  const options = { apiKey: 'bench', baseUrl: sandbox.url, fetch: sandbox.fetch };
  const nebius = createNebiusClient(options);
  const together = createTogetherClient(options);
  const openai = createOpenAIClient(options);
  const client = { nebius, together, openai }[provider];
  const file = await client.files.upload(jsonl(examples));
  const jobId =
    provider === 'nebius'
      ? (await nebius.jobs.create({ model: 'meta-llama/Llama-3.1-8B-Instruct', training_file: file.id })).id
      : provider === 'together'
        ? (await together.jobs.create({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', training_file: file.id })).id
        : (await openai.jobs.create({ model: 'gpt-4o-mini-2024-07-18', training_file: file.id })).id;
  const from = sandbox.requests.length;
  const started = sandbox.now().getTime();
  const status = async (): Promise<string> => (await client.jobs.retrieve(jobId)).status;
  if (naive) {
    while (!['succeeded', 'completed', 'failed', 'error', 'cancelled'].includes(await status())) await sandbox.clock.sleep(10_000);
  } else {
    const wait = { clock: sandbox.clock, onProgress: () => undefined };
    if (provider === 'nebius') await nebius.jobs.wait(jobId, wait);
    else if (provider === 'together') await together.jobs.wait(jobId, wait);
    else await openai.jobs.wait(jobId, wait);
  }
  const times = sandbox.requests.slice(from).map((request) => new Date(request.at).getTime());
  // The busiest 10 simulated minutes: a hot loop in any status would show here.
  let busiest = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] ?? 0) - (times[j] ?? 0) > 600_000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  return { hours: (sandbox.now().getTime() - started) / HOUR, requests: times.length, busiest };
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--examples');
  const examples = at > 0 ? Number(process.argv[at + 1]) : 4_000;
  const rows: string[][] = [];
  for (const provider of ['nebius', 'together', 'openai'] as const) {
    for (const naive of [true, false]) {
      const { hours, requests, busiest } = await measure(provider, examples, naive);
      rows.push([
        provider,
        naive ? 'a loop polling every 10 s' : 'jobs.wait (default policy, onProgress)',
        hours.toFixed(2),
        String(requests),
        (requests / hours).toFixed(0),
        String(busiest),
      ]);
    }
  }
  console.log(`node ${process.version}; ${examples} examples per job; sandbox clock (simulated time, exact counts)`);
  console.log(table(['provider', 'side', 'simulated h', 'requests', 'per hour', 'busiest 10 min'], rows));
}

if (isMain(import.meta.url)) await main();
