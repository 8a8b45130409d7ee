import type { paths as NebiusPaths } from '../../generated/nebius.js';
import type { paths as OpenAIPaths } from '../../generated/openai.js';
import type { paths as TogetherPaths } from '../../generated/together.js';
import type { ProviderName } from './provider.js';
import type { OperationKey } from './routes.js';

/** Each provider's document paths: its route table (`RouteTable<paths, …>`) has a handler for every operation of them. */
interface SandboxPaths {
  nebius: NebiusPaths;
  together: TogetherPaths;
  openai: OpenAIPaths;
}

/** An operation of a provider's route table, `METHOD path` as its document writes it: `'GET /v1/fine_tuning/jobs/{job_id}'` (Nebius). */
export type RouteKey<P extends ProviderName> = P extends ProviderName ? OperationKey<SandboxPaths[P]> : never;
