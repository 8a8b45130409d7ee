/**
 * What a test needs from the machine, checked and never installed: the provider documents (pulled once by
 * `npm run setup`) and Chromium. A missing one fails the test that needs it with a one-line instruction.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROVIDERS, REPO_ROOT, type ProviderName } from '../../scripts/lib/providers.js';
import { CHROMIUM } from './chromium.js';

/** The trimmed documents that are missing (`openapi/<provider>.json`, not in git). */
function missingDocuments(providers: readonly ProviderName[] = PROVIDERS): string[] {
  return providers.map((provider) => `openapi/${provider}.json`).filter((file) => !existsSync(resolve(REPO_ROOT, file)));
}

/** Throws a one-line instruction when a provider document is missing. */
export function requireDocuments(providers: readonly ProviderName[] = PROVIDERS): void {
  const missing = missingDocuments(providers);
  if (missing.length) throw new Error(`${missing.join(', ')} missing: run \`npm run setup\` once (it pulls the provider documents)`);
}

/** Why Chromium cannot be used, in one line, or `undefined` when it is there. */
function chromiumProblem(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  return `Chromium is not at ${CHROMIUM}: run \`npm run setup\` once (as root: apt-get install chromium), or set TUNEKIT_CHROMIUM`;
}

/** Throws the one-line instruction when Chromium is missing. */
export function requireChromium(): void {
  const problem = chromiumProblem();
  if (problem) throw new Error(problem);
}
