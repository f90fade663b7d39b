import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InstancesNow, MetricSeries, TopInstances } from '@berth/contracts';
import { MetricsStore, rowOf } from '../../src/modules/monitoring/store.js';
import { TIERS } from '../../src/modules/monitoring/tiers.js';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';
import { until } from '../wait.js';
import { parseProm, sample } from './samples.js';

describe('monitoring: store, roll-ups, retention, routes and /metrics', () => {
  let t: TestApi;
  let store: MetricsStore;
  before(async () => {
    t = await buildTestApi();
    store = new MetricsStore(t.db);
  });
  after(() => t.close());

  test('the 1 min row is the average of the 5 s samples it covers (cpuMaxPct their max)', async () => {
    const minute = Math.floor(Date.UTC(2026, 0, 1, 12, 0, 0) / 60_000) * 60_000;
    const inside = Array.from({ length: 12 }, (_, i) =>
      rowOf(
        'h1',
        'roll-a',
        sample({
          t: minute + i * 5000,
          cpuPct: i * 10,
          memBytes: 100 + i,
          processes: i % 2 ? 4 : null,
        }),
      ),
    );
    const outside = [minute - 5000, minute + 60_000].map((at) =>
      rowOf('h1', 'roll-a', sample({ t: at, cpuPct: 1000, memBytes: 1e9 })),
    );
    await store.insert([...inside, ...outside]);
    await store.rollUpBucket(1, minute);
    await store.rollUpBucket(1, minute); // again: replaces, not doubles
    const rows = await t.db.metricSample.findMany({ where: { subject: 'roll-a', step: 60 } });
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.equal(Number(row!.t), minute);
    assert.equal(row!.cpuPct, 55); // mean of 0, 10, …, 110
    assert.equal(row!.cpuMaxPct, 110);
    assert.equal(row!.memBytes, 105.5);
    assert.equal(row!.processes, 4, 'nulls are left out of an average');
    assert.equal(row!.cpuCapPct, null);
    // The 10 min tier from 1 min rows: rollUpClosed makes the closed buckets of every tier.
    await store.rollUpBucket(2, Math.floor(minute / 600_000) * 600_000);
    const ten = await t.db.metricSample.findMany({ where: { subject: 'roll-a', step: 600 } });
    assert.equal(ten.length, 1);
    assert.equal(ten[0]!.cpuPct, 55);
  });

  test('one query answers several series as columns in time order, rounded to 2 decimals', async () => {
    const t0 = Date.now() - 10 * 60_000;
    // Inserted out of order, and one subject with a value that rounds.
    const rows = [3, 1, 2].flatMap((i) =>
      ['cols-a', 'cols-b'].map((subject) =>
        rowOf('h1', subject, sample({ t: t0 + i * 5000, cpuPct: i + 1 / 3, memLimitBytes: null })),
      ),
    );
    await store.insert(rows);
    const got = await store.series(['cols-a', 'cols-b', 'cols-none'], 5, t0, [
      'cpuPct',
      'memLimitBytes',
    ]);
    assert.deepEqual([...got.keys()].sort(), ['cols-a', 'cols-b']);
    assert.deepEqual(got.get('cols-a'), {
      t: [t0 + 5000, t0 + 10_000, t0 + 15_000],
      values: { cpuPct: [1.33, 2.33, 3.33], memLimitBytes: [null, null, null] },
    });
  });

  test('a series answers every value exactly as stored (it leaves the database in hundredths)', async () => {
    const t0 = Date.now() - 10 * 60_000;
    const odd = [0.01, 0.07, 0.29, 1.005, 12_345.67, 99.99, 2 ** 40 + 0.5];
    const rows = odd.map((v, i) =>
      rowOf(
        'h1',
        'exact-a',
        sample({
          t: t0 + i * 5000,
          cpuPct: v,
          cpuCapPct: i % 2 ? null : v,
          memBytes: 64 * 2 ** 30 + i,
          memLimitBytes: i % 3 ? null : 2 ** 46,
          diskWriteBps: v * 1000,
        }),
      ),
    );
    await store.insert(rows);
    const got = (await store.series(['exact-a'], 5, t0)).get('exact-a')!;
    const stored = await t.db.metricSample.findMany({
      where: { subject: 'exact-a' },
      orderBy: { t: 'asc' },
    });
    for (const f of ['cpuPct', 'cpuCapPct', 'memBytes', 'memLimitBytes', 'diskWriteBps'] as const)
      assert.deepEqual(
        got.values[f],
        stored.map((r) => r[f]),
        f,
      );
  });

  test('a catch-up of thousands of samples is stored, and pulling them again adds none', async () => {
    const t0 = Date.now() - 50 * 60_000;
    const rows = Array.from({ length: 3000 }, (_, i) =>
      rowOf('h1', `catch-${i % 10}`, sample({ t: t0 + Math.floor(i / 10) * 5000 })),
    );
    await store.insert(rows);
    await store.insert(rows.slice(0, 700));
    const stored = await t.db.metricSample.count({ where: { subject: { startsWith: 'catch-' } } });
    assert.equal(stored, 3000);
  });

  test('retention deletes rows past each tier window and keeps the rest', async () => {
    const now = Date.now();
    const rows = TIERS.flatMap(({ step, keepMs }) =>
      [keepMs + 60_000, keepMs - 60_000].map((age) => ({
        ...rowOf('h1', 'keep-b', sample({ t: now - age })),
        step,
      })),
    );
    await t.db.metricSample.createMany({ data: rows });
    const deleted = await store.retain(now);
    assert.ok(deleted >= TIERS.length);
    const left = await t.db.metricSample.findMany({ where: { subject: 'keep-b' } });
    assert.deepEqual(
      left.map((r) => r.step).sort((a, b) => a - b),
      TIERS.map((tier) => tier.step),
    );
    for (const r of left) {
      const tier = TIERS.find((x) => x.step === r.step)!;
      assert.ok(now - Number(r.t) < tier.keepMs);
    }
  });

  test('pulled samples answer the metrics routes, /metrics and the top lists', async () => {
    const a = t.agent.add({ name: 'busy-a' });
    const b = t.agent.add({ name: 'idle-b', kind: 'vm' });
    const now = Date.now();
    t.agent.samplesToServe = [
      sample({ t: now - 100 }),
      sample({ subject: a.id, kind: 'ct', name: a.name, t: now - 100, cpuPct: 50, cpuCapPct: 100 }),
      sample({ subject: b.id, kind: 'vm', name: b.name, t: now - 100, cpuPct: 2, processes: null }),
    ];
    const admin = await t.as('admin');
    await until(
      'the puller to store the samples',
      async () => (await t.db.metricSample.count({ where: { subject: a.id } })) > 0,
      15_000,
    );

    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/instances/${a.id}/metrics?range=1h`,
      headers: admin,
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<MetricSeries>();
    assert.equal(body.stepSeconds, 5);
    assert.equal(body.values.cpuPct?.at(-1), 50);
    const some = await t.inject({
      method: 'GET',
      url: `/api/v1/instances/${a.id}/metrics?range=1h&fields=cpuPct,memLimitBytes`,
      headers: admin,
    });
    assert.equal(some.statusCode, 200, some.body);
    assert.deepEqual(Object.keys(some.json<MetricSeries>().values).sort(), [
      'cpuPct',
      'memLimitBytes',
    ]);
    assert.equal(some.json<MetricSeries>().values.memLimitBytes?.at(-1), null);
    for (const bad of ['?range=2h', '?range=1h&x=1', '?fields=cpuPct,at']) {
      const refused = await t.inject({
        method: 'GET',
        url: `/api/v1/instances/${a.id}/metrics${bad}`,
        headers: admin,
      });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.match(refused.body, /range|x|fields/);
    }
    const unknown = await t.inject({
      method: 'GET',
      url: '/api/v1/instances/11111111-1111-4111-8111-111111111111/metrics',
      headers: admin,
    });
    assert.equal(unknown.statusCode, 404, unknown.body);
    const host = (await t.db.host.findFirstOrThrow({ where: { isLocal: true } })).id;
    const hostRes = await t.inject({
      method: 'GET',
      url: `/api/v1/hosts/${host}/metrics?range=1d`,
      headers: admin,
    });
    assert.equal(hostRes.statusCode, 200, hostRes.body);
    assert.equal(hostRes.json<MetricSeries>().stepSeconds, 60);
    const missing = await t.inject({
      method: 'GET',
      url: '/api/v1/hosts/nope/metrics',
      headers: admin,
    });
    assert.equal(missing.statusCode, 404);

    const top = (
      await t.inject({ method: 'GET', url: '/api/v1/metrics/top', headers: admin })
    ).json<TopInstances>();
    assert.deepEqual(
      top.byCpu.map((i) => i.name),
      ['busy-a', 'idle-b'],
    );

    const overview = (
      await t.inject({ method: 'GET', url: '/api/v1/metrics/now', headers: admin })
    ).json<InstancesNow>();
    assert.deepEqual(overview.items.map((i) => [i.name, i.cpuPct, i.cpuCapPct]).sort(), [
      ['busy-a', 50, 100],
      ['idle-b', 2, null],
    ]);

    assert.equal((await t.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
    const viewerOnly = await t.userWith('metrics-viewer', [
      { role: 'auditor', scope: 'tag', scopeValue: 'x' },
    ]);
    assert.equal(
      (await t.inject({ method: 'GET', url: '/metrics', headers: viewerOnly.headers })).statusCode,
      403,
    );
    const prom = await t.inject({ method: 'GET', url: '/metrics', headers: admin });
    assert.equal(prom.statusCode, 200);
    assert.match(prom.headers['content-type'] as string, /text\/plain/);
    const series = parseProm(prom.body);
    const cpu = series.filter((s) => s.name === 'berth_instance_cpu_percent');
    assert.deepEqual(cpu.map((s) => s.labels.instance_id).sort(), [a.id, b.id].sort());
    const ofA = cpu.find((s) => s.labels.instance_id === a.id)!;
    assert.deepEqual(ofA.labels, {
      instance_id: a.id,
      name: 'busy-a',
      kind: 'ct',
      host: 'local',
    });
    assert.equal(ofA.value, 50);
    assert.ok(series.some((s) => s.name === 'berth_host_memory_bytes'));
    assert.ok(
      series.some((s) => s.name.startsWith('berth_api_process_')),
      'default metrics',
    );
  });
});
