import type { Handled } from './engine.js';
import type { Override } from './faults.js';
import { Engine, type EngineOptions } from './engine.js';
import type { ProviderName } from './provider.js';
import type { RecordedRequest } from './recorder.js';

/** An engine whatever its provider: what the sandbox's front ends (`startSandbox`, the bin) use. */
export interface SandboxEngine {
  readonly name: ProviderName;
  /** Where the provider's paths are served (`/v1` or ''). */
  readonly prefix: string;
  handle(request: Request): Promise<Handled>;
  now(apiKey?: string): number;
  advance(ms: number): number;
  timer(ms: number, fire: () => void): () => void;
  script(script: unknown): void;
  use(overrides: readonly Override[]): void;
  resetOverrides(): void;
  requests(): readonly RecordedRequest[];
  reset(): void;
  close(): void;
}

function wrap<S, R>(engine: Engine<S, R>): SandboxEngine {
  return {
    name: engine.name,
    prefix: engine.provider.prefix,
    handle: async (request) => {
      try {
        return await engine.handle(request);
      } catch (error) {
        if (request.signal.aborted) throw error;
        const message = `sandbox internal error: ${error instanceof Error ? error.message : String(error)}`;
        const failure = engine.provider.errors.status(500, message);
        return { response: new Response(JSON.stringify(failure.error), { status: 500, headers: { 'content-type': 'application/json' } }) };
      }
    },
    now: (apiKey) => engine.now(apiKey),
    advance: (ms) => engine.advance(ms),
    timer: (ms, fire) => engine.timer(ms, fire),
    script: (script) => engine.script(script),
    use: (overrides) => engine.use(overrides),
    resetOverrides: () => engine.resetOverrides(),
    requests: () => engine.requests(),
    reset: () => engine.reset(),
    close: () => engine.close(),
  };
}

/** The engine of one provider; each provider's module is loaded only when asked for. */
export async function loadEngine(name: ProviderName, options: EngineOptions): Promise<SandboxEngine> {
  switch (name) {
    case 'nebius':
      return wrap(new Engine((await import('./providers/nebius.js')).nebius, options));
    case 'together':
      return wrap(new Engine((await import('./providers/together.js')).together, options));
    case 'openai':
      return wrap(new Engine((await import('./providers/openai.js')).openai, options));
  }
}
