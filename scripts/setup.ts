import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureSpecs } from './ensure-specs.js';
import { isMain, runCli } from './lib/cli.js';

/** Where the tests look for Chromium: `TUNEKIT_CHROMIUM`, else Debian's package. */
const CHROMIUM = process.env['TUNEKIT_CHROMIUM'] || '/usr/bin/chromium';

/**
 * Chromium for the browser tests: present, or installed from Debian's package when this process may (root and
 * apt-get); otherwise the command to run. Returns what is still missing, in words.
 */
function ensureChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) return `Chromium is not at ${CHROMIUM}: run \`sudo apt-get install -y chromium\` (Debian) or set TUNEKIT_CHROMIUM`;
  process.stderr.write('installing Chromium (apt-get install chromium) for the browser tests…\n');
  execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'], {
    stdio: 'inherit',
    timeout: 15 * 60_000,
  });
  return existsSync(CHROMIUM) ? undefined : `apt-get installed chromium, but ${CHROMIUM} is still missing`;
}

async function main(): Promise<number> {
  await ensureSpecs();
  process.stdout.write('provider documents: present (openapi/*.json)\n');
  const chromium = ensureChromium();
  process.stdout.write(chromium ? `${chromium}\n` : `Chromium: ${CHROMIUM}\n`);
  return chromium ? 1 : 0;
}

const USAGE = `usage: npm run setup

The one-time machine set-up the tests need, which the tests themselves never do: pulls the provider documents
(openapi/<provider>.json, not in git) from TUNEKIT_SPEC_MIRROR, else ../shared/openapi, else the upstream URLs, and
installs Debian's chromium for the browser tests when it is missing (as root, with apt-get; otherwise it prints the
command). Running it again does nothing.`;

if (isMain(import.meta.url)) runCli(main, USAGE);
