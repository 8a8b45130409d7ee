import {
  createAzureOpenAIClient,
  createNebiusClient,
  createOpenAIClient,
  createTogetherClient,
  type ClientOptions,
  type ProviderName,
  type RequestOptions,
} from '../../src/index.js';
import type { RouteKey, Sandbox } from '../../src/testing.js';

export type Op = 'retrieve' | 'list' | 'create' | 'upload';

/** The four operations of the matrix, the same shape for every provider. */
export interface Ops {
  retrieve(options?: RequestOptions): Promise<{ id: string }>;
  /** Every job, page by page (pages of 2 where the provider pages). */
  list(options?: RequestOptions): Promise<{ id: string }[]>;
  create(options?: RequestOptions): Promise<{ id: string }>;
  upload(options?: RequestOptions): Promise<{ id: string }>;
  /** Every file (to inspect the sandbox). */
  files(): Promise<{ id: string }[]>;
  /** The client object itself (to inspect it). */
  client: unknown;
}

/** The operation of each op in each provider's route table (a typo does not compile). */
export const ROUTES: { [P in ProviderName]: Record<Op, RouteKey<P>> } = {
  nebius: {
    retrieve: 'GET /v1/fine_tuning/jobs/{job_id}',
    list: 'GET /v1/fine_tuning/jobs',
    create: 'POST /v1/fine_tuning/jobs',
    upload: 'POST /v1/files',
  },
  together: { retrieve: 'GET /fine-tunes/{id}', list: 'GET /fine-tunes', create: 'POST /fine-tunes', upload: 'POST /files/upload' },
  openai: {
    retrieve: 'GET /fine_tuning/jobs/{fine_tuning_job_id}',
    list: 'GET /fine_tuning/jobs',
    create: 'POST /fine_tuning/jobs',
    upload: 'POST /files',
  },
  azure: {
    retrieve: 'GET /fine_tuning/jobs/{fine_tuning_job_id}',
    list: 'GET /fine_tuning/jobs',
    create: 'POST /fine_tuning/jobs',
    upload: 'POST /files',
  },
};

/** Whether the provider pages its job list (Together's comes whole). */
export const pages = (provider: ProviderName): boolean => provider !== 'together';

export const FILE_TEXT = '{"messages":[{"role":"user","content":"hi"}]}\n';
const file = () => new File([FILE_TEXT], 'train.jsonl');

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The matrix's ops on `provider`; `retrieve` reads `jobId`. */
export function opsFor(provider: ProviderName, options: ClientOptions, jobId = 'ftjob-none'): Ops {
  switch (provider) {
    case 'nebius': {
      const client = createNebiusClient(options);
      return {
        client,
        retrieve: (o) => client.jobs.retrieve(jobId, o),
        list: (o) => collect(client.jobs.list({ limit: 2 }, o)),
        create: (o) => client.jobs.create({ model: 'meta-llama/Llama-3.1-8B-Instruct', training_file: 'file-train' }, o),
        upload: (o) => client.files.upload(file(), {}, o),
        files: () => collect(client.files.list()),
      };
    }
    case 'together': {
      const client = createTogetherClient(options);
      return {
        client,
        retrieve: (o) => client.jobs.retrieve(jobId, o),
        list: (o) => collect(client.jobs.list(o)),
        create: (o) => client.jobs.create({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', training_file: 'file-train' }, o),
        upload: (o) => client.files.upload(file(), {}, o),
        files: () => collect(client.files.list()),
      };
    }
    case 'openai': {
      const client = createOpenAIClient(options);
      return {
        client,
        retrieve: (o) => client.jobs.retrieve(jobId, o),
        list: (o) => collect(client.jobs.list({ limit: 2 }, o)),
        create: (o) => client.jobs.create({ model: 'gpt-4o-mini-2024-07-18', training_file: 'file-train' }, o),
        upload: (o) => client.files.upload(file(), {}, o),
        files: () => collect(client.files.list()),
      };
    }
    case 'azure': {
      const client = createAzureOpenAIClient(options);
      return {
        client,
        retrieve: (o) => client.jobs.retrieve(jobId, o),
        list: (o) => collect(client.jobs.list({ limit: 2 }, o)),
        create: (o) => client.jobs.create({ model: 'gpt-4.1-mini-2025-04-14', training_file: 'file-train' }, o),
        upload: (o) => client.files.upload(file(), {}, o),
        files: () => collect(client.files.list()),
      };
    }
  }
}

/** What one key holds in the sandbox: its jobs (newest first) and files. */
export interface Held {
  jobs: string[];
  files: string[];
}

/** Reads what `apiKey` holds, in-process and with no override armed (so nothing spoils the reading). */
export async function held(sandbox: Sandbox, apiKey: string): Promise<Held> {
  sandbox.resetOverrides();
  const ops = opsFor(sandbox.provider, { apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch });
  const [jobs, files] = await Promise.all([ops.list(), ops.files()]);
  return { jobs: jobs.map((job) => job.id), files: files.map((one) => one.id) };
}

/** `count` jobs and one file for `apiKey`, made in-process before the test; what it then holds. */
export async function seed(sandbox: Sandbox, apiKey: string, count = 5): Promise<Held> {
  const ops = opsFor(sandbox.provider, { apiKey, baseUrl: sandbox.url, fetch: sandbox.fetch });
  await ops.upload();
  for (let i = 0; i < count; i++) await ops.create();
  return held(sandbox, apiKey);
}
