/**
 * What several tiers' global setups share in one run: Vitest calls each tier's setup in the one main process, so
 * the first caller starts the thing, the others wait for the same start, and the last tier to end stops it.
 */
export interface SharedSetup<T> {
  /** The started thing; the first call starts it. A failed start fails every caller and counts none. */
  use(): Promise<T>;
  /** One caller is done; after the last, `stop` runs (not when the start failed). */
  done(): Promise<void>;
}

interface Entry {
  users: number;
  started: Promise<unknown>;
}

const registry = globalThis as { tunekitSharedSetups?: Map<string, Entry> };

export function sharedSetup<T>(name: string, start: () => Promise<T>, stop: (started: T) => Promise<void>): SharedSetup<T> {
  const entries = (registry.tunekitSharedSetups ??= new Map());
  // Stored as unknown in a map shared by setups of other types; only this closure puts and reads `name`'s entry.
  const started = (entry: Entry): Promise<T> => entry.started as Promise<T>;
  return {
    async use() {
      let entry = entries.get(name);
      if (!entry) {
        entry = { users: 0, started: start() };
        entries.set(name, entry);
      }
      entry.users++;
      try {
        return await started(entry);
      } catch (error) {
        entry.users--;
        if (entry.users === 0) entries.delete(name);
        throw error;
      }
    },
    async done() {
      const entry = entries.get(name);
      if (!entry || --entry.users > 0) return;
      entries.delete(name);
      await stop(await started(entry));
    },
  };
}
