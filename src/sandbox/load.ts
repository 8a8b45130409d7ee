import { sandboxes } from '../providers/registry/sandboxes.js';
import type { ProviderName } from '../providers/registry/providers.js';
import type { EngineOptions } from './engine.js';
import type { SandboxEngine } from './definition.js';

/** The engine of one provider; each provider's module is loaded only when asked for. */
export async function loadEngine(name: ProviderName, options: EngineOptions): Promise<SandboxEngine> {
  return (await sandboxes[name]()).start(options);
}
