/* global process, console, window */
// Runs axe-core on every page (4 variants: light/dark × 1280/390 px) against a running UI and
// prints serious and critical violations. Not a test suite; a quick look before the e2e ones.
//   BASE=http://127.0.0.1:3000 PASS=… [INSTANCE=<uuid>] [VM=<uuid>] node scripts/axe.mjs
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
const require = createRequire(import.meta.url);
const axe = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const base = process.env.BASE ?? 'http://127.0.0.1:3000';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
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
const paths = [
  '/',
  '/instances/',
  '/instances/new/?kind=ct',
  '/instances/new/?kind=vm',
  '/tasks/',
  '/templates/',
  '/isos/',
  '/audit/',
];
if (process.env.INSTANCE)
  paths.push(
    `/instances/view/?id=${process.env.INSTANCE}`,
    `/instances/view/?id=${process.env.INSTANCE}&tab=tasks`,
  );
if (process.env.VM) paths.push(`/instances/view/?id=${process.env.VM}&tab=console`);
for (const [scheme, width] of [
  ['light', 1280],
  ['dark', 1280],
  ['light', 390],
  ['dark', 390],
]) {
  const page = await (
    await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme })
  ).newPage();
  await page.goto(`${base}/login/`);
  await page.addScriptTag({ content: axe });
  let r = await page.evaluate(() => window.axe.run());
  const report = (p, r) => {
    for (const v of r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
      console.log(
        scheme,
        width,
        p,
        v.impact,
        v.id,
        v.nodes.length,
        v.nodes[0].target.join(' '),
        v.nodes[0].failureSummary?.split('\n')[1],
      );
  };
  report('/login/', r);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(process.env.PASS ?? 'adminadmin');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  for (const p of paths) {
    await page.goto(base + p);
    await page.waitForTimeout(1200);
    await page.addScriptTag({ content: axe });
    r = await page.evaluate(() => window.axe.run());
    report(p, r);
  }
}
console.log('axe done');
await browser.close();
