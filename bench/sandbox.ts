/**
 * `npm run bench:sandbox`: how long one full simulated lifecycle (upload → create → a polling loop until the job
 * is final) takes in real time, per provider and clock mode, with tunekit's client on the in-process fetch.
 * - manual: the loop advances 1 simulated minute per poll (`advance(60_000)`);
 * - speed N: the loop polls every 100 ms of real time;
 * - on-poll: the loop polls with no pause (each retrieve moves time to the job's next change).
 * Reported: the job's simulated duration, median real milliseconds and polls over RUNS runs (env BENCH_SANDBOX_RUNS, default 5).
 */
import { createNebiusClient, createOpenAIClient, createTogetherClient } from '../src/index.js';
import { startSandbox, type ClockOption, type SandboxProviderName } from '../src/testing.js';
import { isMain, median, table } from './stats.js';

const RUNS = Number(process.env.BENCH_SANDBOX_RUNS ?? 5);
const EXAMPLES = Array.from({ length: 120 }, (_, i) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `q${i}` },
      { role: 'assistant', content: `a${i}` },
    ],
  }),
).join('\n');
const FINAL = ['succeeded', 'completed', 'failed', 'error', 'cancelled'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Upload and create on `provider`; returns a function reading the job's status. */
async function start(
  provider: SandboxProviderName,
  options: { apiKey: string; baseUrl: string; fetch: typeof fetch },
): Promise<() => Promise<string>> {
  const file = new File([EXAMPLES], 'train.jsonl');
  if (provider === 'together') {
    const client = createTogetherClient(options);
    const job = await client.jobs.create({ model: 'm-8B', training_file: (await client.files.upload(file)).id });
    return async () => (await client.jobs.retrieve(job.id)).status;
  }
  if (provider === 'openai') {
    const client = createOpenAIClient(options);
    const job = await client.jobs.create({ model: 'gpt-4o-mini', training_file: (await client.files.upload(file)).id });
    return async () => (await client.jobs.retrieve(job.id)).status;
  }
  const client = createNebiusClient(options);
  const job = await client.jobs.create({ model: 'meta-llama/Llama-3.1-8B-Instruct', training_file: (await client.files.upload(file)).id });
  return async () => (await client.jobs.retrieve(job.id)).status;
}

async function lifecycle(
  provider: SandboxProviderName,
  clock: ClockOption,
): Promise<{ realMs: number; polls: number; simulatedMin: number }> {
  await using sandbox = await startSandbox({ provider, clock, listen: false });
  const status = await start(provider, { apiKey: 'bench', baseUrl: sandbox.url, fetch: sandbox.fetch });
  const began = { real: performance.now(), simulated: sandbox.now('bench').getTime() };
  let polls = 0;
  for (;;) {
    polls++;
    if (FINAL.includes(await status())) break;
    if (clock === 'manual') sandbox.advance(60_000);
    else if (typeof clock === 'object') await sleep(100);
  }
  return { realMs: performance.now() - began.real, polls, simulatedMin: (sandbox.now('bench').getTime() - began.simulated) / 60_000 };
}

export async function runSandbox(log: (line: string) => void): Promise<string> {
  const clocks: [string, ClockOption][] = [
    ['manual (1 min/poll)', 'manual'],
    ['speed 600', { speed: 600 }],
    ['speed 3600', { speed: 3600 }],
    ['on-poll', 'on-poll'],
  ];
  const rows: string[][] = [];
  for (const provider of ['nebius', 'together', 'openai'] as const) {
    for (const [name, clock] of clocks) {
      const results = [];
      for (let run = 0; run < RUNS; run++) results.push(await lifecycle(provider, clock));
      const row = [
        provider,
        name,
        median(results.map((r) => r.simulatedMin)).toFixed(0),
        median(results.map((r) => r.realMs)).toFixed(1),
        median(results.map((r) => r.polls)).toFixed(0),
      ];
      log(row.join('  '));
      rows.push(row);
    }
  }
  return table(['provider', 'clock', 'simulated min', 'real ms (median)', 'polls'], rows);
}

if (isMain(import.meta.url)) {
  console.log(`node ${process.version}, ${RUNS} runs per row`);
  console.log(`\n${await runSandbox(() => undefined)}`);
}
