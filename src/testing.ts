/**
 * `tunekit/testing`: a stateful local sandbox of Nebius, Together or OpenAI fine-tuning, with a simulated clock,
 * for your tests and demos. It needs no network, no API key and no document at run time.
 *
 * @example
 * ```ts
 * import { startSandbox } from 'tunekit/testing';
 * await using sandbox = await startSandbox({ provider: 'nebius', clock: 'manual' });
 * // point any client at sandbox.url (or pass fetch: sandbox.fetch), then sandbox.advance(ms)
 * ```
 *
 * @packageDocumentation
 * @module tunekit/testing
 */
export { startSandbox, type Sandbox, type SandboxOptions, type ScriptStatuses, type RouteKey, type SandboxClock } from './sandbox/start.js';
export type { Connections } from './sandbox/server.js';
export type { ClockOption } from './sandbox/clock.js';
export type { Script, JobScript, FailScript, MetricsScript } from './sandbox/script.js';
export type { Fault, FaultScript, Override, Responder, RetryAfterForm, StatusFault } from './sandbox/faults.js';
export type { RecordedRequest } from './sandbox/recorder.js';
export type { At } from './sandbox/timeline.js';
export type { ProviderName as SandboxProviderName } from './sandbox/provider.js';
