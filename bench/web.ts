/**
 * Web console speed with 500 instances: first contentful paint and time to interactive of
 * the dashboard and the instances list in headless chromium, and the JS a first load sends.
 * Beside it, in the same run, the API's own answer time for the same list.
 *
 * Interactive: the page's data is on screen (the dashboard's count of instances; the list's
 * first rows with their "Showing 20 of N" line, drawn in the same render as the rows) and the
 * main thread has then gone idle, timed from navigation. The list draws the rows of a screen
 * and a "Show more" (the rest of the first 50 when scrolled near) since it stopped drawing all
 * 500; before, this waited for the last row's link.
 * Both moments are taken in the page (a MutationObserver, then requestIdleCallback). This used
 * to time the idle callback after Playwright's locator.waitFor returned, but that polls with
 * backoff (0, 20, 50, 100, 100, then every 500 ms): it timed when Playwright next looked, up
 * to half a second after the data was drawn. The locator is still waited for, as a check.
 * Targets: FCP and interactive under 1 s, first-load JS under 300 KB gzip, and the list's
 * interactive within 3x of the same list's API call from node (issue 12).
 *
 * Beside them, a bare page (FLOOR_HTML, no framework) that asks for the same list and writes
 * the same line: the browser's own floor on this machine, against which the list's own work
 * shows as what it adds.
 *
 * And what each load costs the browser in CPU (bench/cpu.ts): a new tab's load keeps both cores
 * busy on this machine, so what a page adds in CPU over the bare page's is what it adds in time,
 * whatever the order its work runs in.
 *
 * Two browsers, each loading every page once before the timed rounds (that first load, with
 * empty caches, is printed apart): chromium with a profile of its own, as an operator's browser
 * is, against which the targets are checked; and fresh Playwright contexts, as this bench used
 * until now. Those keep the HTTP cache but not V8's cache of compiled scripts, so every load
 * compiles React again: a few hundred ms on this machine that an operator's second visit does
 * not pay.
 *
 * The pages and the baseline are measured against the built API as its own process (plain
 * HTTP), as production runs it, not the harness's API inside this bench's process beside
 * Playwright's client: the harness's API makes the containers, then gives its port to the
 * process. Each API call of the last load prints when it was sent, its first and last byte, and
 * its size on the wire, so a slow call shows whether the server or the transfer took the time.
 *
 *   node --import tsx bench/web.ts [instances] [rounds]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Operation } from '@berth/contracts';
import { startApiProcess, type ApiProcess } from '@berth/api/api-process';
import { ADMIN_PASSWORD, startStack } from '@berth/api/harness';
import type { BrowserContext } from 'playwright-core';
import { descendantsCpu } from './cpu.js';
import { launchChromium, launchChromiumProfile, median, ok, timed } from './lib.js';

const count = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 5);

/**
 * The browser's own floor: a bare page, no framework, whose one inline script asks for the same
 * list and writes its first 20 names and the "Showing 20 of N" line. Served by Playwright in
 * place of the network (it is not part of the product), its list call goes to the real API with
 * the session's cookie. What it takes is what no page of ours can go below on this machine: a
 * new tab's renderer, and the call as it runs beside chromium on the same two cores.
 */
const FLOOR_PATH = '/bench-floor/';
const FLOOR_HTML = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>floor</title><script>
fetch('/api/v1/instances', { credentials: 'same-origin', headers: { accept: 'application/json' } })
  .then(function (r) { return r.json(); })
  .then(function (body) {
    var list = body.items, region = document.createElement('div'), table = document.createElement('table');
    region.setAttribute('aria-label', 'Instances table');
    list.slice(0, 20).forEach(function (i) {
      var row = table.insertRow(), link = document.createElement('a');
      link.href = '/instances/view/?id=' + i.id;
      link.textContent = i.name;
      row.insertCell().appendChild(link);
      row.insertCell().textContent = i.state;
    });
    var line = document.createElement('p');
    line.textContent = 'Showing ' + Math.min(20, list.length) + ' of ' + list.length;
    region.append(table, line);
    document.body.appendChild(region);
  });
