import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, InstanceNics, TaskAccepted } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe("an instance's NICs: strict bodies, limits, permissions and audit", () => {
  let t: TestApi;
  let admin: Record<string, string>;
  let vmId: string;
  let ctId: string;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
    vmId = t.agent.add({ kind: 'vm', state: 'running' }).id;
    ctId = t.agent.add({ kind: 'ct', state: 'running' }).id;
  });
  after(() => t.close());

  const add = (id: string, payload: object, headers = admin) =>
    t.inject({ method: 'POST', url: `/api/v1/instances/${id}/nics`, payload, headers });

  test('unknown fields, a bad MAC or address, a bad NIC number or link: 400 naming the field, and no agent call', async () => {
    const calls = t.agent.calls.length;
    const cases: [string, 'POST' | 'PATCH' | 'DELETE', object | undefined, string][] = [
      [`/api/v1/instances/${vmId}/nics`, 'POST', { network: 'default', color: 'red' }, 'color'],
      [
        `/api/v1/instances/${vmId}/nics`,
        'POST',
        { network: 'default', mac: '01:00:5e:00:00:01' },
        'mac',
      ],
      [
        `/api/v1/instances/${vmId}/nics`,
        'POST',
        { network: 'default', ipv4: '10.0.3.300/24' },
        'ipv4',
      ],
      [`/api/v1/instances/${vmId}/nics`, 'POST', { network: 'Bad Name' }, 'network'],
      [`/api/v1/instances/${vmId}/nics/0`, 'PATCH', { link: 'sideways' }, 'link'],
      [`/api/v1/instances/${vmId}/nics/0`, 'PATCH', { link: 'down', speed: 10 }, 'speed'],
      [`/api/v1/instances/${vmId}/nics/8`, 'PATCH', { link: 'down' }, 'nic'],
      [`/api/v1/instances/${vmId}/nics/x`, 'DELETE', undefined, 'nic'],
    ];
    for (const [url, method, payload, field] of cases) {
      const res = await t.inject({ method, url, payload, headers: admin });
      assert.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`);
      assert.ok(JSON.stringify(res.json<ErrorBody>()).includes(field), `${field}: ${res.body}`);
    }
    assert.equal(t.agent.calls.length, calls);
  });

  test('an unknown network is a 400 naming it; a running container takes a second adapter live', async () => {
    const res = await add(vmId, { network: 'nowhere' });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.body, /nowhere/);
    assert.equal((await add(ctId, { network: 'default' })).statusCode, 202);
  });

  test('NICs up to 8, the 9th a 409; each add is a task, audited', async () => {
    let have = (
      await t.inject({ url: `/api/v1/instances/${vmId}/nics`, headers: admin })
    ).json<InstanceNics>().nics.length;
    while (have < 8) {
      const res = await add(vmId, { network: 'default' });
      assert.equal(res.statusCode, 202, res.body);
      assert.equal(res.json<TaskAccepted>().task.kind, 'nic.add');
      have++;
    }
    const ninth = await add(vmId, { network: 'default' });
    assert.equal(ninth.statusCode, 409, ninth.body);
    const audit = await t.db.auditEvent.findFirst({
      where: { action: 'instance.nic.add' },
      orderBy: { seq: 'desc' },
    });
    assert.ok(audit, 'audited');
  });

  test('link and removal need instance.configure; listing needs instance.view', async () => {
    const auditor = await t.as('auditor');
    const list = await t.inject({ url: `/api/v1/instances/${ctId}/nics`, headers: auditor });
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.json<InstanceNics>().nics[0]!.link, 'up');
    const patch = (headers: Record<string, string>) =>
      t.inject({
        method: 'PATCH',
        url: `/api/v1/instances/${ctId}/nics/0`,
        payload: { link: 'down' },
        headers,
      });
    assert.equal((await patch(auditor)).statusCode, 403);
    const res = await patch(admin);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<InstanceNics>().nics[0]!.link, 'down');
    const del = await t.inject({
      method: 'DELETE',
      url: `/api/v1/instances/${vmId}/nics/1`,
      headers: auditor,
    });
    assert.equal(del.statusCode, 403);
    const ok = await t.inject({
      method: 'DELETE',
      url: `/api/v1/instances/${vmId}/nics/1`,
      headers: admin,
    });
    assert.equal(ok.statusCode, 202, ok.body);
    const actions = (
      await t.db.auditEvent.findMany({ where: { action: { startsWith: 'instance.nic.' } } })
    ).map((a) => a.action);
    assert.ok(
      actions.includes('instance.nic.link') && actions.includes('instance.nic.remove'),
      actions.join(),
    );
  });
});
