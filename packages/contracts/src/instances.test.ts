import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateContainer, Ipv4Cidr, ResourceName } from './index.js';

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

test('create fills defaults and rejects unknown templates', () => {
  const parsed = CreateContainer.parse({ template: 'busybox', name: 'x1' });
  assert.equal(parsed.kind, 'ct');
  assert.equal(parsed.diskSizeMiB, 512);
  assert.deepEqual(parsed.tags, []);
  assert.equal(CreateContainer.safeParse({ template: 'windows', name: 'x1' }).success, false);
});
