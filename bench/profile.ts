/**
 * CPU-profile one side of the CPU benchmark, then summarise where the time goes.
 *
 *   node --cpu-prof --cpu-prof-dir=.tmp/prof --import tsx bench/profile.ts <side>    # side: raw | openapi-fetch | tunekit
 *   npx tsx bench/profile.ts --report <file>.cpuprofile                                 # self and inclusive time by function
 *   npx tsx bench/profile.ts --compare <raw>.cpuprofile <tunekit>.cpuprofile 35000      # µs per call, B − A by function
 * (use the main thread's profile, `*.0.001.cpuprofile`; the other one is tsx's loader thread; the calls
 * count includes the 5,000 warm-up calls)
 */
import { readFileSync } from 'node:fs';
import { JOB_ID } from './fixtures.js';
import { startServer } from './server.js';
import { makeSides, RAW } from './sides.js';
import { isMain, table } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  endTime: number;
}

const names: Record<string, string> = {
  raw: RAW,
  'openapi-fetch': 'openapi-fetch (bare GET)',
  tunekit: 'tunekit Nebius jobs.retrieve',
};

async function run(which: string, calls: number): Promise<void> {
  const server = await startServer();
  try {
    const side = (await makeSides(server.url)).find((s) => s.name === (names[which] ?? which));
    if (!side) throw new Error(`unknown side ${which}; one of ${Object.keys(names).join(', ')}`);
    for (let i = 0; i < 5_000; i++) await side.call();
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) await side.call();
    const used = process.cpuUsage(start);
    console.log(`${side.name}: ${((used.user + used.system) / calls).toFixed(1)} µs CPU per call over ${calls} calls (job ${JOB_ID})`);
  } finally {
    await server.close();
  }
}

function where(url: string): string {
  if (url.includes('openapi-fetch')) return 'openapi-fetch';
  if (url.includes('/src/')) return 'tunekit';
  if (url.includes('node:internal/deps/undici') || url.includes('undici')) return 'undici';
  if (url === '') return 'native/gc';
  if (url.startsWith('node:')) return 'node';
  return 'other';
}

interface Summary {
  busy: number;
  selfByLabel: Map<string, number>;
  inclusive: Map<string, number>;
  byArea: Map<string, number>;
}

function summarise(file: string): Summary {
  const profile: Profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const idle = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((sum, n) => sum + (self.get(n.id) ?? 0), 0);
  const busy = total - idle;
  const label = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    const short = url.replace(/^.*\/(node_modules|src|bench)\//, '$1/').replace(/^node:internal\/deps\/undici\//, 'undici:');
    return `${functionName || '(anonymous)'} ${short}${url ? `:${lineNumber + 1}` : ''}`;
  };
  // Inclusive: a function's samples counted once per sample even when it recurses.
  const inclusive = new Map<string, number>();
  const selfByLabel = new Map<string, number>();
  const byArea = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  for (const [id, count] of self) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    selfByLabel.set(label(node), (selfByLabel.get(label(node)) ?? 0) + count);
    byArea.set(where(node.callFrame.url), (byArea.get(where(node.callFrame.url)) ?? 0) + count);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const name = label(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + count);
    }
  }
  return { busy, selfByLabel, inclusive, byArea };
}

function report(file: string, top: number): void {
  const { busy, selfByLabel, inclusive, byArea } = summarise(file);
  const pct = (n: number): string => `${((100 * n) / busy).toFixed(1)} %`;
  console.log(`${file}: ${busy} busy samples (idle excluded)`);
  console.log(
    table(
      ['area (self time)', 'share of busy'],
      [...byArea].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, pct(v)]),
    ),
  );
  console.log();
  console.log(
    table(
      ['function (self)', 'share'],
      [...selfByLabel]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, v]) => [k, pct(v)]),
    ),
  );
  console.log();
  const interesting = [...inclusive]
    .filter(([k]) => !/^\(root\)|^\(program\)/.test(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  console.log(
    table(
      ['function (inclusive)', 'share'],
      interesting.map(([k, v]) => [k, pct(v)]),
    ),
  );
}

/**
 * Two profiles of the same number of calls (default sampling interval 1 ms → a sample is ~1000 µs):
 * inclusive µs per call of each function in both, sorted by how much more the second spends.
 */
function compare(fileA: string, fileB: string, calls: number, top: number): void {
  const a = summarise(fileA);
  const b = summarise(fileB);
  const us = (samples: number): string => ((samples * 1000) / calls).toFixed(1);
  console.log(`busy µs per call: A ${us(a.busy)}  B ${us(b.busy)}  (B − A ${us(b.busy - a.busy)})`);
  const names = new Set([...a.selfByLabel.keys(), ...b.selfByLabel.keys()]);
  const selfRows = [...names]
    .map((name) => [name, a.selfByLabel.get(name) ?? 0, b.selfByLabel.get(name) ?? 0] as const)
    .sort((x, y) => y[2] - y[1] - (x[2] - x[1]))
    .slice(0, top)
    .map(([name, x, y]) => [name, us(x), us(y), us(y - x)]);
  console.log(table(['function (self time)', 'A µs/call', 'B µs/call', 'B − A'], selfRows));
  console.log();
  const inclusiveNames = new Set([...a.inclusive.keys(), ...b.inclusive.keys()]);
  const inclusiveRows = [...inclusiveNames]
    .map((name) => [name, a.inclusive.get(name) ?? 0, b.inclusive.get(name) ?? 0] as const)
    .filter(([name]) => !/^\((root|program)\)/.test(name))
    .sort((x, y) => y[2] - y[1] - (x[2] - x[1]))
    .slice(0, top)
    .map(([name, x, y]) => [name, us(x), us(y), us(y - x)]);
  console.log(table(['function (inclusive)', 'A µs/call', 'B µs/call', 'B − A'], inclusiveRows));
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === '--report') report(args[1] ?? '', Number(args[2] ?? 40));
  else if (args[0] === '--compare') compare(args[1] ?? '', args[2] ?? '', Number(args[3] ?? 35_000), Number(args[4] ?? 40));
  else await run(args[0] ?? 'tunekit', Number(args[1] ?? 30_000));
}
