export { freePort, repoRoot, startPrism, type PrismOptions, type RunningPrism } from '../../scripts/mock.js';
