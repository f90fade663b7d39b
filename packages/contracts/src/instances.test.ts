import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BuildTemplate,
  CreateAgentShell,
  CreateApiToken,
  CreateInstance,
  CreateVm,
  IsoName,
  Ipv4Cidr,
  LoginRequest,
  ResourceName,
  UpdateInstance,
} from './index.js';

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
  // Custom templates have names of their own; a path or a space is never one.
  for (const template of ['../busybox', 'my template', 'a/b']) {
    assert.equal(CreateInstance.safeParse({ template, name: 'x1' }).success, false, template);
  }
  assert.equal(CreateInstance.safeParse({ template: 'my-app', name: 'x1' }).success, true);
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

test('request bodies are strict: an unknown field is refused and named, not dropped', () => {
  const ct = CreateInstance.safeParse({ template: 'busybox', name: 'web1', memoryMiB: 64 });
  assert.equal(ct.success, false);
  const issue = ct.error?.issues[0];
  assert.equal(issue?.code, 'unrecognized_keys');
  assert.deepEqual((issue as { keys?: string[] }).keys, ['memoryMiB']);
  for (const [schema, body] of [
    [CreateVm, { kind: 'vm', name: 'vm1', ctid: 101 }],
    [UpdateInstance, { description: 'x', colour: 'red' }],
    [LoginRequest, { username: 'a', password: 'b', remember: true }],
    [CreateApiToken, { name: 'ci', scope: 'all' }],
    [CreateAgentShell, { cols: 80, rows: 24, shell: '/bin/zsh' }],
    [BuildTemplate, { rebuild: true, force: true }],
  ] as const) {
    assert.equal(schema.safeParse(body).success, false, JSON.stringify(body));
  }
  assert.equal(CreateInstance.safeParse({ template: 'busybox', name: 'web1' }).success, true);
});
