/**
 * Debian's chromium as the browser tests and bench/web run it: headless here, without the
 * background work (updates, sync, first-run pages) that would blur a timing or reach out.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
