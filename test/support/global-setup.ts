import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { PROVIDERS, type ProviderName } from '../../scripts/lib/providers.js';
import { startPrism, type RunningPrism } from './prism.js';
import { requireDocuments } from './requirements.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of a static Prism mock per provider, started from `openapi/<provider>.json` with `--errors`. */
    prism: Record<ProviderName, string>;
  }
}

/** The Prism mocks, started once per run however many projects use this setup (they share the main process). */
interface Shared {
  users: number;
  started: Promise<{ urls: Record<ProviderName, string>; running: RunningPrism[] }>;
  /** The tiers' temporary folder (`TMPDIR` of their workers), removed when the last tier ends. */
  tmp: string;
}
const shared = globalThis as { tunekitPrism?: Shared };

async function startAll(): Promise<{ urls: Record<ProviderName, string>; running: RunningPrism[] }> {
  const started = await Promise.allSettled(PROVIDERS.map((provider) => startPrism({ document: `openapi/${provider}.json`, errors: true })));
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(running.map((prism) => prism.stop()));
    throw failed.reason;
  }
  const [nebius, together, openai, azure] = running.map((prism) => prism.url);
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
  if (!shared.tunekitPrism) {
    const tmp = await mkdtemp(join(tmpdir(), 'tunekit-tests-'));
    shared.tunekitPrism = { users: 0, started: startAll(), tmp };
  }
  const state = shared.tunekitPrism;
  state.users++;
  process.env['TMPDIR'] = state.tmp;
  try {
    project.provide('prism', (await state.started).urls);
  } catch (error) {
    state.users--;
    throw error;
  }
  return async () => {
    if (--state.users > 0) return;
    shared.tunekitPrism = undefined;
    await Promise.all((await state.started.catch(() => ({ running: [] }))).running.map((prism) => prism.stop()));
    await rm(state.tmp, { recursive: true, force: true });
  };
}
