import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { PROVIDERS, type ProviderName } from '../../scripts/lib/providers.js';
import { startPrism, type RunningPrism } from './prism.js';
import { requireDocuments } from './requirements.js';
import { sharedSetup } from './shared-setup.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of a static Prism mock per provider, started from `openapi/<provider>.json` with `--errors`. */
    prism: Record<ProviderName, string>;
  }
}

/** The Prism mocks and the tiers' temporary folder (`TMPDIR` of their workers), once per run for every tier using them. */
const prism = sharedSetup(
  'prism',
  async (): Promise<{ urls: Record<ProviderName, string>; running: RunningPrism[]; tmp: string }> => {
    const tmp = await mkdtemp(join(tmpdir(), 'tunekit-tests-'));
    try {
      return { ...(await startAll()), tmp };
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      throw error;
    }
  },
  async ({ running, tmp }) => {
    await Promise.all(running.map((mock) => mock.stop()));
    await rm(tmp, { recursive: true, force: true });
  },
);

async function startAll(): Promise<{ urls: Record<ProviderName, string>; running: RunningPrism[] }> {
  const started = await Promise.allSettled(PROVIDERS.map((provider) => startPrism({ document: `openapi/${provider}.json`, errors: true })));
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(running.map((mock) => mock.stop()));
    throw failed.reason;
  }
  const [nebius, together, openai, azure] = running.map((mock) => mock.url);
  if (!nebius || !together || !openai || !azure) throw new Error('a Prism mock did not start');
  return { urls: { nebius, together, openai, azure }, running };
}

/**
 * The setup of the tiers that talk to Prism (contract, package): one Prism mock per provider on a port Prism picks
 * itself, stopped afterwards. Installs and pulls nothing: a missing document fails here with the command to run.
 * Their tests' temporary folders go under one `TMPDIR`, removed at the end, so none is left behind.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireDocuments();
  const { urls, tmp } = await prism.use();
  process.env['TMPDIR'] = tmp;
  project.provide('prism', urls);
  return () => prism.done();
}
