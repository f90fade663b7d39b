import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Instance, TaskAccepted, VmDeviceChange, VmDevices } from '@berth/contracts';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';
import { addFakeVm } from '../inject/fake-vm.js';

describe('VM ports and USB devices through the API (fake agent)', () => {
  let t: TestApi;
  let vm: Instance;
  before(async () => {
    t = await buildTestApi();
    vm = addFakeVm(t.agent);
  });
  after(() => t.close());

  const send = async (method: 'POST' | 'PUT' | 'DELETE' | 'GET', url: string, payload?: object) =>
    t.inject({
      method,
      url: `/api/v1/instances/${vm.id}${url}`,
      ...(payload && { payload }),
      headers: await t.as('admin'),
    });

  test('the list, a port added and removed, a USB keyboard as a task; each change audited', async () => {
    const list = await send('GET', '/devices');
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.json<VmDevices>().ports[0]?.target, 'console');

    const added = await send('POST', '/ports', { kind: 'serial', target: 'file' });
    assert.equal(added.statusCode, 200, added.body);
    assert.equal(added.json<VmDeviceChange>().applies, 'next-start');
    const removed = await send('DELETE', '/ports/serial1');
    assert.equal(removed.statusCode, 200, removed.body);

    const log = await send('GET', '/ports/serial1/log');
    assert.equal(log.statusCode, 200, log.body);
    assert.equal(log.body, 'hello from ttyS1\n');
    assert.match(String(log.headers['content-disposition']), /serial1\.log/);

    const usb = await send('POST', '/usb', { kind: 'keyboard' });
    assert.equal(usb.statusCode, 202, usb.body);
    assert.ok(usb.json<TaskAccepted>().task.id);
    const pulled = await send('DELETE', '/usb/usb2');
    assert.equal(pulled.statusCode, 202, pulled.body);

    const actions = (
      await t.db.auditEvent.findMany({ where: { targetId: vm.id }, orderBy: { seq: 'asc' } })
    ).map((e) => e.action);
    for (const action of [
      'instance.port.add',
      'instance.port.remove',
      'instance.usb.add',
      'instance.usb.remove',
    ]) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    }
  });

  test('bad input is a 400 naming the field and reaches no agent', async () => {
    const before = t.agent.calls.length;
    const cases: Array<[string, string, object | undefined, string]> = [
      ['POST', '/ports', { kind: 'serial', target: 'file', colour: 'red' }, 'colour'],
      ['POST', '/ports', { kind: 'usb', target: 'file' }, 'kind'],
      ['POST', '/ports', { kind: 'serial', target: 'console' }, 'target'],
      ['POST', '/ports', { kind: 'parallel', target: 'socket' }, 'target'],
      ['DELETE', '/ports/serial4', undefined, 'port'],
      ['GET', '/ports/..%2Fvm.json/log', undefined, 'port'],
      ['POST', '/usb', { kind: 'storage' }, 'kind'],
      ['POST', '/usb', { kind: 'keyboard', image: '/etc/shadow' }, 'image'],
      ['DELETE', '/usb/usb0', undefined, 'device'],
    ];
    for (const [method, url, payload, field] of cases) {
      const res = await send(method as 'POST', url, payload);
      assert.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`);
      assert.match(res.body, new RegExp(field), `${method} ${url}`);
    }
    const wrongFormat = await t.inject({
      method: 'PUT',
      url: `/api/v1/instances/${vm.id}/usb/storage?format=vmdk`,
      payload: Buffer.from('x'),
      headers: { ...(await t.as('admin')), 'content-type': 'application/octet-stream' },
    });
    assert.equal(wrongFormat.statusCode, 400, wrongFormat.body);
    assert.match(wrongFormat.body, /format/);
    assert.equal(t.agent.calls.length, before);
  });

  test('an auditor may list but not change', async () => {
    const auditor = await t.userWith('ports-auditor', [{ role: 'auditor', scope: 'all' }]);
    const url = `/api/v1/instances/${vm.id}`;
    const list = await t.inject({ url: `${url}/devices`, headers: auditor.headers });
    assert.equal(list.statusCode, 200, list.body);
    for (const [method, path, payload] of [
      ['POST', '/ports', { kind: 'serial', target: 'socket' }],
      ['POST', '/usb', { kind: 'keyboard' }],
      ['GET', '/ports/serial1/log', undefined],
    ] as const) {
      const res = await t.inject({
        method,
        url: `${url}${path}`,
        ...(payload && { payload }),
        headers: auditor.headers,
      });
      assert.equal(res.statusCode, 403, `${method} ${path}: ${res.body}`);
    }
  });
});
