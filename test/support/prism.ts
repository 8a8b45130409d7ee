export { startPrism, type PrismOptions, type RunningPrism } from '../../scripts/mock.js';
export { REPO_ROOT as repoRoot } from '../../scripts/lib/providers.js';
