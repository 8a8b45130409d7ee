/** A provider's sandbox as the engine sees it: what each provider's `sandbox.ts` exports (`defineSandbox`). */
import type { ProviderName } from '../providers/registry/providers.js';
import { Engine, type EngineOptions, type Handled } from './engine.js';
import type { SandboxProvider } from './provider.js';
import type { Override } from './faults.js';
import type { RecordedRequest } from './recorder.js';
import { passingStatuses, type Lifecycle } from './timeline.js';

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

/** The statuses a job of lifecycle `L` passes through on its way: where a scripted outcome can happen. */
export type PassingStatuses<L extends Lifecycle<string>> = L['before'][number]['status'] | L['running'] | L['after'][number]['status'];

/** A provider's sandbox as the engine loads it: its name, its operations, and how to start an engine of it. */
export interface SandboxDefinition<Passing extends string = string> {
  readonly name: ProviderName;
  /** Where the provider's paths are served (`/v1` or ''). */
  readonly prefix: string;
  /** Every operation it serves (`GET /fine_tuning/jobs/{job_id}`), the keys of the document's request rules. */
  readonly operations: readonly string[];
  /** The statuses a job passes through (`fail: { at: … }` names one). */
  readonly passing: readonly Passing[];
  start(options: EngineOptions): SandboxEngine;
}

/** A provider's sandbox module's export: its routes, lifecycle and error words, ready for the engine. */
export function defineSandbox<S, R>() {
  return <const L extends Lifecycle<string>>(
    provider: SandboxProvider<S, R> & { lifecycle: L },
  ): SandboxDefinition<PassingStatuses<L> & string> => ({
    name: provider.name,
    prefix: provider.prefix,
    operations: provider.routes.map((route) => route.operation),
    passing: passingOf(provider.lifecycle),
    start: (options) => wrap(new Engine(provider, options)),
  });
}

/** The lifecycle's passing statuses, typed as they are declared. */
function passingOf<const L extends Lifecycle<string>>(lifecycle: L): (PassingStatuses<L> & string)[] {
  const named = (status: string): status is PassingStatuses<L> & string => passingStatuses(lifecycle).includes(status);
  return passingStatuses(lifecycle).filter(named);
}
