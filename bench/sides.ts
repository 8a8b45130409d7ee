/**
 * The contenders of the CPU benchmark, each a zero-argument "retrieve one job" against the bench server.
 * Tunekit's Together/OpenAI providers are picked up only when their modules exist.
 */
import { existsSync } from 'node:fs';
import createClient from 'openapi-fetch';
import OpenAI from 'openai';
import Together from 'together-ai';
import type { paths as NebiusPaths } from '../generated/nebius.js';
import { createNebiusClient } from '../src/providers/nebius/client.js';
import { VERSION } from '../src/core/version.js';
import { JOB_ID, togetherJob } from './fixtures.js';

export interface Side {
  name: string;
  /** The side this one is compared with (a raw fetch of the same path); absent for baselines. */
  baseline?: string;
  call: () => Promise<unknown>;
  /** The id the answer must carry (sanity check that the side reached the right route). */
  expectId: string;
}

const API_KEY = 'bench-key-not-secret';
const headers = { Authorization: `Bearer ${API_KEY}`, 'User-Agent': `tunekit/${VERSION}` };

export const RAW = 'raw fetch+json';
export const RAW_TOGETHER = 'raw fetch+json (Together path)';

interface RetrieveClient {
  jobs: { retrieve(id: string): Promise<unknown> };
}
type Factory = (options: { apiKey: string; baseUrl: string; maxRetries?: number }) => RetrieveClient;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A provider module's `create…Client` export, if the module exists and has one. */
async function optionalFactory(file: string, exportName: string): Promise<Factory | undefined> {
  const source = new URL(`../src/providers/${file}/index.ts`, import.meta.url);
  if (!existsSync(source)) return undefined;
  const specifier = `../src/providers/${file}/index.js`;
  const module: unknown = await import(specifier);
  const factory = isRecord(module) ? module[exportName] : undefined;
  if (typeof factory !== 'function') throw new Error(`src/providers/${file}/index.ts has no ${exportName} export`);
  return (options) => {
    const client: unknown = factory(options);
    if (!isRecord(client) || !isRecord(client.jobs) || typeof client.jobs.retrieve !== 'function') {
      throw new Error(`${exportName}() returned no jobs.retrieve`);
    }
    const retrieve = client.jobs.retrieve;
    return { jobs: { retrieve: (id: string): Promise<unknown> => retrieve(id) } };
  };
}

/** Which optional tunekit providers exist right now. */
export async function optionalProviders(): Promise<{ together?: Factory; openai?: Factory }> {
  return {
    together: await optionalFactory('together', 'createTogetherClient'),
    openai: await optionalFactory('openai', 'createOpenAIClient'),
  };
}

export async function makeSides(url: string): Promise<Side[]> {
  const jobUrl = `${url}/v1/fine_tuning/jobs/${JOB_ID}`;
  const togetherUrl = `${url}/v1/fine-tunes/${togetherJob.id}`;
  const rawFetch = (target: string) => async (): Promise<unknown> => {
    const res = await fetch(target, { headers });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.json();
  };

  const bare = createClient<NebiusPaths>({ baseUrl: url, headers });
  const nebius = createNebiusClient({ apiKey: API_KEY, baseUrl: url });
  const openaiSdk = new OpenAI({ apiKey: API_KEY, baseURL: `${url}/v1`, maxRetries: 0 });
  const togetherSdk = new Together({ apiKey: API_KEY, baseURL: `${url}/v1`, maxRetries: 0 });
  const optional = await optionalProviders();

  const sides: Side[] = [
    { name: RAW, call: rawFetch(jobUrl), expectId: JOB_ID },
    {
      name: 'openapi-fetch (bare GET)',
      baseline: RAW,
      expectId: JOB_ID,
      call: async () => {
        const { data, error } = await bare.GET('/v1/fine_tuning/jobs/{job_id}', { params: { path: { job_id: JOB_ID } } });
        if (error !== undefined) throw new Error('openapi-fetch: error answer');
        return data;
      },
    },
    { name: 'tunekit Nebius jobs.retrieve', baseline: RAW, expectId: JOB_ID, call: () => nebius.jobs.retrieve(JOB_ID) },
  ];
  if (optional.openai) {
    const client = optional.openai({ apiKey: API_KEY, baseUrl: `${url}/v1` });
    sides.push({ name: 'tunekit OpenAI jobs.retrieve', baseline: RAW, expectId: JOB_ID, call: () => client.jobs.retrieve(JOB_ID) });
  }
  sides.push({
    name: 'openai@6 fineTuning.jobs.retrieve',
    baseline: RAW,
    expectId: JOB_ID,
    call: () => openaiSdk.fineTuning.jobs.retrieve(JOB_ID),
  });
  sides.push({ name: RAW_TOGETHER, call: rawFetch(togetherUrl), expectId: togetherJob.id });
  if (optional.together) {
    const client = optional.together({ apiKey: API_KEY, baseUrl: `${url}/v1` });
    sides.push({
      name: 'tunekit Together jobs.retrieve',
      baseline: RAW_TOGETHER,
      expectId: togetherJob.id,
      call: () => client.jobs.retrieve(togetherJob.id),
    });
  }
  sides.push({
    name: 'together-ai fineTuning.retrieve',
    baseline: RAW_TOGETHER,
    expectId: togetherJob.id,
    call: () => togetherSdk.fineTuning.retrieve(togetherJob.id),
  });
  return sides;
}

/** Call every side once and check it got the right job back. */
export async function checkSides(sides: Side[]): Promise<void> {
  for (const side of sides) {
    const answer = await side.call();
    const id = isRecord(answer) ? answer.id : undefined;
    if (id !== side.expectId) throw new Error(`${side.name}: expected job ${side.expectId}, got ${JSON.stringify(id)}`);
  }
}
