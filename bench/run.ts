/**
 * `npm run bench`: client CPU per call (cpu.ts), bundle size (bundle.ts) and import time (import.ts),
 * then one summary. The load test is separate: `npm run bench:load`.
 */

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`usage: npm run bench

Measures, side by side in one run: the bundle size of a one-provider program, the import time of each entry
point, and the client CPU per call against raw fetch (medians of pairwise ratios). Takes a few minutes; run it by
hand on a quiet machine. The load test is separate: npm run bench:load.`);
  process.exit(0);
}

// The benches (esbuild, the SDKs) load after --help is answered.
const { BUNDLE_BEFORE, formatBundle, runBundle } = await import('./bundle.js');
const { CPU_BUDGET, formatCpu, runCpu } = await import('./cpu.js');
const { formatImport, IMPORT_BUDGET_MS, runImport } = await import('./import.js');
const { verdict } = await import('./stats.js');

const log = (line: string): void => console.log(line);
const heading = (title: string): void => console.log(`\n=== ${title} ===`);

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
heading('bundle size');
const bundle = await runBundle(log);
console.log(formatBundle(bundle));
heading('import time');
const imports = runImport(log);
console.log(formatImport(imports));
heading('client CPU per call');
const cpu = await runCpu(log);
console.log(formatCpu(cpu));

heading('summary');
for (const row of cpu.rows.filter((r) => r.name.startsWith('tunekit') && r.ratio)) {
  const { median, p25, p75 } = row.ratio ?? { median: Infinity, p25: Infinity, p75: Infinity };
  console.log(
    `CPU     ${row.name}: ${median.toFixed(3)}× raw fetch+json (p25 ${p25.toFixed(3)}, p75 ${p75.toFixed(3)}); budget ≤ ${CPU_BUDGET}× → ${verdict(median <= CPU_BUDGET)}`,
  );
}
for (const row of bundle.rows.filter((r) => BUNDLE_BEFORE[r.name] !== undefined)) {
  console.log(
    `bundle  ${row.name}: loaded at start ${row.atStart} B min+gzip (one file ${row.gzipped} B); before ≤ ${BUNDLE_BEFORE[row.name]} B → ${verdict(row.atStart <= (BUNDLE_BEFORE[row.name] ?? 0))}`,
  );
}
const isolated =
  Object.values(bundle.leaks).every((l) => l.length === 0) && Object.values(bundle.runtimeLeaks).every((l) => l.length === 0);
console.log(`isolation: one-provider bundles and imports load no other provider → ${verdict(isolated)}`);
const root = imports.find((r) => r.specifier === 'tunekit');
if (root)
  console.log(
    `import  tunekit: median ${root.median.toFixed(2)} ms (p25 ${root.p25.toFixed(2)}, p75 ${root.p75.toFixed(2)}); budget ≤ ${IMPORT_BUDGET_MS} ms → ${verdict(root.median <= IMPORT_BUDGET_MS)}`,
  );