</script></head><body><h1>Instances</h1></body></html>`;

/** The list's rows on screen, and its "Showing 20 of N" line: the floor is judged by the same. */
const listDrawn = {
  // However many rows it draws first ("Showing 20 of 500"), in the same render as them.
  ready: `text=/Showing \\d+ of ${count}/`,
  shown: ['[aria-label="Instances table"]', ` of ${count}`],
} as const;

const pages = [
  {
    path: '/',
    ready: `text=${count}`,
    shown: ['[aria-label="Instances by state"]', String(count)],
  },
  { path: '/instances/', ...listDrawn },
  { path: FLOOR_PATH, ...listDrawn },
] as const;

/**
 * The browser's CPU so far, all its processes. Not the API's and the agent's: their periodic
 * work (seconds of the agent's CPU at a time, seen here) lands in some rounds and not others,
 * and made their figure noise.
 */
const browserCpu = () => descendantsCpu((command) => command.includes('chromium'));

interface Timing {
  fcp: number;
  tti: number;
  api: string[];
  scripts: string[];
}

/** One load of a page in a new tab of the context, timed in the page. */
async function load(
  context: BrowserContext,
  path: string,
  ready: string,
  shown: readonly [string, string],
): Promise<Timing> {
  const page = await context.newPage();
  try {
    if (path === FLOOR_PATH) {
      await page.route(FLOOR_PATH, (route) =>
        route.fulfill({ contentType: 'text/html', body: FLOOR_HTML }),
      );
    }
    // Interactive: the data is on screen and the main thread has gone idle.
    await page.addInitScript(
      ([selector, text]: [string, string]) => {
        const w = window as unknown as { __interactive?: number };
        const seen = new MutationObserver(() => {
          if (!document.querySelector(selector)?.textContent?.includes(text)) return;
          seen.disconnect();
          requestIdleCallback(() => (w.__interactive = performance.now()));
        });
        seen.observe(document, { subtree: true, childList: true, characterData: true });
      },
      [shown[0], shown[1]] as [string, string],
    );
    await page.goto(path, { waitUntil: 'load' });
    await page.locator(ready).first().waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => '__interactive' in window, null, { timeout: 60_000 });
    return await page.evaluate(
      () =>
        new Promise<Timing>((resolve) =>
          requestIdleCallback(() =>
            resolve({
              fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
              tti: (window as unknown as { __interactive: number }).__interactive,
              api: performance
                .getEntriesByType('resource')
                .filter((e) => new URL(e.name).pathname.startsWith('/api/'))
                .map((e) => {
                  const r = e as PerformanceResourceTiming;
                  // Sent, first byte, last byte, and the bytes as they came (compressed).
                  return `${new URL(r.name).pathname} ${[r.startTime, r.responseStart, r.responseEnd].map((t) => t.toFixed(0)).join('→')} ${(r.encodedBodySize / 1024).toFixed(0)} KB`;
                }),
              scripts: performance
                .getEntriesByType('resource')
                .filter((e) => (e as PerformanceResourceTiming).initiatorType === 'script')
                .map((e) => e.name),
            }),
          ),
        ),
    );
  } finally {
    await page.close();
  }
}

// A /21, so 500 containers get static addresses below the DHCP quarter.
const stack = await startStack('webbench', { cidr: '10.220.0.1/21' });
let api: ApiProcess | undefined;
try {
  await ok(stack, 'POST', '/api/v1/templates/busybox/build?sync=true', { rebuild: false });
  // Straight to the agent, four at a time: the setup, not the thing measured.
  const agent = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.agent.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${stack.agent.token}`, 'content-type': 'application/json' },
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
  const t0 = performance.now();
  for (let i = 0; i < count; i += 4) {
    await Promise.all(
      Array.from({ length: Math.min(4, count - i) }, async (_, j) => {
        const accepted = (await agent('/v1/instances', {
          method: 'POST',
          body: JSON.stringify({
            kind: 'ct',
            template: 'busybox',
            name: `web-${i + j}`,
            diskSizeMiB: 32,
          }),
        })) as { operation?: Operation };
        const operation = accepted.operation;
        if (!operation) throw new Error(`create refused: ${JSON.stringify(accepted)}`);
        const done = (await agent(`/v1/operations/${operation.id}?waitSeconds=120`)) as Operation;
        if (done.status !== 'succeeded') throw new Error(JSON.stringify(done.error));
      }),
    );
  }
  console.log(`made ${count} containers in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  // The same database, agent and port: stack.call and the teardown reach the process from now on.
  await stack.api.close();
  api = await startApiProcess({
    dataDir: stack.dir,
    databaseFile: path.join(stack.dir, 'berth.db'),
    agent: { url: stack.agent.url, token: stack.agent.token },
    port: Number(new URL(stack.baseUrl).port),
    env: { BERTH_WEB_DIR: fileURLToPath(new URL('../apps/web/out/', import.meta.url)) },
  });

  // Once before timing: the process has just started (connections, caches).
  await stack.call('GET', '/api/v1/instances');
  const apiList: number[] = [];
  let listJson = 0;
  for (let i = 0; i < rounds; i++) {
    const [ms, listed] = await timed(() => stack.call('GET', '/api/v1/instances'));
    apiList.push(ms);
    listJson = JSON.stringify(listed.body).length;
  }

  const viewport = { width: 1280, height: 800 };
  const profileDir = await mkdtemp(path.join(tmpdir(), 'berth-web-profile-'));
  const profile = await launchChromiumProfile(profileDir, { baseURL: stack.baseUrl, viewport });
  const browser = await launchChromium();
  const fresh = await browser.newContext({ baseURL: stack.baseUrl, viewport });
  const browsers = [
    {
      label: "an operator's browser (a profile: disk cache, compiled scripts kept)",
      context: profile,
    },
    { label: 'fresh Playwright contexts (no compiled scripts kept)', context: fresh },
  ];
  const results: Array<{
    browser: string;
    page: string;
    first: Timing;
    fcp: number;
    tti: number;
    api: string[];
    scripts: string[];
    /** The browser's CPU ms per load. */
    cpu: number;
  }> = [];
  try {
    for (const { label, context } of browsers) {
      const login = await context.request.post('/api/v1/auth/login', {
        data: { username: 'admin', password: ADMIN_PASSWORD },
      });
      if (!login.ok()) throw new Error(`login: ${login.status()}`);
      for (const { path, ready, shown } of pages) {
        const timings: Timing[] = [];
        // One load more than the rounds: the first fills the caches and is printed apart.
        timings.push(await load(context, path, ready, shown));
        const before = browserCpu();
        for (let i = 0; i < rounds; i++) timings.push(await load(context, path, ready, shown));
        const cpu = (browserCpu() - before) / rounds;
        const [first, ...rest] = timings as [Timing, ...Timing[]];
        const last = rest.at(-1) ?? first;
        results.push({
          browser: label,
          page: path,
          first,
          fcp: median(rest.map((t) => t.fcp)),
          tti: median(rest.map((t) => t.tti)),
          api: last.api,
          scripts: last.scripts,
          cpu,
        });
      }
    }
  } finally {
    await profile.close();
    await browser.close();
    await rm(profileDir, { recursive: true, force: true });
  }

  console.log(`\nweb: ${count} instances, medians of ${rounds} loads after a first one (ms)`);
  console.log(
    `  baseline: GET /api/v1/instances from node   ${median(apiList).toFixed(0).padStart(6)}  (${(listJson / 1024).toFixed(0)} KB of JSON)`,
  );
  for (const r of results) {
    if (r === results.find((x) => x.browser === r.browser)) console.log(`  in ${r.browser}:`);
    let gzip = 0;
    for (const url of r.scripts)
      gzip += gzipSync(Buffer.from(await (await fetch(url)).arrayBuffer())).length;
    const kb = gzip / 1024;
    const floor = results.find((x) => x.browser === r.browser && x.page === FLOOR_PATH);
    const targets = r.browser === browsers[0]!.label && r.page !== FLOOR_PATH;
    console.log(
      `    ${r.page.padEnd(12)} FCP ${r.fcp.toFixed(0).padStart(5)}  interactive ${r.tti.toFixed(0).padStart(5)}  JS ${kb.toFixed(0)} KB gzip (${r.scripts.length} files)` +
        (targets
          ? `  [targets: <1000, <1000, <300 KB: ${r.fcp < 1000 && r.tti < 1000 && kb < 300 ? 'met' : 'MISSED'}]`
          : ''),
    );
    console.log(
      `    ${''.padEnd(12)} first load (empty cache): FCP ${r.first.fcp.toFixed(0)}, interactive ${r.first.tti.toFixed(0)}`,
    );
    const ratio = r.tti / median(apiList);
    console.log(
      `    ${''.padEnd(12)} interactive / API list alone: ${ratio.toFixed(1)}x` +
        (targets && r.page === '/instances/'
          ? `  [target: <3x: ${ratio < 3 ? 'met' : 'MISSED'}]`
          : ''),
    );
    console.log(
      `    ${''.padEnd(12)} chromium's CPU per load, all its processes: ${r.cpu.toFixed(0)} ms`,
    );
    if (floor && r.page === '/instances/') {
      console.log(
        `    ${''.padEnd(12)} above the bare page's floor: +${(r.tti - floor.tti).toFixed(0)} ms, chromium's CPU +${(r.cpu - floor.cpu).toFixed(0)} ms per load`,
      );
    }
    console.log(
      `    ${''.padEnd(12)} API calls of the last load (ms from navigation: sent→first byte→last byte, size on the wire): ${r.api.join(', ')}`,
    );
  }
} finally {
  await stack.close();
  await api?.stop();
  // What the process wrote after the stack removed its directory.
  await rm(stack.dir, { recursive: true, force: true });
}
