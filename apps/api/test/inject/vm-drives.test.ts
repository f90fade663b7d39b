import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, TaskAccepted, VmDriveChange } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';
import { addFakeVm } from './fake-vm.js';

describe("a VM's disk buses and CD drives: strict bodies, limits, 404s, permissions and audit", () => {
  let t: TestApi;
  let admin: Record<string, string>;
  let vmId: string;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
    vmId = addFakeVm(
      t.agent,
      {
        disks: [{ name: 'disk0.qcow2', sizeBytes: 1 << 30, template: null }],
        boot: ['disk', 'cdrom'],
      },
      { state: 'running' },
    ).id;
  });
  after(() => t.close());

  const call = (
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    payload?: object,
    headers = admin,
  ) => t.inject({ method, url: `/api/v1/instances/${vmId}${path}`, payload, headers });

  test('an unknown bus or cache, an unknown field, an empty edit, a bad drive or ISO: 400 naming the field, no agent call', async () => {
    const calls = t.agent.calls.length;
    const cases: ['POST' | 'PUT' | 'DELETE', string, object | undefined, string][] = [
      ['PUT', '/disks/disk0.qcow2/settings', { bus: 'usb' }, 'bus'],
      ['PUT', '/disks/disk0.qcow2/settings', { cache: 'sometimes' }, 'cache'],
      ['PUT', '/disks/disk0.qcow2/settings', { bus: 'scsi', speed: 3 }, 'speed'],
      ['PUT', '/disks/disk0.qcow2/settings', {}, 'nothing to change'],
      ['PUT', '/disks/boot.img/settings', { bus: 'scsi' }, 'disk'],
      ['POST', '/disks', { sizeMiB: 64, bus: 'floppy' }, 'bus'],
      ['POST', '/cd-drives', { iso: '../etc/passwd' }, 'iso'],
      ['POST', '/cd-drives', { iso: null, drive: 2 }, 'drive'],
      ['PUT', '/cd-drives/x', { iso: null }, 'drive'],
      ['PUT', '/cd-drives/1', {}, 'iso'],
      ['DELETE', '/cd-drives/-1', undefined, 'drive'],
    ];
    for (const [method, path, payload, field] of cases) {
      const res = await call(method, path, payload);
      assert.equal(
        res.statusCode,
        400,
        `${method} ${path} ${JSON.stringify(payload)}: ${res.body}`,
      );
      assert.ok(JSON.stringify(res.json<ErrorBody>()).includes(field), `${field}: ${res.body}`);
    }
    assert.equal(t.agent.calls.length, calls);
  });

  test('a drive the VM does not have and a disk it does not have are 404s', async () => {
    assert.equal((await call('PUT', '/cd-drives/3', { iso: null })).statusCode, 404);
    assert.equal((await call('DELETE', '/cd-drives/2')).statusCode, 404);
    assert.equal(
      (await call('PUT', '/disks/disk5.qcow2/settings', { bus: 'sata' })).statusCode,
      404,
    );
  });

  test('a disk edit is a task, audited with what it sets', async () => {
    const res = await call('PUT', '/disks/disk0.qcow2/settings', { bus: 'scsi', cache: 'none' });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json<TaskAccepted>().task.kind, 'disk.settings');
    const audit = await t.db.auditEvent.findFirst({
      where: { action: 'instance.disk.settings' },
      orderBy: { seq: 'desc' },
    });
    assert.match(audit?.detail ?? '', /scsi/);
  });

  test('drives up to 4, the 5th a 409; drive 0 stays (409); media per drive; all audited', async () => {
    for (let n = 1; n < 4; n++) {
      const res = await call('POST', '/cd-drives', {});
      assert.equal(res.statusCode, 202, res.body);
      assert.equal(res.json<TaskAccepted>().task.kind, 'cdrom.add');
    }
    const fifth = await call('POST', '/cd-drives', {});
    assert.equal(fifth.statusCode, 409, fifth.body);
    assert.match(fifth.body, /4 CD drives/);
    assert.equal((await call('DELETE', '/cd-drives/0')).statusCode, 409);
    const media = await call('PUT', '/cd-drives/2', { iso: 'debian.iso' });
    assert.equal(media.statusCode, 200, media.body);
    const drives = media.json<VmDriveChange>().instance.vm!.cdDrives!;
    assert.deepEqual(
      drives.find((d) => d.drive === 2),
      { drive: 2, iso: 'debian.iso' },
    );
    assert.equal((await call('DELETE', '/cd-drives/2')).statusCode, 202);
    const actions = (
      await t.db.auditEvent.findMany({ where: { action: { startsWith: 'instance.cdrom.' } } })
    ).map((a) => a.action);
    for (const a of ['instance.cdrom.add', 'instance.cdrom.media', 'instance.cdrom.remove']) {
      assert.ok(actions.includes(a), `${a} in ${actions.join()}`);
    }
  });

  test('changing drives and buses needs instance.configure', async () => {
    const auditor = await t.as('auditor');
    assert.equal((await call('POST', '/cd-drives', {}, auditor)).statusCode, 403);
    assert.equal((await call('PUT', '/cd-drives/0', { iso: null }, auditor)).statusCode, 403);
    const edit = await call('PUT', '/disks/disk0.qcow2/settings', { cache: 'unsafe' }, auditor);
    assert.equal(edit.statusCode, 403);
  });
});
