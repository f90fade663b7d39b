import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateContainer, CreateVm } from '@berth/contracts';
import { initialForm, toBody } from './createForm';

const form = (over: Partial<typeof initialForm>) => ({ ...initialForm, name: 'web1', ...over });

test('the untouched container form is a valid body; empty fields are left out', () => {
  const body = CreateContainer.parse(toBody('ct', form({ tags: 'a, b c', dns: '1.1.1.1' })));
  assert.equal(body.template, 'busybox');
  assert.equal(body.ctid, undefined);
  assert.equal(body.hostname, undefined);
  assert.deepEqual(body.tags, ['a', 'b', 'c']);
  assert.deepEqual(body.dns, ['1.1.1.1']);
  assert.equal(body.diskSizeMiB, 512);
});

test('text that is no number stays NaN, so the schema names the field', () => {
  const r = CreateContainer.safeParse(toBody('ct', form({ ctid: 'abc' })));
  assert.equal(r.success, false);
  assert.deepEqual(
    r.error?.issues.map((i) => i.path[0]),
    ['ctid'],
  );
});

test('a VM disk comes from a template, is new and empty, or is not there', () => {
  const disks = (over: Partial<typeof initialForm>) =>
    CreateVm.parse(toBody('vm', form(over))).disks;
  assert.deepEqual(disks({}), [{ template: 'tiny-linux', clone: 'linked' }]);
  assert.deepEqual(disks({ vmDiskMiB: '1024', clone: 'copy' }), [
    { template: 'tiny-linux', clone: 'copy', sizeMiB: 1024 },
  ]);
  assert.deepEqual(disks({ diskSource: 'empty', vmDiskMiB: '64' }), [{ sizeMiB: 64 }]);
  assert.deepEqual(disks({ diskSource: 'none', cdrom: 'debian.iso' }), []);
});

test("a disk's bus and cache mode are sent only when not the defaults", () => {
  const disks = (over: Partial<typeof initialForm>) =>
    CreateVm.parse(toBody('vm', form(over))).disks;
  assert.deepEqual(disks({ diskSource: 'empty', vmDiskMiB: '64', diskBus: 'sata' }), [
    { sizeMiB: 64, bus: 'sata' },
  ]);
  assert.deepEqual(disks({ diskCache: 'none' }), [
    { template: 'tiny-linux', clone: 'linked', cache: 'none' },
  ]);
});

test('a container is bridged unless host-routed is chosen', () => {
  assert.equal(CreateContainer.parse(toBody('ct', form({}))).networkMode, 'bridged');
  assert.equal(
    CreateContainer.parse(toBody('ct', form({ networkMode: 'routed' }))).networkMode,
    'routed',
  );
});

test('the boot order and the network become lists', () => {
  const body = CreateVm.parse(toBody('vm', form({ boot: 'cdrom,disk', network: false })));
  assert.deepEqual(body.boot, ['cdrom', 'disk']);
  assert.deepEqual(body.nics, []);
});

test('a container is unprivileged unless the box is ticked', () => {
  assert.equal(CreateContainer.parse(toBody('ct', form({}))).privileged, false);
  assert.equal(CreateContainer.parse(toBody('ct', form({ privileged: true }))).privileged, true);
});
