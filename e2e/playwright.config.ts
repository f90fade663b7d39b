import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './chromium-args.js';

/**
 * Playwright against the real stack (agent + API serving the built web UI), in
 * Debian's chromium: Playwright cannot download its own browser here.
 */
export default defineConfig({
  testDir: './specs',
  outputDir: '../test-results/e2e',
  // One machine, real containers and VMs: one test at a time, and no retries hiding flakiness.
  workers: 1,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  globalSetup: './global-setup.ts',
  reporter: [['list'], ['json', { outputFile: '../test-results/e2e.json' }]],
  use: {
    baseURL: process.env.BERTH_E2E_URL,
    // The API serves HTTPS with a certificate it made itself (global-setup.ts).
    ignoreHTTPSErrors: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      // Debian's chromium, run in a network namespace of the run's own (global-setup.ts).
      executablePath:
        process.env.BERTH_CHROMIUM ??
        fileURLToPath(new URL('./chromium-netns.sh', import.meta.url)),
      args: CHROMIUM_ARGS,
    },
  },
});
