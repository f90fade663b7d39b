#!/usr/bin/env node
/* global process, console */
// Looks at the running UI the way a person would: logs in, visits each page at desktop and
// phone width in light and dark mode, and saves screenshots (not a test suite).
//   BASE=http://127.0.0.1:3100 USER=admin PASS=… OUT=screenshots node scripts/screenshots.mjs [page…]
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const base = process.env.BASE ?? 'http://127.0.0.1:3000';
const out = process.env.OUT ?? 'screenshots';
const only = process.argv.slice(2);
const pages = [
  ['login', '/login/'],
  ['dashboard', '/'],
  ['instances', '/instances/'],
  ['wizard-ct', '/instances/new/?kind=ct'],
  ['wizard-vm', '/instances/new/?kind=vm'],
  ['tasks', '/tasks/'],
  ['templates', '/templates/'],
  ['isos', '/isos/'],
  ['audit', '/audit/'],
  ...(process.env.INSTANCE ? [['instance', `/instances/view/?id=${process.env.INSTANCE}`]] : []),
  ...(process.env.VM ? [['vm', `/instances/view/?id=${process.env.VM}&tab=console`]] : []),
].filter(([name]) => only.length === 0 || only.includes(name));

await mkdir(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  for (const [scheme, width, height] of [
    ['light', 1280, 900],
    ['dark', 1280, 900],
    ['light', 390, 844],
    ['dark', 390, 844],
  ]) {
    const ctx = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && console.error(`console: ${m.text()}`));
    await page.goto(`${base}/login/`);
    await page.getByLabel('Username').fill(process.env.USER_NAME ?? 'admin');
    await page.getByLabel('Password').fill(process.env.PASS ?? 'adminadmin');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    for (const [name, path] of pages) {
      if (name === 'login') continue;
      await page.goto(`${base}${path}`);
      await page.waitForLoadState('networkidle').catch(() => {});
      await page.waitForTimeout(400);
      const file = `${out}/${name}-${width}-${scheme}.png`;
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
    }
    await ctx.close();
  }
} finally {
  await browser.close();
}
