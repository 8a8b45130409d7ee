import { createRequire } from 'node:module';

/**
 * commander is CommonJS: bundled into this ES module (the bin is one esbuild bundle), its `require('node:events')`
 * needs a `require` to call. main.ts calls this before it loads the command tree (and commander with it).
 */
export function ensureRequire(): void {
  globalThis.require ??= createRequire(import.meta.url);
}
