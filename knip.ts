/**
 * knip (npm run knip): unused files, exports and dependencies. The package's entry points come from package.json
 * through scripts/lib/entries.ts; the rest are the repository's own programs and tests.
 */
import type { KnipConfig } from 'knip';
import { binSources, entryPoints } from './scripts/lib/entries.js';

const config: KnipConfig = {
  entry: [
    ...entryPoints().map((entry) => entry.source),
    ...binSources(),
    // The browser build swaps src/platform/files.ts and http.ts for these files (scripts/build.ts).
    'src/platform/*.browser.ts',
    'scripts/*.ts',
    'bench/*.ts',
    'examples/*.ts',
    'test/**/*.test.ts',
    'test/**/*.test-d.ts',
    // Compiled by test/docs/snippets.test.ts with exactOptionalPropertyTypes on, as a user's file.
    'test/types/exact-optional/*.ts',
    // Test fixtures run as child processes.
    'test/**/fixtures/*.ts',
  ],
  // Run as programs by the package test (test/package/pack.test.ts), not imported.
  ignoreDependencies: ['@arethetypeswrong/cli', 'publint'],
  project: ['src/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts', 'test/**/*.ts', '*.ts'],
};

export default config;
