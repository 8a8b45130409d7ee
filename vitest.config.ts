import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import TestOrder from './test/support/sequencer.js';

/**
 * The test tiers (README, Development). Each gets only the set-up it needs: the Prism mocks only for the tiers that
 * talk to Prism; none of them installs or pulls anything (`npm run setup` does that once). `npm test` runs them all.
 */
const PRISM = ['test/support/global-setup.ts'];
/** The `tunekit` bin, bundled once per run for the tiers that run it as a process. */
const CLI = ['test/support/cli-setup.ts'];

/**
 * A worker runs file after file of its tier without a fresh process and module graph for each: starting one per file
 * was about a third of the unit tier's CPU. Safe because no file changes process-wide state it does not undo
 * (eslint.config.js refuses process.env writes, module mocks and fake timers in tests; stubs are undone below).
 */
const SHARED_WORKERS = { isolate: false } as const;

const tier = (name: string, include: string[], extra: TestProjectInlineConfiguration['test'] = {}): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name, include, ...extra },
});

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    // The longest files first across the tiers, not one tier after another (see the sequencer).
    sequence: { sequencer: TestOrder },
    // What a test stubs is undone after it: the tiers with isolate: false run files in shared workers (and
    // eslint.config.js refuses what this cannot undo).
    unstubEnvs: true,
    unstubGlobals: true,
    restoreMocks: true,
    // Two files at a time (vitest's default on 2 cores is one): most tiers wait on processes (Prism, the CLI, tmux,
    // Chromium), not on the CPU, and no test asserts on wall-clock time below a wide margin.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // In-process only: no server process, no Chromium, no network, no provider document. Under 30 s.
      tier(
        'unit',
        [
          'test/unit/**/*.test.ts',
          'test/dataset/**/*.test.ts',
          'test/validation/**/*.test.ts',
          'test/workflow/**/*.test.ts',
          'test/pipeline/{compositions,normalize,openapi30,render,summary,trim}.test.ts',
          'test/providers/**/*.test.ts',
        ],
        {
          exclude: [
            'test/unit/upload-memory.test.ts',
            'test/unit/first-hour.test.ts',
            'test/dataset/memory.test.ts',
            'test/dataset/schema-crosscheck.test.ts',
            'test/validation/ajv-agreement.test.ts',
          ],
          ...SHARED_WORKERS,
        },
      ),
      // Against the provider documents: Prism mocks, the SDKs' own types, JSON Schema validators, random answers.
      tier(
        'contract',
        [
          'test/contract/**/*.test.ts',
          'test/randomized/**/*.test.ts',
          'test/unit/first-hour.test.ts',
          'test/validation/ajv-agreement.test.ts',
          'test/dataset/schema-crosscheck.test.ts',
        ],
        { globalSetup: PRISM },
      ),
      // The sandbox, its faults and the reliability matrix over real sockets; conformance through `prism proxy`.
      tier('sandbox', ['test/sandbox/**/*.test.ts', 'test/reliability/**/*.test.ts'], SHARED_WORKERS),
      // The pipeline's scripts run as processes (pull from the mirror, generate, every npm script's --help), and the
      // rules rendered from the pulled documents. A test runs pull then generate as processes (each may take 90 s):
      // a wide timeout, as in the CLI tier.
      tier('pipeline', ['test/pipeline/{drift,generate,help,rules}.test.ts'], { testTimeout: 120_000 }),
      // The `tunekit` bin as a process: JSON mode, exit codes, a real terminal in tmux. Its files start several CLIs
      // at once (describe.concurrent), each a cold Node start: on a loaded 2-core machine that takes seconds, so a
      // wide timeout (a stuck run, not a slow one, is what it catches).
      tier('cli', ['test/cli/**/*.test.ts'], { exclude: ['test/cli/report.test.ts'], testTimeout: 120_000, globalSetup: CLI }),
      // Pages in headless Chromium.
      tier('browser', ['test/cli/report.test.ts'], { globalSetup: CLI }),
      // The packed tarball (attw, publint, ESM, CommonJS, bins, the browser bundles against Prism) and the README's snippets.
      tier('package', ['test/package/**/*.test.ts', 'test/docs/**/*.test.ts', 'test/types/**/*.test.ts'], {
        globalSetup: [...PRISM, ...CLI],
      }),
      // A 1 GiB dataset and 512 MiB uploads in flat memory (child processes).
      tier('memory', ['test/dataset/memory.test.ts', 'test/unit/upload-memory.test.ts']),
      // Type tests: tsc over the type tests and the sources they import (test/types/tsconfig.json), not the whole
      // repository (npm run typecheck checks that, in CI too).
      tier('types', [], {
        typecheck: { enabled: true, only: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './test/types/tsconfig.json' },
      }),
    ],
  },
});
