/** Where the tests look for Chromium: `TUNEKIT_CHROMIUM`, else Debian's package (`npm run setup` installs it). */
export const CHROMIUM = process.env['TUNEKIT_CHROMIUM'] || '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a machine with no network but loopback: without the background-networking
 * ones, Chromium keeps dialing Google's hosts and its refused connections slow every start.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
