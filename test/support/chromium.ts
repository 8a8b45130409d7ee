import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where the tests look for Chromium: `TUNEKIT_CHROMIUM`, else Debian's package. */
export const CHROMIUM = process.env['TUNEKIT_CHROMIUM'] || '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a machine with no network but loopback: without the background-networking
 * ones, Chromium keeps dialing Google's hosts and its refused connections slow every start.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/**
 * Make sure Chromium is installed (the browser and HTML-report tests need it): when it is missing and this
 * process may install Debian packages (root, apt-get), install `chromium`; otherwise say how.
 * Returns the problem in words, or `undefined` when Chromium is there.
 */
export function ensureChromium(log: (line: string) => void = () => undefined): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) {
    return `Chromium is not at ${CHROMIUM}: install Debian's package (sudo apt-get install -y chromium) or set TUNEKIT_CHROMIUM`;
  }
  log('installing Chromium (apt-get install chromium) for the browser tests…');
  try {
    execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'], { stdio: 'ignore', timeout: 15 * 60_000 });
  } catch (error) {
    return `could not install Chromium with apt-get (${error instanceof Error ? error.message : String(error)})`;
  }
  return existsSync(CHROMIUM) ? undefined : `apt-get installed chromium, but ${CHROMIUM} is still missing`;
}
