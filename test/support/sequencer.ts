import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files whose time is mostly a wait: a simulated job on a real clock, watched in tmux (CPU under 40% of their wall time,
 * measured alone). Two of them side by side leave the cores idle, so each one starts beside a computing file.
 */
const WAITING = new Set([
  'test/cli/second-hour-terminal.test.ts',
  'test/cli/terminal.test.ts',
  'test/cli/estimate-terminal.test.ts',
  'test/cli/methods.test.ts',
]);

/** Seconds per test file, for when Vitest has no record of its own (see below). */
const hints: Record<string, number> = JSON.parse(readFileSync(new URL('./durations.json', import.meta.url), 'utf8'));

/**
 * The order `npm test` starts its files in. Vitest's own order runs the tiers one after another, so the CLI tier's
 * terminal files (most of their time is a simulated job on a real clock, not CPU) ran side by side with the cores half
 * idle, and the CPU-bound tiers (Prism, tsc, npm) ran later with nothing to overlap. Here:
 * - first the files of the isolated tiers (each file a fresh process: CLI, contract, package, pipeline, memory, …),
 *   longest first whatever their tier (longest-processing-time first), so no long file starts last, and the files
 *   that mostly wait (WAITING) taken in turn with the others, so that one runs beside a computing file, not beside
 *   another that waits. A file's duration is Vitest's record of the last run here or, where there is none
 *   (a fresh clone, as in CI), its seconds in durations.json; a file in neither goes first, the tiers taken in turn,
 *   each one's largest file first;
 * - then the tiers whose files share workers (vitest.config.ts, `isolate: false`), one tier at a time so that a
 *   worker goes on with the next file of its tier instead of starting a new process.
 * The order changes when files run, never what they assert. durations.json only needs refreshing when files are
 * added or change much:
 *   npx vitest run --reporter=json --outputFile.json=.tmp/run.json && node -e "const r = require('./.tmp/run.json');
 *   const d = Object.fromEntries(r.testResults.filter((f) => !f.name.endsWith('.test-d.ts')).map((f) =>
 *   [require('path').relative('.', f.name), Math.round((f.endTime - f.startTime) / 100) / 10]).sort((a, b) => b[1] - a[1]));
 *   require('fs').writeFileSync('test/support/durations.json', JSON.stringify(d, null, 2) + '\n')"
 */
export default class TestOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const key = (file: TestSpecification): string => `${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`;
    const duration = (file: TestSpecification): number | undefined => {
      const hint = hints[relative(this.ctx.config.root, file.moduleId)];
      return cache.getFileTestResults(key(file))?.duration ?? (hint === undefined ? undefined : hint * 1000);
    };
    const size = (file: TestSpecification): number => cache.getFileStats(key(file))?.size ?? 0;
    const longestFirst = (a: TestSpecification, b: TestSpecification): number =>
      (duration(b) ?? 0) - (duration(a) ?? 0) || size(b) - size(a);

    const byTier = new Map<string, TestSpecification[]>();
    for (const file of files) byTier.set(file.project.name, [...(byTier.get(file.project.name) ?? []), file]);
    const shared = [...byTier.values()].filter((tier) => tier[0]?.project.config.isolate === false);
    const isolated = [...byTier.values()].filter((tier) => tier[0]?.project.config.isolate !== false);

    const known = isolated.flat().filter((file) => duration(file) !== undefined);
    const unknown = isolated.map((tier) => tier.filter((file) => duration(file) === undefined).sort(longestFirst));
    const inTurn: TestSpecification[] = [];
    for (let index = 0; unknown.some((tier) => index < tier.length); index++)
      for (const tier of unknown) {
        const file = tier[index];
        if (file) inTurn.push(file);
      }
    const path = (file: TestSpecification): string => relative(this.ctx.config.root, file.moduleId);
    const waiting = known.filter((file) => WAITING.has(path(file))).sort(longestFirst);
    const computing = known.filter((file) => !WAITING.has(path(file))).sort(longestFirst);
    const alternated: TestSpecification[] = [];
    while (waiting.length || computing.length) {
      const next = computing.shift();
      if (next) alternated.push(next);
      const wait = waiting.shift();
      if (wait) alternated.push(wait);
    }
    return [...inTurn, ...alternated, ...shared.flatMap((tier) => tier.sort(longestFirst))];
  }
}
