import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMain, runCli } from './lib/cli.js';
import { PROVIDERS, REPO_ROOT } from './lib/providers.js';

/**
 * The trimmed documents are not in git: pull them when missing. Source, in order: `TUNEKIT_SPEC_MIRROR`,
 * a `../shared/openapi` mirror beside the checkout, else the upstream URLs. The lock's hashes are checked.
 */
export async function ensureSpecs(): Promise<void> {
  const missing = PROVIDERS.filter((provider) => !existsSync(resolve(REPO_ROOT, 'openapi', `${provider}.json`)));
  if (missing.length === 0) return;
  const sibling = resolve(REPO_ROOT, '../shared/openapi');
  const mirror = process.env.TUNEKIT_SPEC_MIRROR || (existsSync(sibling) ? sibling : undefined);
  process.stderr.write(`pulling the OpenAPI documents (${missing.join(', ')}) from ${mirror ?? 'the upstream URLs'}…\n`);
  for (const provider of missing) {
    const args = ['--import', 'tsx', resolve(REPO_ROOT, 'scripts/pull.ts'), '--provider', provider];
    if (mirror) args.push('--mirror', mirror);
    const run = spawnSync(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (run.status !== 0) throw new Error(`could not pull the ${provider} document (see above)`);
  }
}

const USAGE = `usage: tsx scripts/ensure-specs.ts

Pulls any missing trimmed document (openapi/<provider>.json) from TUNEKIT_SPEC_MIRROR, else ../shared/openapi,
else the upstream URLs, checked against the committed locks. npm run setup and the mock run it first; the tests
never do (a missing document fails them with the command to run).`;

if (isMain(import.meta.url)) runCli(() => ensureSpecs(), USAGE);
