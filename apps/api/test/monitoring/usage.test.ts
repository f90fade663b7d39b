import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UsageReport, type AgentSample } from '@berth/contracts';
import { MetricsStore, rowOf } from '../../src/modules/monitoring/store.js';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';

const GiB = 1024 ** 3;

const sample = (t: number, i: number): AgentSample => ({
  subject: 'x',
  kind: 'ct',
  name: 'x',
  t,
  // Values that do not add up to round numbers, so a total off by one row shows.
  cpuPct: 17.37 + (i % 7),
  cpuCapPct: null,
  memBytes: 300_000_000 + i * 1013,
  memLimitBytes: null,
  swapBytes: 0,
  diskReadBps: 0,
  diskWriteBps: 0,
  diskReadIops: 0,
  diskWriteIops: 0,
  netRxBps: 12_345.67 + i,
  netTxBps: 2_222.22 * (i % 3),
  netRxPps: 0,
  netTxPps: 0,
  processes: 2,
});

/** CSV (RFC 4180, no quoted commas in these rows) → records by header. */
const parseCsv = (text: string) => {
  const [head, ...lines] = text.trim().split('\r\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
};

describe('usage export: totals per instance, host and tag as CSV and JSON', () => {
  let t: TestApi;
  let store: MetricsStore;
  before(async () => {
    t = await buildTestApi();
    store = new MetricsStore(t.db);
  });
  after(() => t.close());

  test('the CSV totals equal the sum of the samples; hosts and tags add up their instances', async () => {
    const web = t.agent.add({ name: 'web-1', tags: ['billing-a', 'web'], diskSizeBytes: 2 * GiB });
    const db = t.agent.add({ name: 'db-1', tags: ['billing-a'], diskSizeBytes: GiB });
    const host = (await t.db.host.findFirstOrThrow({ where: { isLocal: true } })).id;
    const from = Math.floor((Date.now() - 30 * 60_000) / 5000) * 5000;
    // 120 samples of 5 s each (10 min) for web, 60 for db, a host row and one sample outside.
    const samples = { [web.id]: 120, [db.id]: 60 };
    const rows = Object.entries(samples).flatMap(([id, n]) =>
      Array.from({ length: n }, (_, i) => rowOf(host, id, sample(from + i * 5000, i))),
    );
    rows.push(rowOf(host, `host:${host}`, sample(from, 0)));
    rows.push(rowOf(host, web.id, sample(from + 20 * 60_000, 99)));
    await store.insert(rows);
    const admin = await t.as('admin');
    const to = new Date(from + 15 * 60_000).toISOString();
    const url = (groupBy: string, format: string) =>
      `/api/v1/usage?from=${new Date(from).toISOString()}&to=${to}&groupBy=${groupBy}&format=${format}`;

    const csv = await t.inject({ method: 'GET', url: url('instance', 'csv'), headers: admin });
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.match(
      csv.headers['content-disposition'] as string,
      /attachment; filename="berth-usage-instance-/,
    );
    const got = parseCsv(csv.body);
    assert.deepEqual(
      got.map((r) => r.name),
      ['db-1', 'web-1'],
    );
    for (const [inst, diskGiB] of [
      [web, 2],
      [db, 1],
    ] as const) {
      const mine = rows.filter((r) => r.subject === inst.id && Number(r.t) < Date.parse(to));
      const sum = (k: 'cpuPct' | 'memBytes' | 'netRxBps' | 'netTxBps') =>
        mine.reduce((a, r) => a + r[k], 0);
      const row = got.find((r) => r.key === inst.id)!;
      const close = (actual: string, expected: number, what: string) =>
        assert.ok(Math.abs(Number(actual) - expected) < 1e-6, `${what}: ${actual} vs ${expected}`);
      close(row.cpuHours!, ((sum('cpuPct') / 100) * 5) / 3600, 'cpuHours');
      close(row.memoryGiBHours!, ((sum('memBytes') / GiB) * 5) / 3600, 'memoryGiBHours');
      close(row.netInGiB!, (sum('netRxBps') * 5) / GiB, 'netInGiB');
      close(row.netOutGiB!, (sum('netTxBps') * 5) / GiB, 'netOutGiB');
      close(row.diskGiBDays!, (diskGiB * mine.length * 5) / 86_400, 'diskGiBDays');
      close(row.sampledHours!, (mine.length * 5) / 3600, 'sampledHours');
    }

    const json = async (groupBy: string) => {
      const res = await t.inject({ method: 'GET', url: url(groupBy, 'json'), headers: admin });
      assert.equal(res.statusCode, 200, res.body);
      return UsageReport.parse(res.json());
    };
    const byInstance = await json('instance');
    assert.deepEqual(byInstance.steps, [5]);
    const total = byInstance.items.reduce((a, r) => a + r.cpuHours, 0);
    const byHost = await json('host');
    assert.equal(byHost.items.length, 1, 'the host row itself is not an instance’s usage');
    assert.ok(Math.abs(byHost.items[0]!.cpuHours - total) < 1e-5);
    const byTag = await json('tag');
    const tag = (name: string) => byTag.items.find((r) => r.key === name)!;
    assert.ok(Math.abs(tag('billing-a').cpuHours - total) < 1e-5);
    assert.equal(tag('web').cpuHours, byInstance.items.find((r) => r.key === web.id)!.cpuHours);
  });

  test('a day reads the last hour at 5 s and before it the 1 min tier, counting no time twice', async () => {
    const inst = t.agent.add({ name: 'tiers-1' });
    const host = (await t.db.host.findFirstOrThrow({ where: { isLocal: true } })).id;
    const now = Date.now();
    const cut = Math.ceil((now - 3_600_000) / 60_000) * 60_000;
    const at = (step: number, t: number, cpuPct: number) => ({
      ...rowOf(host, inst.id, sample(t, 0)),
      step,
      t: BigInt(t),
      cpuPct,
    });
    await t.db.metricSample.createMany({
      data: [
        // 1 min rows: two before the cut (counted), one after it (the 5 s rows' roll-up: not).
        at(60, cut - 120_000, 60),
        at(60, cut - 60_000, 30),
        at(60, cut + 60_000, 1000),
        // 5 s rows after the cut (counted), and one before it (past its window: not).
        at(5, cut + 5000, 12),
        at(5, now - 10_000, 24),
        at(5, cut - 5000, 1000),
      ],
    });
    const admin = await t.as('admin');
    const from = new Date(now - 86_400_000).toISOString();
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/usage?from=${from}&to=${new Date(now).toISOString()}`,
      headers: admin,
    });
    assert.equal(res.statusCode, 200, res.body);
    const report = UsageReport.parse(res.json());
    // The first minutes of the day (before the 1 min tier's window) come from the 10 min tier.
    assert.deepEqual(report.steps, [5, 60, 600]);
    const row = report.items.find((r) => r.key === inst.id)!;
    const cpuSeconds = ((60 + 30) / 100) * 60 + ((12 + 24) / 100) * 5;
    assert.ok(Math.abs(row.cpuHours - cpuSeconds / 3600) < 1e-6, `${row.cpuHours}`);
    assert.ok(Math.abs(row.sampledHours - (2 * 60 + 2 * 5) / 3600) < 1e-6);
  });

  test('bad input is a 400 naming the field; without usage.view a 403', async () => {
    const admin = await t.as('admin');
    for (const [query, field] of [
      ['from=yesterday&to=2026-01-01T00:00:00Z', 'from'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
      ['from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&groupBy=user', 'groupBy'],
      ['from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&format=xml', 'format'],
      ['from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&x=1', 'x'],
    ]) {
      const res = await t.inject({ method: 'GET', url: `/api/v1/usage?${query}`, headers: admin });
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.match(res.body, new RegExp(field!), query);
    }
    const operator = await t.as('operator');
    const res = await t.inject({
      method: 'GET',
      url: '/api/v1/usage?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z',
      headers: operator,
    });
    assert.equal(res.statusCode, 403, res.body);
  });
});
