import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { ensureSpecs } from '../../scripts/ensure-specs.js';
import { PROVIDERS, type ProviderName } from '../../scripts/lib/providers.js';
import { ensureChromium } from './chromium.js';
import { startPrism, type RunningPrism } from './prism.js';


declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of a static Prism mock per provider, started from `openapi/<provider>.json` with `--errors`. */
    prism: Record<ProviderName, string>;
    /** Why Chromium cannot be used (`undefined` when it is installed): the browser tests fail with this. */
    chromiumProblem: string | undefined;
  }
}

/** Starts one Prism mock per provider, each on its own free port, and stops them all afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const running: RunningPrism[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(running.map((prism) => prism.stop()));
  };
  await ensureSpecs();
  // On a fresh machine this installs Debian's chromium once (root + apt-get), for the browser tests.
  project.provide('chromiumProblem', ensureChromium((line) => process.stderr.write(`${line}\n`)));
  try {
    const [nebius, together, openai, azure] = await Promise.all(
      PROVIDERS.map(async (provider) => {
        const prism = await startPrism({ document: `openapi/${provider}.json`, errors: true });
        running.push(prism);
        return prism.url;
      }),
    );
    if (!nebius || !together || !openai || !azure) throw new Error('a Prism mock did not start');
    project.provide('prism', { nebius, together, openai, azure });
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
