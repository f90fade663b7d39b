/**
 * The audit log at 100,000 rows: its first page through the API and the /audit page in
 * chromium until its first row shows, beside the same query run straight on the database in
 * the same run. Target: the first page under 300 ms.
 *
 *   node --import tsx bench/audit.ts [rows] [rounds]
 */
import { randomUUID } from 'node:crypto';
import { ADMIN_PASSWORD, startStack } from '@berth/api/harness';
import { launchChromium, median, timed } from './lib.js';

const rows = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 7);
const BATCH = 500;

const stack = await startStack('auditbench');
try {
  // Rows go straight into the table, the setup and not the thing measured; their links are
  // left empty, so this database's chain is not one to verify.
  const first = ((await stack.db.auditEvent.aggregate({ _max: { seq: true } }))._max.seq ?? 0) + 1;
  const t0 = performance.now();
  const actions = ['instance.start', 'instance.stop', 'instance.update', 'console.open'];
  for (let i = 0; i < rows; i += BATCH) {
    const n = Math.min(BATCH, rows - i);
    await stack.db.auditEvent.createMany({
      data: Array.from({ length: n }, (_, j) => {
        const k = i + j;
        return {
          id: randomUUID(),
          seq: first + k,
          prevHash: '',
          hash: '',
          at: new Date(Date.now() - (rows - k) * 1000),
          actor: `user${k % 20}`,
          action: actions[k % actions.length]!,
          targetType: 'instance',
          targetId: String(100 + (k % 500)),
          outcome: k % 50 === 0 ? 'failure' : 'success',
          detail: JSON.stringify({ n: k }),
          ip: '10.0.0.1',
        };
      }),
    });
  }
  console.log(`wrote ${rows} audit rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const measure = async (work: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) times.push((await timed(work))[0]);
    return median(times);
  };
  const direct = await measure(() =>
    stack.db.auditEvent.findMany({ orderBy: { seq: 'desc' }, take: 101 }),
  );
  const api = await measure(async () => {
    const res = await stack.call('GET', '/api/v1/audit?limit=100');
    if (res.status !== 200) throw new Error(`audit: ${res.status}`);
  });
  const filtered = await measure(async () => {
    const res = await stack.call('GET', '/api/v1/audit?limit=100&actor=user7&outcome=failure');
    if (res.status !== 200) throw new Error(`audit: ${res.status}`);
  });

  const browser = await launchChromium();
  const context = await browser.newContext({
    baseURL: stack.baseUrl,
    viewport: { width: 1280, height: 800 },
  });
  const login = await context.request.post('/api/v1/auth/login', {
    data: { username: 'admin', password: ADMIN_PASSWORD },
  });
  if (!login.ok()) throw new Error(`login: ${login.status()}`);
  const page = await measure(async () => {
    const tab = await context.newPage();
    const t = performance.now();
    await tab.goto('/audit/', { waitUntil: 'commit' });
    await tab
      .getByText(`"n":${rows - 1}`)
      .or(tab.getByText(`user${(rows - 1) % 20}`))
      .first()
      .waitFor({ timeout: 60_000 });
    const ms = performance.now() - t;
    await tab.close();
    return ms;
  });
  await browser.close();

  const line = (what: string, ms: number) =>
    console.log(
      `  ${what.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / direct).toFixed(1).padStart(6)}x`,
    );
  console.log(`\naudit: ${rows} rows, medians of ${rounds} (ratio to the query on the database)`);
  line('baseline: first 100 rows straight from SQLite', direct);
  line('GET /api/v1/audit?limit=100', api);
  line('GET /api/v1/audit filtered (actor, outcome)', filtered);
  line('/audit/ in chromium until the newest row shows', page);
  console.log(`  target: first page under 300 ms: ${api < 300 ? 'met' : 'MISSED'}`);
} finally {
  await stack.close();
}
