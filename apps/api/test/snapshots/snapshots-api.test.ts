import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, SnapshotList, TaskAccepted } from '@berth/contracts';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';

/** The API's snapshot routes over a fake agent: input rules, tasks, audit, permissions. */
describe('snapshots through the API: input rules, tasks and audit', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  let vmId: string;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
    vmId = t.agent.add({ kind: 'vm', ctid: null, name: 'vm1', state: 'running' }).id;
  });
  after(() => t.close());

  const lastAudit = (action: string) =>
    t.db.auditEvent.findFirst({ where: { action }, orderBy: { seq: 'desc' } });
  const take = (payload: object, headers = admin) =>
    t.inject({ method: 'POST', url: `/api/v1/instances/${vmId}/snapshots`, payload, headers });

  test('bad names, unknown fields and bad types are a 400 naming the field, reaching no agent', async () => {
    const before = t.agent.calls.length;
    for (const payload of [
      { name: '' },
      { name: '-a' },
      { name: '123' },
      { name: 'a b' },
      { name: 'a;reboot' },
      { name: 'x'.repeat(64) },
      { name: 'ok', withMemory: 'yes' },
      { name: 'ok', description: 'd'.repeat(501) },
      { name: 'ok', parent: 'a' },
      {},
    ]) {
      const res = await take(payload);
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
      assert.equal(res.json<ErrorBody>().error.code, 'validation_error');
    }
    for (const path of [
      'snapshots/..%2Fx/revert',
      'snapshots/a%20b/revert',
      'snapshots/42/revert',
    ]) {
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/instances/${vmId}/${path}`,
        payload: {},
        headers: admin,
      });
      assert.equal(res.statusCode, 400, `${path}: ${res.body}`);
    }
    const extra = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${vmId}/snapshots/a/revert`,
      payload: { stopRunning: true, force: true },
      headers: admin,
    });
    assert.equal(extra.statusCode, 400, extra.body);
    assert.equal(t.agent.calls.length, before);
  });

  test('take, branch, revert and delete are tasks, audited with the snapshot named', async () => {
    for (const name of ['base', 'left']) {
      const res = await take({ name, description: `at ${name}`, withMemory: true });
      assert.equal(res.statusCode, 202, res.body);
      assert.match(String(res.headers.location), /^\/api\/v1\/tasks\//);
      assert.equal(res.json<TaskAccepted>().task.kind, 'snapshot.create');
    }
    const revert = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${vmId}/snapshots/base/revert`,
      headers: admin,
    });
    assert.equal(revert.statusCode, 202, revert.body);
    assert.equal((await take({ name: 'right' })).statusCode, 202);
    const list = await t.inject({ url: `/api/v1/instances/${vmId}/snapshots`, headers: admin });
    const tree = list.json<SnapshotList>();
    assert.deepEqual(
      tree.items.map((s) => [s.name, s.parent]),
      [
        ['base', null],
        ['left', 'base'],
        ['right', 'base'],
      ],
    );
    assert.equal(tree.current, 'right');

    const created = await lastAudit('snapshot.create');
    assert.ok(created?.detail?.includes('"snapshot":"right"'), created?.detail ?? '');
    const reverted = await lastAudit('snapshot.revert');
    assert.equal(reverted?.targetId, vmId);
    assert.ok(reverted?.detail?.includes('"snapshot":"base"'));

    const del = await t.inject({
      method: 'DELETE',
      url: `/api/v1/instances/${vmId}/snapshots/base`,
      headers: admin,
    });
    assert.equal(del.statusCode, 202, del.body);
    assert.equal(del.json<TaskAccepted>().task.kind, 'snapshot.delete');
    assert.ok((await lastAudit('snapshot.delete'))?.detail?.includes('"snapshot":"base"'));
  });

  test("the agent's refusals come through with their status: a clash 409, an unknown snapshot 404", async () => {
    const clash = await take({ name: 'left' });
    assert.equal(clash.statusCode, 409, clash.body);
    const unknown = await t.inject({
      method: 'DELETE',
      url: `/api/v1/instances/${vmId}/snapshots/nope`,
      headers: admin,
    });
    assert.equal(unknown.statusCode, 404, unknown.body);
    const ct = t.agent.add({ kind: 'ct', ctid: 150, state: 'stopped' });
    const refused = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ct.id}/snapshots`,
      payload: { name: 'a' },
      headers: admin,
    });
    assert.equal(refused.statusCode, 409, refused.body);
    const listed = await t.inject({ url: `/api/v1/instances/${ct.id}/snapshots`, headers: admin });
    assert.equal(listed.json<SnapshotList>().supported.snapshots, false);
  });

  test('auditors list snapshots but change none', async () => {
    const auditor = await t.as('auditor');
    const list = await t.inject({ url: `/api/v1/instances/${vmId}/snapshots`, headers: auditor });
    assert.equal(list.statusCode, 200, list.body);
    const refused = await take({ name: 'nope' }, auditor);
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(refused.json<ErrorBody>().error.message, /instance\.snapshot/);
  });
});
