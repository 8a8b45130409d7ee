import { setPriority } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaginationError, createNebiusClient, createOpenAIClient, createTogetherClient, type PageList } from '../../src/index.js';
import { startPrism, type RunningPrism } from '../support/prism.js';

// Prism in dynamic mode invents every answer from the document's schemas: each read operation must parse
// RUNS of them without a throw, and every `for await` must end (done, or a PaginationError) within MAX_PAGES.
const RUNS = 200;
const IN_FLIGHT = 16;
const MAX_PAGES = 100;

/** Runs `task` `count` times, `IN_FLIGHT` at a time. */
async function repeat(count: number, task: () => Promise<void>): Promise<void> {
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < count) {
      started++;
      await task();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

interface Tally {
  responses: number;
  completed: number;
  stopped: number;
}

/** Iterates every item of a list, page by page; counts the pages and how the iteration ended. */
async function drain(list: PageList<unknown>, tally: Tally): Promise<void> {
  let pages = 0;
  try {
    for await (const page of list.pages()) {
      expect(Array.isArray(page.items)).toBe(true);
      tally.responses++;
      if (++pages >= MAX_PAGES) throw new Error(`still paging after ${MAX_PAGES} pages`);
    }
    tally.completed++;
  } catch (error) {
    if (!(error instanceof PaginationError)) throw error;
    tally.stopped++;
  }
}

type Read = (() => Promise<unknown>) | (() => PageList<unknown>);

function providerSuite(provider: 'nebius' | 'together' | 'openai', reads: (baseUrl: string) => Record<string, Read>) {
  describe(`${provider}: randomized answers (Prism --dynamic)`, () => {
    let prism: RunningPrism;
    let url = '';
    beforeAll(async () => {
      prism = await startPrism({ document: `openapi/${provider}.json`, dynamic: true });
      url = prism.url;
      // Thousands of answers as fast as Prism makes them: a throughput load, which yields the CPU to the files that
      // run beside it and watch a terminal in real time (test/cli/*-terminal.test.ts).
      if (prism.pid !== undefined) setPriority(prism.pid, 10);
    });
    afterAll(() => prism.stop());

    it('parses every generated answer of every read operation, and every page iteration ends', async () => {
      const tallies: Record<string, Tally> = {};
      for (const [name, read] of Object.entries(reads(url))) {
        const tally: Tally = { responses: 0, completed: 0, stopped: 0 };
        tallies[name] = tally;
        await repeat(RUNS, async () => {
          const result = read();
          if (result instanceof Promise) {
            // Random values, so no exact answer: the one field every single read's schema requires, parsed as a string.
            const answer: unknown = await result;
            expect(answer).toEqual(expect.objectContaining({ id: expect.any(String) }));
            tally.responses++;
          } else {
            await drain(result, tally);
          }
        });
      }
      console.log(
        `${provider}: ${Object.entries(tallies)
          .map(
            ([name, t]) =>
              `${name} ${t.responses} answers${t.completed + t.stopped ? ` (${t.completed} lists done, ${t.stopped} stopped)` : ''}`,
          )
          .join('; ')}`,
      );
      for (const [name, tally] of Object.entries(tallies)) {
        expect(tally.responses, name).toBeGreaterThanOrEqual(RUNS);
        if (tally.completed + tally.stopped) expect(tally.completed + tally.stopped, name).toBe(RUNS);
      }
    }, 240_000);
  });
}

const options = (baseUrl: string) => ({ apiKey: 'test-key', baseUrl, maxRetries: 0 });

// The three providers side by side: each has its own Prism process and clients, and Prism's answers cost its CPU, not
// this one's (one Prism is a single Node thread: alone, it leaves the other core idle).
describe.concurrent('Prism --dynamic, every provider at once', () => {
  providerSuite('nebius', (baseUrl) => {
    const nebius = createNebiusClient(options(baseUrl));
    return {
      'jobs.retrieve': () => nebius.jobs.retrieve('ftjob-123'),
      'jobs.list': () => nebius.jobs.list({ limit: 5 }),
      'jobs.events': () => nebius.jobs.events('ftjob-123'),
      'jobs.checkpoints': () => nebius.jobs.checkpoints('ftjob-123'),
      'jobs.checkpoint': () => nebius.jobs.checkpoint('ftjob-123', 'ftckpt-456'),
      'files.list': () => nebius.files.list(),
      'files.retrieve': () => nebius.files.retrieve('file-123'),
    };
  });

  providerSuite('together', (baseUrl) => {
    const together = createTogetherClient(options(baseUrl));
    return {
      'jobs.retrieve': () => together.jobs.retrieve('ft-123'),
      'jobs.list': () => together.jobs.list(),
      'jobs.events': () => together.jobs.events('ft-123'),
      'jobs.checkpoints': () => together.jobs.checkpoints('ft-123'),
      'files.list': () => together.files.list(),
      'files.retrieve': () => together.files.retrieve('file-123'),
    };
  });

  providerSuite('openai', (baseUrl) => {
    const openai = createOpenAIClient(options(baseUrl));
    return {
      'jobs.retrieve': () => openai.jobs.retrieve('ftjob-abc123'),
      'jobs.list': () => openai.jobs.list({ limit: 5 }),
      'jobs.events': () => openai.jobs.events('ftjob-abc123'),
      'jobs.checkpoints': () => openai.jobs.checkpoints('ftjob-abc123'),
      'files.list': () => openai.files.list(),
      'files.retrieve': () => openai.files.retrieve('file-abc123'),
    };
  });
});
