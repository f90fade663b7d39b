import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bigToIp6,
  bridgeTable6Script,
  canonicalCidr6,
  containerAddress6,
  ip6ToBig,
  linkLocalOf,
  overlaps6,
  slaacOf,
  slaacSources,
} from './ipv6.js';

test('addresses round-trip in their one spelling', () => {
  for (const [given, canonical] of [
    ['fd42:1:2::1', 'fd42:1:2::1'],
    ['FD42:0001:0002:0000:0000:0000:0000:0001', 'fd42:1:2::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::', '::'],
    ['fe80::', 'fe80::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ]) {
    assert.equal(bigToIp6(ip6ToBig(given!)), canonical, given);
  }
  assert.equal(canonicalCidr6('fd42:1:2:0::0001/64'), 'fd42:1:2::1/64');
});

test('subnets overlap when either holds the other', () => {
  assert.ok(overlaps6('fd42:1:2::1/64', 'fd42:1:2::8000/120'));
  assert.ok(!overlaps6('fd42:1:2::1/64', 'fd42:1:3::1/64'));
});

test('a container takes the next free address or the one asked, inside and unused', () => {
  assert.equal(containerAddress6(undefined, 'fd42::1/64', []), 'fd42::2/64');
  assert.equal(containerAddress6(undefined, 'fd42::1/64', ['fd42::2']), 'fd42::3/64');
  assert.equal(containerAddress6('fd42::99/64', 'fd42::1/64', []), 'fd42::99/64');
  assert.throws(() => containerAddress6('fd42::1/64', 'fd42::1/64', []), /in use/);
  assert.throws(() => containerAddress6('fd43::5/64', 'fd42::1/64', []), /not a host address/);
  assert.throws(() => containerAddress6('fd42::5/80', 'fd42::1/64', []), /not a host address/);
});

test('SLAAC and link-local follow modified EUI-64 of the MAC', () => {
  assert.equal(linkLocalOf('52:54:00:12:34:56'), 'fe80::5054:ff:fe12:3456');
  assert.equal(slaacOf('02:00:00:00:00:01', 'fd42:1:2::1/64'), 'fd42:1:2::ff:fe00:1');
  assert.deepEqual(slaacSources('02:00:00:00:00:01', 'fd42::1/120'), []);
  assert.deepEqual(slaacSources('02:00:00:00:00:01', null), []);
});

test('the ip6 table isolates and masquerades the subnet, or is only deleted without IPv6', () => {
  const script = bridgeTable6Script('berth_bt_x', 'bt-x', 'fd42:1:2::1/64', true);
  assert.match(script, /^table ip6 berth_bt_x\ndelete table ip6 berth_bt_x\n/);
  assert.match(script, /ip6 saddr fd42:1:2::\/64 ip6 daddr != fd42:1:2::\/64 masquerade/);
  assert.match(script, /oifname "bt-x" iifname != "bt-x" ct state new drop/);
  assert.doesNotMatch(bridgeTable6Script('b', 'bt-x', 'fd42::1/64', false), /masquerade/);
  assert.equal(bridgeTable6Script('b', 'bt-x', null, true), 'table ip6 b\ndelete table ip6 b\n');
});
