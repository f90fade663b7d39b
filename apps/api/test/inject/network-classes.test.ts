import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import type { InstanceTraffic, NetworkClasses } from '@berth/contracts';
import type { Hosts } from '../../src/modules/hosts/hosts.service.js';
import { ClassTrafficRecorder } from '../../src/modules/network-classes/class-traffic.js';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe('network classes: strict bodies, permissions, audit; traffic by class', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  let ctId: string;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
    ctId = t.agent.add({ kind: 'ct', state: 'running', name: 'web1' }).id;
  });
  after(() => t.close());

  const req = (method: 'GET' | 'PUT', url: string, payload?: object, headers = admin) =>
    t.inject({ method, url, payload, headers });

  test('bad bodies are a 400 naming the field and reach no agent', async () => {
    const ok = { name: 'local', ranges: ['10.0.0.0/8'] };
    const cases: [object, string][] = [
      [{ classes: [ok], extra: 1 }, ''],
      [{ classes: [{ ...ok, colour: 'red' }] }, 'classes.0'],
      [{ classes: [ok, { name: 'local', ranges: ['0.0.0.0/0'] }] }, 'classes.1.name'],
      [{ classes: [{ name: 'other', ranges: ['0.0.0.0/0'] }] }, 'classes.0.name'],
      [{ classes: [{ name: 'Local', ranges: ['10.0.0.0/8'] }] }, 'classes.0.name'],
      [{ classes: [{ name: 'my_net', ranges: ['10.0.0.0/8'] }] }, 'classes.0.name'],
      [{ classes: [{ name: 'local', ranges: ['10.0.0.0/33'] }] }, 'classes.0.ranges.0'],
      [{ classes: [{ name: 'local', ranges: ['10.0.0.256'] }] }, 'classes.0.ranges.0'],
      [
        { classes: [{ name: 'local', ranges: ['10.0.0.0/8', 'fd00::/129'] }] },
        'classes.0.ranges.1',
      ],
      [{ classes: [{ name: 'local', ranges: [] }] }, 'classes.0.ranges'],
      [{}, 'classes'],
    ];
    const calls = t.agent.calls.length;
    for (const [payload, field] of cases) {
      const res = await req('PUT', '/api/v1/network-classes', payload);
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
      if (field) assert.ok(res.body.includes(field), `${field} named: ${res.body}`);
    }
    assert.equal(t.agent.calls.length, calls);
  });

  test('host.manage sets them (audited), host.view reads, traffic is per class plus other', async () => {
    const operator = await t.as('operator');
    const body = {
      classes: [
        { name: 'local', ranges: ['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8'] },
        { name: 'world', ranges: ['0.0.0.0/0'] },
      ],
    };
    assert.equal((await req('PUT', '/api/v1/network-classes', body, operator)).statusCode, 403);
    const set = await req('PUT', '/api/v1/network-classes', body);
    assert.equal(set.statusCode, 200, set.body);
    const read = await req('GET', '/api/v1/network-classes', undefined, operator);
    assert.deepEqual(read.json<NetworkClasses>(), body);
    const audit = await t.db.auditEvent.findFirst({
      where: { action: 'network-classes.set' },
      orderBy: { seq: 'desc' },
    });
    assert.ok(audit, 'audited');
    const traffic = await req('GET', `/api/v1/instances/${ctId}/traffic`, undefined, operator);
    assert.equal(traffic.statusCode, 200, traffic.body);
    assert.deepEqual(
      traffic.json<InstanceTraffic>().live!.classes.map((c) => [c.class, c.outBytes]),
      [
        ['local', 1000],
        ['world', 1000],
        ['other', 1000],
      ],
    );
    assert.deepEqual(traffic.json<InstanceTraffic>().history, []);
    const metrics = await t.inject({ method: 'GET', url: '/metrics', headers: admin });
    assert.equal(metrics.statusCode, 200, metrics.body);
    assert.match(
      metrics.body,
      new RegExp(
        `berth_instance_class_bytes_total\\{instance_id="${ctId}",name="[^"]*",class="world",direction="in"\\} 2000`,
      ),
    );
  });

  test('history: growth per 30 s read stored per class; the 1 min row is the sum of its points', async () => {
    const hosts = { client: () => t.agent } as unknown as Hosts;
    const log = { debug() {}, warn() {} } as unknown as FastifyBaseLogger;
    const recorder = new ClassTrafficRecorder(t.db, hosts, log);
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    t.agent.classBytes = 1000;
    await recorder.read(minute + 1_000); // the baseline
    t.agent.classBytes += 500;
    await recorder.read(minute + 31_000);
    t.agent.classBytes += 700;
    await recorder.read(minute + 59_000);
    const fine = await t.db.classTraffic.findMany({
      where: { subject: ctId, class: 'local', step: 5 },
      orderBy: { t: 'asc' },
    });
    assert.deepEqual(
      fine.map((r) => [Number(r.t) - minute, r.outBytes, r.inBytes]),
      [
        [30_000, 500, 1000],
        [55_000, 700, 1400],
      ],
    );
    await recorder.rollUpBucket(1, minute);
    const rolled = await t.db.classTraffic.findMany({ where: { subject: ctId, step: 60 } });
    assert.deepEqual(
      rolled.map((r) => [r.class, Number(r.t), r.outBytes, r.inBytes]).sort(),
      ['local', 'other', 'world'].map((c) => [c, minute, 1200, 2400]),
    );
    const day = await req('GET', `/api/v1/instances/${ctId}/traffic?range=1d`);
    const local = day.json<InstanceTraffic>().history.find((h) => h.class === 'local');
    assert.deepEqual([local?.outBytes, local?.inBytes, local?.points.t], [1200, 2400, [minute]]);
    const bad = await req('GET', `/api/v1/instances/${ctId}/traffic?range=2h`);
    assert.equal(bad.statusCode, 400, bad.body);
  });
});
