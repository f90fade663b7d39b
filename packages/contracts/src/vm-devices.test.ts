import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddVmPortRequest, AddVmUsbRequest, VmPortRef, VmUsbRef } from './vm-devices.js';

const ID = '0f6a3c2e-1111-4222-8333-444455556666';

test('a port goes to a socket or a file; a parallel port to a file only; nothing else is taken', () => {
  assert.ok(AddVmPortRequest.safeParse({ kind: 'serial', target: 'socket' }).success);
  assert.ok(AddVmPortRequest.safeParse({ kind: 'parallel', target: 'file' }).success);
  for (const bad of [
    { kind: 'parallel', target: 'socket' },
    { kind: 'serial', target: 'console' },
    { kind: 'serial', target: 'file', path: '/etc/passwd' },
    { kind: 'serial' },
  ]) {
    assert.equal(AddVmPortRequest.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

test('port and device names are the ones QEMU gets, never a path', () => {
  for (const port of ['serial0', 'serial3', 'parallel0']) {
    assert.ok(VmPortRef.safeParse({ id: ID, port }).success, port);
  }
  for (const port of ['serial4', 'parallel1', '../vm.json', 'serial1.log']) {
    assert.equal(VmPortRef.safeParse({ id: ID, port }).success, false, port);
  }
  assert.ok(VmUsbRef.safeParse({ id: ID, device: 'usb2' }).success);
  for (const device of ['usb0', 'usb10', 'tablet2', 'usb2;id']) {
    assert.equal(VmUsbRef.safeParse({ id: ID, device }).success, false, device);
  }
  assert.equal(AddVmUsbRequest.safeParse({ kind: 'storage' }).success, false);
});
