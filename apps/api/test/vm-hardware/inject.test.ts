import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Instance, VmHardwareChange, VmHardwareChoices } from '@berth/contracts';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';
import { addFakeVm } from '../inject/fake-vm.js';

describe('VM hardware settings through the API (fake agent)', () => {
  let t: TestApi;
  let vm: Instance;
  let ct: Instance;
  before(async () => {
    t = await buildTestApi();
    vm = addFakeVm(t.agent, { boot: ['disk', 'cdrom'] });
    ct = t.agent.add({});
  });
  after(() => t.close());

  const put = async (id: string, payload: object, headers?: Record<string, string>) =>
    t.inject({
      method: 'PUT',
      url: `/api/v1/instances/${id}/hardware`,
      payload,
      headers: headers ?? (await t.as('admin')),
    });

  test('choices come from the host; a change answers applies and is audited with its body', async () => {
    const choices = await t.inject({
      url: `/api/v1/instances/${vm.id}/hardware`,
      headers: await t.as('admin'),
    });
    assert.equal(choices.statusCode, 200, choices.body);
    assert.ok(choices.json<VmHardwareChoices>().machines.includes('q35'));

    const res = await put(vm.id, { firmware: 'uefi', boot: ['cdrom', 'disk'] });
    assert.equal(res.statusCode, 200, res.body);
    const change = res.json<VmHardwareChange>();
    assert.equal(change.applies, 'next-start');
    assert.equal(change.instance.vm?.firmware, 'uefi');
    assert.deepEqual(change.instance.vm?.boot, ['cdrom', 'disk']);
    const audit = await t.db.auditEvent.findFirst({
      where: { action: 'instance.hardware' },
      orderBy: { seq: 'desc' },
    });
    assert.equal(audit?.targetId, vm.id);
    assert.match(String(audit?.detail), /uefi/);
  });

  test('bad bodies are 400s naming the field and reach no agent', async () => {
    const before = t.agent.calls.length;
    for (const [body, field] of [
      [{ firmware: 'coreboot' }, 'firmware'],
      [{ machine: 'pc-i440fx-7.2' }, 'machine'],
      [{ cpuModel: 'no such;cpu' }, 'cpuModel'],
      [{ boot: ['disk', 'disk'] }, 'boot'],
      [{ boot: [] }, 'boot'],
      [{ colour: 'red' }, ''],
      [{}, ''],
    ] as const) {
      const res = await put(vm.id, body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      if (field) assert.match(res.body, new RegExp(field), JSON.stringify(body));
    }
    assert.equal(t.agent.calls.length, before);
  });

  test('an operator without instance.configure gets 403; a container is refused', async () => {
    const viewer = await t.userWith('hw-viewer', [{ role: 'viewer', scope: 'all' }]);
    const refused = await put(vm.id, { firmware: 'bios' }, viewer.headers);
    assert.equal(refused.statusCode, 403, refused.body);
    const onCt = await put(ct.id, { firmware: 'uefi' });
    assert.equal(onCt.statusCode, 400, onCt.body);
    assert.match(onCt.json<ErrorBody>().error.message, /VM settings/);
  });
});
