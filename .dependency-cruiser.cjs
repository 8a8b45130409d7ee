/**
 * tunekit's layers, lowest first; each may import its own layer and those below, never one above. A file belongs
 * to the layer of its role, wherever its folder is: a provider's neutral mapping (`src/providers/<name>/tuning.ts`)
 * is workflow, its dataset profile dataset, its sandbox routes sandbox, its commands CLI. Type-only imports count.
 * `npm run check:layers` (CI) runs this.
 */
const P = '^src/providers/[^/]+/';
const layers = [
  { name: 'core', path: ['^src/core/', '^src/platform/', `${P}facts\\.ts$`, '^src/providers/registry/providers\\.ts$'] },
  { name: 'poller', path: ['^src/poller/'] },
  { name: 'clients', path: [`${P}(client|index|wait)\\.ts$`, '^src/providers/registry/clients\\.ts$'] },
  { name: 'workflow', path: ['^src/workflow/', `${P}tuning\\.ts$`, '^src/providers/registry/tunings\\.ts$', '^src/index\\.ts$'] },
  { name: 'dataset', path: ['^src/dataset/', `${P}dataset\\.ts$`, '^src/providers/registry/datasets\\.ts$'] },
  { name: 'sandbox', path: ['^src/sandbox/', `${P}sandbox\\.ts$`, '^src/providers/registry/sandboxes\\.ts$', '^src/testing\\.ts$'] },
  { name: 'cli', path: ['^src/cli/', `${P}cli\\.ts$`, `${P}cli-[a-z-]+\\.ts$`, '^src/providers/registry/clis\\.ts$'] },
];
// workflow and dataset are one level: neither imports the other (the workflow reaches the checker lazily, by path).
const rank = { core: 0, poller: 1, clients: 2, workflow: 3, dataset: 3, sandbox: 4, cli: 5 };

const forbidden = [
  {
    name: 'no-circular',
    severity: 'error',
    comment: 'No import cycle, type-only ones included.',
    from: {},
    to: { circular: true },
  },
];
for (const from of layers) {
  const above = layers.filter((to) => rank[to.name] > rank[from.name] || (rank[to.name] === rank[from.name] && to.name !== from.name));
  if (!above.length) continue;
  forbidden.push({
    name: `${from.name}-imports-no-higher-layer`,
    severity: 'error',
    comment: `${from.name} may import only its own layer and those below (${
      layers
        .filter((l) => rank[l.name] < rank[from.name])
        .map((l) => l.name)
        .join(', ') || 'none'
    }).`,
    from: { path: from.path },
    to: { path: above.flatMap((layer) => layer.path) },
  });
}

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    exclude: { path: ['^dist/', '^node_modules/'] },
  },
};
