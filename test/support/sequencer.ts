import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The order `npm test` starts its files in. Vitest's own order runs the tiers one after another, so the CLI tier's
 * terminal files (most of their time is a simulated job on a real clock, not CPU) ran side by side with the cores half
 * idle, and the CPU-bound tiers (Prism, tsc, npm) ran later with nothing to overlap. Here:
 * - first the files of the isolated tiers (each file a fresh process: CLI, contract, package, pipeline, memory, …),
 *   longest first whatever their tier (longest-processing-time first, from Vitest's record of the last run), so a
 *   waiting file runs beside a computing one and no long file starts last. With no record (a fresh clone) the tiers
 *   are taken in turn, each one's largest file first;
 * - then the tiers whose files share workers (vitest.config.ts, `isolate: false`), one tier at a time so that a
 *   worker goes on with the next file of its tier instead of starting a new process.
 * The order changes when files run, never what they assert.
 */
export default class TestOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const key = (file: TestSpecification): string => `${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`;
    const duration = (file: TestSpecification): number | undefined => cache.getFileTestResults(key(file))?.duration;
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
    return [...inTurn, ...known.sort(longestFirst), ...shared.flatMap((tier) => tier.sort(longestFirst))];
  }
}
