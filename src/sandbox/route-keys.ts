import type { SandboxPaths } from '../providers/registry/sandboxes.js';
import type { ProviderName } from './provider.js';
import type { OperationKey } from './routes.js';

/** An operation of a provider's route table, `METHOD path` as its document writes it: `'GET /v1/fine_tuning/jobs/{job_id}'`. */
export type RouteKey<P extends ProviderName> = P extends ProviderName ? OperationKey<SandboxPaths[P]> : never;
