/**
 * The registry: every provider tunekit speaks to, in the order it lists them. Adding a provider is its folder
 * (`src/providers/<name>/`) and one line here; `npm run generate` then writes the per-layer lists beside this file
 * (clients, tunings, dataset profiles, sandboxes, CLI modules) and the package's entry points from it.
 */
import { facts as nebius } from '../nebius/facts.js';
import { facts as openai } from '../openai/facts.js';
import { facts as together } from '../together/facts.js';

/** Each provider's facts, by name. */
export const providers = {
  nebius,
  together,
  openai,
} as const;

/** The providers tunekit speaks to. */
export type ProviderName = keyof typeof providers;

/** Every provider, in the order tunekit lists them. */
export const PROVIDER_NAMES: readonly ProviderName[] = Object.values(providers).map((facts) => facts.name);

/** True for the name of a registered provider. */
export const isProviderName = (name: unknown): name is ProviderName => PROVIDER_NAMES.some((known) => known === name);

/** The provider used where none is named (the sandbox's default, the demo's): the primary one. */
export const DEFAULT_PROVIDER: ProviderName = 'nebius';
