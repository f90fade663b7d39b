import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateFirewallSet, FirewallRule, NetworkFirewallSettings, setNamed } from './index.js';

const rule = { direction: 'in', action: 'drop' } as const;

test('a source or destination is a CIDR or @ and a set name, nothing else', () => {
  for (const source of ['10.0.0.1', '10.0.0.0/8', '@office', '@a-1', `@a${'b'.repeat(31)}`]) {
    assert.ok(FirewallRule.safeParse({ ...rule, source }).success, source);
  }
  for (const source of [
    '@',
    '@Office',
    '@1a',
    `@a${'b'.repeat(32)}`,
    'office',
    '@a_b',
    '10.0.0.1/33',
  ]) {
    const parsed = FirewallRule.safeParse({ ...rule, source });
    assert.equal(parsed.success, false, source);
    assert.deepEqual(parsed.error!.issues[0]!.path, ['source']);
  }
  assert.equal(setNamed('@office'), 'office');
  assert.equal(setNamed('10.0.0.0/8'), null);
  assert.equal(setNamed(undefined), null);
});

test('a set holds CIDRs only; a network has no policy or spoofing switch', () => {
  assert.ok(CreateFirewallSet.safeParse({ name: 'lab', addresses: ['10.0.0.0/8'] }).success);
  assert.equal(CreateFirewallSet.safeParse({ name: 'lab', addresses: ['@other'] }).success, false);
  assert.equal(CreateFirewallSet.safeParse({ name: 'Lab', addresses: [] }).success, false);
  assert.equal(NetworkFirewallSettings.safeParse({ antiSpoofing: false }).success, false);
  assert.equal(
    NetworkFirewallSettings.safeParse({ policy: { in: 'drop', out: 'drop' } }).success,
    false,
  );
  assert.deepEqual(NetworkFirewallSettings.parse({}), { enabled: true, rules: [] });
});

test('IPv6 addresses and networks are sources, destinations and set members; a rule keeps to one family', () => {
  const good = [
    'fd00::1',
    'fd00:1::/64',
    '::/0',
    '2001:db8::/32',
    '::ffff:10.0.0.1',
    'FD00::1/128',
  ];
  for (const source of good) {
    assert.ok(FirewallRule.safeParse({ ...rule, source }).success, source);
    assert.ok(FirewallRule.safeParse({ ...rule, destination: source }).success, source);
  }
  assert.ok(
    CreateFirewallSet.safeParse({ name: 'lab', addresses: ['10.0.0.0/8', ...good] }).success,
  );
  for (const bad of [
    'fd00::1/129',
    'fd00::/064',
    'fe80::1%eth0',
    '1::2::3',
    'fd00::g',
    'fd00::/',
  ]) {
    const parsed = FirewallRule.safeParse({ ...rule, source: bad });
    assert.equal(parsed.success, false, bad);
    assert.deepEqual(parsed.error!.issues[0]!.path, ['source']);
    assert.match(parsed.error!.issues[0]!.message, /IPv6 one such as fd00:1::\/64/);
    const set = CreateFirewallSet.safeParse({ name: 'lab', addresses: ['10.0.0.0/8', bad] });
    assert.deepEqual(set.error!.issues[0]!.path, ['addresses', 1], bad);
  }
  const mixed = FirewallRule.safeParse({ ...rule, source: 'fd00::1', destination: '10.0.0.1' });
  assert.deepEqual(mixed.error!.issues[0]!.path, ['destination']);
  assert.match(mixed.error!.issues[0]!.message, /both IPv4 or both IPv6/);
  // A set holds both, so it goes with either.
  assert.ok(FirewallRule.safeParse({ ...rule, source: 'fd00::1', destination: '@lab' }).success);
  assert.equal(
    FirewallRule.safeParse({ ...rule, source: 'fd00::1', family: 'ipv6' }).success,
    false,
  );
});
