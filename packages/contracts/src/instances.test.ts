import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateInstance, CreateVm, IsoName, Ipv4Cidr, ResourceName } from './index.js';

test('names that could smuggle shell syntax or options are invalid', () => {
  for (const bad of [
    'a; rm -rf /',
    '$(reboot)',
    '`id`',
    '-rf',
    'a b',
    'a/b',
    '..',
    'a|b',
    '',
    'x'.repeat(64),
  ]) {
    assert.equal(ResourceName.safeParse(bad).success, false, bad);
  }
  for (const good of ['web1', 'db-primary', '101', 'A-b-C'])
    assert.equal(ResourceName.safeParse(good).success, true, good);
});

test('CIDR addresses are checked octet by octet', () => {
  assert.equal(Ipv4Cidr.safeParse('10.0.3.5/24').success, true);
  for (const bad of ['999.1.1.1/24', '10.0.3.5', '10.0.3.5/33', '10.0.3.5/4', 'a.b.c.d/24']) {
    assert.equal(Ipv4Cidr.safeParse(bad).success, false, bad);
  }
});

test('a create without kind is a container, with defaults filled', () => {
  const parsed = CreateInstance.parse({ template: 'busybox', name: 'x1' });
  assert.equal(parsed.kind, 'ct');
  assert.equal(parsed.kind === 'ct' && parsed.diskSizeMiB, 512);
  assert.deepEqual(parsed.tags, []);
  assert.equal(CreateInstance.safeParse({ template: 'windows', name: 'x1' }).success, false);
  assert.equal(
    CreateInstance.safeParse({ kind: 'vm', template: 'busybox', name: 'x1' }).success,
    false,
  );
});

test('VM creates bound memory and never take a path for a disk or an ISO', () => {
  assert.equal(CreateVm.parse({ kind: 'vm', name: 'v1' }).memoryMiB, 256);
  for (const memoryMiB of [0, -1, 16, 2 * 1024 * 1024, 1.5]) {
    assert.equal(
      CreateVm.safeParse({ kind: 'vm', name: 'v1', memoryMiB }).success,
      false,
      String(memoryMiB),
    );
  }
  assert.equal(
    CreateVm.safeParse({ kind: 'vm', name: 'v1', disks: [{ path: '/etc/shadow' }] }).success,
    false,
  );
  assert.equal(
    CreateVm.safeParse({ kind: 'vm', name: 'v1', disks: [{ template: '../../etc' }] }).success,
    false,
  );
  for (const bad of ['../x.iso', '/etc/x.iso', 'a..b.iso', 'x.img', '.iso', 'a b.iso']) {
    assert.equal(IsoName.safeParse(bad).success, false, bad);
  }
  assert.equal(IsoName.safeParse('debian-12.1_amd64.iso').success, true);
});
