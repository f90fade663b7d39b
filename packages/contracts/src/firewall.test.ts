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
