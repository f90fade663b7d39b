import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent, ErrorBody, Pool, TaskAccepted } from '@berth/contracts';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';

/** Pools and clones against the fake agent: the API's own rules (shapes, permissions, audit). */
describe('storage pools and clones through the API', () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi();
  });
  after(() => t.close());

  const post = async (url: string, payload: unknown, role: 'admin' | 'auditor' = 'admin') =>
    t.inject({ method: 'POST', url, payload: payload as object, headers: await t.as(role) });

  test('lists pools for whoever holds host.view', async () => {
    const res = await t.inject({ url: '/api/v1/pools', headers: await t.as('auditor') });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      res.json<{ items: Pool[] }>().items.map((p) => [p.name, p.driver, p.default]),
      [['default', 'dir', true]],
    );
  });

  test('bad bodies are a 400 naming the field, and reach no agent', async () => {
    const calls = t.agent.calls.length;
    for (const [body, field] of [
      [{ name: 'p1', driver: 'btrfs', sizeMiB: 512, extra: 1 }, ''],
      [{ name: 'p1', driver: 'zfs', sizeMiB: 512 }, 'driver'],
      [{ name: 'bad name', driver: 'btrfs', sizeMiB: 512 }, 'name'],
      [{ name: 'p1', driver: 'btrfs', sizeMiB: 16 }, 'sizeMiB'],
      [{ name: 'p1', driver: 'btrfs' }, 'sizeMiB'],
      [{ name: 'p1', driver: 'btrfs', sizeMiB: 512, device: '/dev/sdb' }, 'sizeMiB'],
      [{ name: 'p1', driver: 'btrfs', device: '/dev/../etc/passwd' }, 'device'],
    ] as const) {
      const res = await post('/api/v1/pools', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      const error = res.json<ErrorBody>().error;
      if (field)
        assert.ok(
          error.issues?.some((i) => i.path === field),
          res.body,
        );
      else assert.match(error.message, /extra/);
    }
    assert.equal(t.agent.calls.length, calls);
  });

  test('create, set default and delete need host.manage and are audited', async () => {
    const refused = await post(
      '/api/v1/pools',
      { name: 'p1', driver: 'btrfs', sizeMiB: 512 },
      'auditor',
    );
    assert.equal(refused.statusCode, 403);
    const made = await post('/api/v1/pools', { name: 'p1', driver: 'btrfs', sizeMiB: 512 });
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json<Pool>().capabilities.linkedClones, true);
    const clash = await post('/api/v1/pools', { name: 'p1', driver: 'btrfs', sizeMiB: 512 });
    assert.equal(clash.statusCode, 409);
    const admin = await t.as('admin');
    const def = await t.inject({ method: 'PUT', url: '/api/v1/pools/p1/default', headers: admin });
    assert.equal(def.statusCode, 200, def.body);
    const gone = await t.inject({ method: 'DELETE', url: '/api/v1/pools/nope', headers: admin });
    assert.equal(gone.statusCode, 404);
    const del = await t.inject({ method: 'DELETE', url: '/api/v1/pools/p1', headers: admin });
    assert.equal(del.statusCode, 204, del.body);
    const audit = await t.inject({ url: '/api/v1/audit', headers: admin });
    const actions = audit.json<{ items: AuditEvent[] }>().items.map((e) => e.action);
    for (const a of ['pool.create', 'pool.default', 'pool.delete'])
      assert.ok(actions.includes(a), a);
  });

  test('a clone is a task on the source host, needs instance.create, and is audited', async () => {
    const source = t.agent.add({ name: 'src', ctid: 150 });
    const bad = await post(`/api/v1/instances/${source.id}/clone`, { name: 'c1', mode: 'thin' });
    assert.equal(bad.statusCode, 400);
    const refused = await post(
      `/api/v1/instances/${source.id}/clone`,
      { name: 'c1', mode: 'linked' },
      'auditor',
    );
    assert.equal(refused.statusCode, 403);
    const res = await post(`/api/v1/instances/${source.id}/clone`, { name: 'c1', mode: 'linked' });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json<TaskAccepted>().task.kind, 'instance.clone');
    assert.ok(t.agent.calls.includes(`cloneInstance ${source.id} c1 linked`));
    const missing = await post('/api/v1/instances/999/clone', { name: 'c2', mode: 'full' });
    assert.equal(missing.statusCode, 404);
    const audit = await t.inject({ url: '/api/v1/audit', headers: await t.as('admin') });
    assert.ok(
      audit.json<{ items: AuditEvent[] }>().items.some((e) => e.action === 'instance.clone'),
    );
  });

  test('a move is a task that needs instance.configure, with a strict body', async () => {
    const ct = t.agent.add({ name: 'mover', ctid: 151 });
    const bad = await post(`/api/v1/instances/${ct.id}/move`, { pool: 'p2', extra: true });
    assert.equal(bad.statusCode, 400);
    const refused = await post(`/api/v1/instances/${ct.id}/move`, { pool: 'p2' }, 'auditor');
    assert.equal(refused.statusCode, 403);
    const res = await post(`/api/v1/instances/${ct.id}/move`, { pool: 'p2' });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json<TaskAccepted>().task.kind, 'instance.move');
    assert.ok(t.agent.calls.includes(`moveInstance ${ct.id} p2`));
  });
});
