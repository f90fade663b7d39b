import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, TaskAccepted } from '@berth/contracts';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';

/** The API's VM disk routes over a fake agent: input rules, tasks, audit, permission. */
describe('VM disks through the API: input rules, tasks and audit', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  let vmId: string;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
    vmId = t.agent.add({ kind: 'vm', ctid: null, name: 'vm1', state: 'running' }).id;
  });
  after(() => t.close());

  test('bad sizes, disk names and unknown fields are a 400 that reaches no agent', async () => {
    const before = t.agent.calls.length;
    for (const payload of [
      {},
      { sizeMiB: 0 },
      { sizeMiB: -5 },
      { sizeMiB: '100' },
      { sizeMiB: 1.5 },
      { sizeMiB: 64, bus: 'floppy' },
      { sizeMiB: 64, format: 'qcow2' },
    ]) {
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/instances/${vmId}/disks`,
        payload,
        headers: admin,
      });
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
    }
    for (const disk of ['disk0', 'vda', '..%2Fvm.json', 'disk01.qcow2', 'disk0.raw']) {
      const res = await t.inject({
        method: 'PATCH',
        url: `/api/v1/instances/${vmId}/disks/${disk}`,
        payload: { sizeMiB: 256 },
        headers: admin,
      });
      assert.equal(res.statusCode, 400, `${disk}: ${res.body}`);
    }
    assert.equal(t.agent.calls.length, before);
  });

  test('adding and growing are tasks, audited with the size', async () => {
    const add = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${vmId}/disks`,
      payload: { sizeMiB: 64 },
      headers: admin,
    });
    assert.equal(add.statusCode, 202, add.body);
    assert.equal(add.json<TaskAccepted>().task.kind, 'disk.add');
    const grow = await t.inject({
      method: 'PATCH',
      url: `/api/v1/instances/${vmId}/disks/disk1.qcow2`,
      payload: { sizeMiB: 128 },
      headers: admin,
    });
    assert.equal(grow.statusCode, 202, grow.body);
    const row = await t.db.auditEvent.findFirst({
      where: { action: 'instance.disk.resize' },
      orderBy: { seq: 'desc' },
    });
    assert.ok(row?.detail?.includes('"disk":"disk1.qcow2"'), row?.detail ?? '');
    assert.ok(row?.detail?.includes('"sizeMiB":128'));
  });

  test('auditors cannot change disks', async () => {
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${vmId}/disks`,
      payload: { sizeMiB: 64 },
      headers: await t.as('auditor'),
    });
    assert.equal(res.statusCode, 403, res.body);
    assert.match(res.json<ErrorBody>().error.message, /instance\.configure/);
  });
});
