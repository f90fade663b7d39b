import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AdapterSeries } from '@berth/contracts';
import { MetricsStore, adapterRowsOf } from '../../src/modules/monitoring/store.js';
import { TIERS } from '../../src/modules/monitoring/tiers.js';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';
import { until } from '../wait.js';
import { parseProm, sample } from './samples.js';

const rates = (adapter: string, rxBps: number, txBps = 0) => ({
  adapter,
  rxBps,
  txBps,
  rxPps: rxBps / 100,
  txPps: txBps / 100,
});

describe('monitoring per adapter: store, roll-ups, retention, routes and /metrics', () => {
  let t: TestApi;
  let store: MetricsStore;
  before(async () => {
    t = await buildTestApi();
    store = new MetricsStore(t.db);
  });
  after(() => t.close());

  test("an adapter's 1 min row is the average of its 5 s samples, each adapter apart", async () => {
    const minute = Math.floor(Date.UTC(2026, 0, 1, 12, 0, 0) / 60_000) * 60_000;
    const rows = Array.from({ length: 12 }, (_, i) =>
      adapterRowsOf(
        'h1',
        'ad-roll',
        sample({
          t: minute + i * 5000,
          adapters: [rates('net0', i * 10, 1), rates('net1', 1000 + i / 3)],
        }),
      ),
    ).flat();
    const outside = adapterRowsOf(
      'h1',
      'ad-roll',
      sample({ t: minute + 60_000, adapters: [rates('net0', 1e9), rates('net1', 1e9)] }),
    );
    await store.insertAdapters([...rows, ...outside]);
    await store.insertAdapters(rows.slice(0, 5)); // a re-pull stays one row each
    assert.equal(await t.db.adapterSample.count({ where: { subject: 'ad-roll', step: 5 } }), 26);
    await store.rollUpBucket(1, minute);
    await store.rollUpBucket(1, minute); // again: replaces, not doubles
    const made = await t.db.adapterSample.findMany({
      where: { subject: 'ad-roll', step: 60 },
      orderBy: { adapter: 'asc' },
    });
    assert.deepEqual(
      made.map((r) => [r.adapter, Number(r.t), r.rxBps, r.txBps, r.rxPps]),
      [
        ['net0', minute, 55, 1, 0.55], // mean of 0, 10, …, 110
        ['net1', minute, 1001.83, 0, 10.02], // mean of 1000 + i/3, each stored to 2 decimals
      ],
    );
    await store.rollUpBucket(2, Math.floor(minute / 600_000) * 600_000);
    const ten = await t.db.adapterSample.findMany({ where: { subject: 'ad-roll', step: 600 } });
    assert.deepEqual(ten.map((r) => r.rxBps).sort(), [1001.83, 55]);
  });

  test("a catch-up of thousands of adapters' rows is stored, and pulling them again adds none", async () => {
    const t0 = Date.now() - 50 * 60_000;
    const rows = Array.from({ length: 1000 }, (_, i) =>
      adapterRowsOf(
        'h1',
        `ad-catch-${i % 10}`,
        sample({
          t: t0 + Math.floor(i / 10) * 5000,
          adapters: [rates('net0', i), rates('net1', i), rates('net2', i)],
        }),
      ),
    ).flat();
    await store.insertAdapters(rows);
    await store.insertAdapters(rows.slice(0, 700));
    const stored = await t.db.adapterSample.count({
      where: { subject: { startsWith: 'ad-catch-' } },
    });
    assert.equal(stored, 3000);
  });

  test('retention deletes adapter rows past each tier window and keeps the rest', async () => {
    const now = Date.now();
    const rows = TIERS.flatMap(({ step, keepMs }) =>
      [keepMs + 60_000, keepMs - 60_000].flatMap((age) =>
        adapterRowsOf('h1', 'ad-keep', sample({ t: now - age, adapters: [rates('eth0', 1)] })).map(
          (r) => ({ ...r, step }),
        ),
      ),
    );
    await t.db.adapterSample.createMany({ data: rows });
    await store.retain(now);
    const left = await t.db.adapterSample.findMany({ where: { subject: 'ad-keep' } });
    assert.deepEqual(
      left.map((r) => r.step).sort((a, b) => a - b),
      TIERS.map((tier) => tier.step),
    );
    for (const r of left)
      assert.ok(now - Number(r.t) < TIERS.find((x) => x.step === r.step)!.keepMs);
  });

  test('pulled adapters answer the adapter routes and /metrics with an adapter label', async () => {
    const vm = t.agent.add({ name: 'two-nics', kind: 'vm' });
    const now = Date.now();
    t.agent.samplesToServe = [1, 2, 3].flatMap((k) => [
      sample({
        t: now - 20_000 + k * 5000,
        adapters: [rates('eno1', 7 * k, 3)],
      }),
      sample({
        subject: vm.id,
        kind: 'vm',
        name: vm.name,
        t: now - 20_000 + k * 5000,
        netRxBps: 500 * k + 1,
        adapters: [rates('net1', 1), rates('net0', 500 * k)],
        processes: null,
      }),
    ]);
    const admin = await t.as('admin');
    await until(
      'the puller to store the adapters',
      async () => (await t.db.adapterSample.count({ where: { subject: vm.id } })) >= 6,
      15_000,
    );
    const res = await t.inject({
      method: 'GET',
      url: `/api/v1/instances/${vm.id}/metrics/adapters?range=1h`,
      headers: admin,
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<AdapterSeries>();
    assert.equal(body.stepSeconds, 5);
    assert.deepEqual(
      body.adapters.map((a) => a.adapter),
      ['net0', 'net1'],
    );
    const [net0, net1] = body.adapters;
    assert.deepEqual(
      net0!.t,
      [1, 2, 3].map((k) => now - 20_000 + k * 5000),
    );
    assert.deepEqual(net0!.values.rxBps, [500, 1000, 1500]);
    assert.deepEqual(net0!.values.rxPps, [5, 10, 15]);
    assert.deepEqual(net1!.values.rxBps, [1, 1, 1]);

    const host = (await t.db.host.findFirstOrThrow({ where: { isLocal: true } })).id;
    const hostRes = await t.inject({
      method: 'GET',
      url: `/api/v1/hosts/${host}/metrics/adapters`,
      headers: admin,
    });
    assert.equal(hostRes.statusCode, 200, hostRes.body);
    assert.deepEqual(hostRes.json<AdapterSeries>().adapters[0]?.values.rxBps, [7, 14, 21]);

    for (const [url, status] of [
      [`/api/v1/instances/${vm.id}/metrics/adapters?range=2h`, 400],
      [`/api/v1/instances/${vm.id}/metrics/adapters?fields=rxBps`, 400],
      ['/api/v1/instances/11111111-1111-4111-8111-111111111111/metrics/adapters', 404],
      ['/api/v1/hosts/nope/metrics/adapters', 404],
    ] as const) {
      const refused = await t.inject({ method: 'GET', url, headers: admin });
      assert.equal(refused.statusCode, status, `${url}: ${refused.body}`);
    }

    const prom = await t.inject({ method: 'GET', url: '/metrics', headers: admin });
    assert.equal(prom.statusCode, 200);
    const series = parseProm(prom.body);
    const rx = series.filter(
      (s) => s.name === 'berth_instance_adapter_network_receive_bytes_per_second',
    );
    assert.deepEqual(rx.map((s) => [s.labels.adapter, s.value]).sort(), [
      ['net0', 1500],
      ['net1', 1],
    ]);
    assert.deepEqual(rx.find((s) => s.labels.adapter === 'net0')!.labels, {
      instance_id: vm.id,
      name: 'two-nics',
      kind: 'vm',
      host: 'local',
      adapter: 'net0',
    });
    // The total stays as it was, without an adapter label.
    const total = series.find(
      (s) =>
        s.name === 'berth_instance_network_receive_bytes_per_second' &&
        s.labels.instance_id === vm.id,
    );
    assert.equal(total?.value, 1501);
    assert.equal(total?.labels.adapter, undefined);
    const hostRx = series.filter(
      (s) => s.name === 'berth_host_adapter_network_receive_packets_per_second',
    );
    assert.deepEqual(
      hostRx.map((s) => s.labels),
      [{ host: 'local', adapter: 'eno1' }],
    );
  });
});
