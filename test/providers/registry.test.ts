/**
 * The registry's contract: every registered provider (src/providers/registry/providers.ts) is held to the same
 * checks, so a provider added to the registry is checked the moment it is registered. Its folder has every part and
 * nothing else; its facts, client, neutral mapping, dataset profile, sandbox and CLI part agree with its document's
 * surface (the committed lock); and the neutral workflow runs on its sandbox from a local file to a trained job.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FINAL_STATUSES, type JobStatus } from '../../src/core/provider.js';
import { clis } from '../../src/providers/registry/clis.js';
import { datasetProfiles } from '../../src/providers/registry/datasets.js';
import { PROVIDER_NAMES, providers } from '../../src/providers/registry/providers.js';
import { sandboxes } from '../../src/providers/registry/sandboxes.js';
import { tunings } from '../../src/providers/registry/tunings.js';
import { NEUTRAL_OPTIONS } from '../../src/workflow/neutral.js';
import { createTuner, type TrainProgress } from '../../src/index.js';
import { checkDataset } from '../../src/dataset/index.js';
import { startSandbox } from '../../src/testing.js';
import { PROVIDERS as PIPELINE_PROVIDERS } from '../../scripts/lib/providers.js';
import { renderRegistryFiles } from '../../scripts/lib/registry.js';
import { jsonl } from '../support/sandbox.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** The files a provider's folder holds, each the part of one layer (see .dependency-cruiser.cjs). */
const PARTS = ['facts.ts', 'client.ts', 'index.ts', 'wait.ts', 'tuning.ts', 'dataset.ts', 'sandbox.ts', 'cli.ts'];
/** Besides the parts, a provider may split its CLI part into `cli-*.ts` files. */
const EXTRA = /^cli-[a-z-]+\.ts$/;
const NEUTRAL: readonly JobStatus[] = ['validating', 'queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled'];

async function surface(name: string): Promise<string[]> {
  const lock: unknown = JSON.parse(await readFile(join(repo, 'openapi', `${name}.lock.json`), 'utf8'));
  const operations =
    typeof lock === 'object' &&
    lock !== null &&
    'surface' in lock &&
    typeof lock.surface === 'object' &&
    lock.surface !== null &&
    'operations' in lock.surface
      ? lock.surface.operations
      : undefined;
  if (!Array.isArray(operations)) throw new Error(`openapi/${name}.lock.json has no surface.operations`);
  return operations.map(String);
}

describe('the registry', () => {
  it('lists at least the three first providers, the pipeline pulls a document for each, and its derived files are current', () => {
    expect(PROVIDER_NAMES).toEqual(expect.arrayContaining(['nebius', 'together', 'openai']));
    expect([...PIPELINE_PROVIDERS].sort()).toEqual([...PROVIDER_NAMES].sort());
    for (const name of PROVIDER_NAMES) expect(providers[name].name).toBe(name);
  });

  it('the per-layer lists are what npm run generate renders from it', async () => {
    for (const [file, text] of renderRegistryFiles([...PROVIDER_NAMES])) expect(await readFile(join(repo, file), 'utf8'), file).toBe(text);
    const pkg: unknown = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8'));
    const exports =
      typeof pkg === 'object' && pkg !== null && 'exports' in pkg && typeof pkg.exports === 'object' && pkg.exports !== null
        ? pkg.exports
        : {};
    for (const name of PROVIDER_NAMES) expect(Object.keys(exports)).toContain(`./${name}`);
  });
});

describe.each([...PROVIDER_NAMES])('registered provider %s', (name) => {
  it('has one folder holding every part, and only parts', async () => {
    const files = (await readdir(join(repo, 'src/providers', name))).sort();
    expect(files).toEqual(expect.arrayContaining(PARTS));
    expect(files.filter((file) => !PARTS.includes(file) && !EXTRA.test(file))).toEqual([]);
  });

  it('has facts: a label, an https base URL, environment variables, and every status mapped to the neutral vocabulary', () => {
    const facts = providers[name];
    expect(facts.label).toMatch(/\S/);
    expect(new URL(facts.defaultBaseUrl).protocol).toBe('https:');
    expect(facts.env.apiKey).toMatch(/^[A-Z][A-Z0-9_]*_API_KEY$/);
    expect(facts.env.baseUrl).toMatch(/^[A-Z][A-Z0-9_]*_BASE_URL$/);
    const neutral: string[] = Object.values(facts.statuses);
    for (const status of neutral) expect(NEUTRAL).toContain(status);
    // A job can end every way: the table maps some status to each final status.
    for (const final of FINAL_STATUSES) expect(neutral).toContain(final);
    expect(facts.exampleModel).toMatch(/\S/);
  });

  it("maps or refuses every neutral option, and its client has the neutral API's calls", () => {
    const tuning = tunings[name];
    expect(tuning.provider).toBe(name);
    for (const option of NEUTRAL_OPTIONS) {
      const rule = tuning.mapping[option];
      expect('refused' in rule ? rule.refused : rule.field, `${name} ${option}`).toMatch(/\S/);
    }
    const client = tuning.createClient({ apiKey: 'contract', baseUrl: 'http://127.0.0.1:9' });
    for (const method of ['create', 'retrieve', 'list', 'cancel', 'events', 'checkpoints', 'wait'] as const)
      expect(typeof client.jobs[method], `jobs.${method}`).toBe('function');
    for (const method of ['upload', 'list', 'retrieve', 'content', 'delete'] as const)
      expect(typeof client.files[method], `files.${method}`).toBe('function');
  });

  it('serves every operation of its trimmed document in the sandbox, and its CLI part names one of them for creates', async () => {
    const operations = await surface(name);
    const sandbox = await sandboxes[name]();
    expect(sandbox.name).toBe(name);
    expect([...sandbox.operations].sort()).toEqual(expect.arrayContaining([...operations].sort()));
    expect(sandbox.passing.length).toBeGreaterThan(0);
    const cli = clis[name];
    expect(operations).toContain(cli.createOperation);
    expect(Object.keys((await cli.rules()).o)).toContain(cli.createOperation);
    expect(cli.purposes).toContain('fine-tune');
    for (const command of cli.commands) {
      expect(['jobs', 'models']).toContain(command.group);
      expect(command.summary).toMatch(/\S/);
    }
  });

  it('has a dataset profile that passes a plain chat file', async () => {
    const profile = datasetProfiles[name];
    expect(profile.provider).toBe(name);
    const report = await checkDataset(new Blob([`${jsonl(20)}\n`]), { provider: name });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('trains through the neutral API on its sandbox, from a local file to a succeeded job', async () => {
    await using sandbox = await startSandbox({ provider: name, clock: 'manual', listen: false });
    const tuner = createTuner({ provider: name, apiKey: 'contract', baseUrl: sandbox.url, fetch: sandbox.fetch });
    const stages = new Set<string>();
    const onProgress = (progress: TrainProgress<typeof name>): void => {
      stages.add(progress.stage);
    };
    const result = await tuner.train(
      { model: providers[name].exampleModel, trainingFile: new Blob([`${jsonl(30)}\n`]), epochs: 1 },
      { check: true, wait: { clock: sandbox.clock }, onProgress },
    );
    expect(result.job.provider).toBe(name);
    expect(result.job.status).toBe('succeeded');
    expect(result.checkpoints.length).toBeGreaterThan(0);
    expect([...stages]).toEqual(expect.arrayContaining(['check', 'upload', 'create', 'wait', 'done']));
    const listed = [];
    for await (const job of tuner.jobs.list()) listed.push(job.id);
    expect(listed).toContain(result.job.id);
  });
});
