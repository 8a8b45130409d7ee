import type { ClientOptions, RequestOptions } from '../../src/index.js';
import { createNebiusClient } from '../../src/providers/nebius/client.js';
import { createOpenAIClient } from '../../src/providers/openai/client.js';
import { createTogetherClient } from '../../src/providers/together/client.js';
import type { ProviderName } from '../support/fault-server.js';

/** The four operations of the matrix, the same shape for every provider. */
export interface Ops {
  retrieve(options?: RequestOptions): Promise<{ id: string }>;
  /** Every job, page by page. */
  list(options?: RequestOptions): Promise<{ id: string }[]>;
  create(options?: RequestOptions): Promise<{ id: string }>;
  upload(options?: RequestOptions): Promise<{ id: string }>;
  /** The client object itself (to inspect it). */
  client: unknown;
}

export const JOB_ID: Record<ProviderName, string> = { nebius: 'ftjob-1', together: 'ft-1', openai: 'ftjob-1' };
export const FILE_TEXT = '{"messages":[{"role":"user","content":"hi"}]}\n';
const file = () => new File([FILE_TEXT], 'train.jsonl');

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export function opsFor(provider: ProviderName, options: ClientOptions): Ops {
  switch (provider) {
    case 'nebius': {
      const client = createNebiusClient(options);
      return {
        client,
        retrieve: (o) => client.jobs.retrieve(JOB_ID.nebius, o),
        list: (o) => collect(client.jobs.list({}, o)),
        create: (o) => client.jobs.create({ model: 'meta-llama/Llama-3.1-8B-Instruct', training_file: 'file-train' }, o),
        upload: (o) => client.files.upload(file(), {}, o),
      };
    }
    case 'together': {
      const client = createTogetherClient(options);
      return {
        client,
        retrieve: (o) => client.jobs.retrieve(JOB_ID.together, o),
        list: (o) => collect(client.jobs.list(o)),
        create: (o) => client.jobs.create({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', training_file: 'file-train' }, o),
        upload: (o) => client.files.upload(file(), {}, o),
      };
    }
    case 'openai': {
      const client = createOpenAIClient(options);
      return {
        client,
        retrieve: (o) => client.jobs.retrieve(JOB_ID.openai, o),
        list: (o) => collect(client.jobs.list({}, o)),
        create: (o) => client.jobs.create({ model: 'gpt-4o-mini', training_file: 'file-train' }, o),
        upload: (o) => client.files.upload(file(), {}, o),
      };
    }
  }
}
