import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AgentOperationWait,
  CreateContainer,
  InstanceRef,
  Ipv4,
  Ipv4Cidr,
  queryInt,
} from './index.js';

// Issue 11, finding 4: a second spelling of a number or an address slips past duplicate
// checks and lands in host configs that refuse it, so each has exactly one accepted form.

const ct = (extra: Record<string, unknown>) =>
  CreateContainer.safeParse({ kind: 'ct', template: 'busybox', name: 'c1', ...extra });

test('a CT ID in a body is a JSON number, never text or an array', () => {
  assert.equal(ct({ ctid: 151 }).success, true);
  for (const ctid of [' 151', '151', '1e3', '0o235', '0x97', [152], 151.5, true]) {
    assert.equal(ct({ ctid }).success, false, JSON.stringify(ctid));
  }
});

test('a path id is a UUID or a CT ID without leading zeros', () => {
  for (const good of ['101', '999999999', '0f8fad5b-d9cb-469f-a165-70867728950e'])
    assert.equal(InstanceRef.safeParse({ id: good }).success, true, good);
  for (const bad of [
    '00000000101',
    '0101',
    '0',
    ' 101',
    '101 ',
    '1e3',
    '+101',
    '1000000000',
    '------------------------------------',
    '0F8FAD5B-D9CB-469F-A165-70867728950E',
  ])
    assert.equal(InstanceRef.safeParse({ id: bad }).success, false, bad);
});

test('IPv4 addresses and CIDRs with leading zeros are refused', () => {
  for (const bad of ['010.210.0.060/24', '10.210.0.60/024', '10.210.00.6/24', '10.0.3.5/08'])
    assert.equal(Ipv4Cidr.safeParse(bad).success, false, bad);
  for (const good of ['10.210.0.60/24', '0.0.0.0/8', '255.255.255.255/30', '10.0.3.100/9'])
    assert.equal(Ipv4Cidr.safeParse(good).success, true, good);
  for (const bad of ['010.210.0.1', '10.210.0.01'])
    assert.equal(Ipv4.safeParse(bad).success, false, bad);
  assert.equal(ct({ ipv4: '010.210.0.060/24' }).success, false);
  assert.equal(ct({ gateway: '010.210.0.1' }).success, false);
  assert.equal(ct({ dns: ['10.210.0.01'] }).success, false);
});

test('numbers in query strings are read from canonical decimal text only', () => {
  const n = queryInt(0, 600);
  assert.equal(n.parse('0'), 0);
  assert.equal(n.parse('600'), 600);
  for (const bad of [' 5', '5 ', '1e2', '0o5', '0x5', '05', '-1', '+5', '5.0', '', '601'])
    assert.equal(n.safeParse(bad).success, false, JSON.stringify(bad));
  assert.equal(AgentOperationWait.parse({}).waitSeconds, 0);
  assert.equal(AgentOperationWait.parse({ waitSeconds: '30' }).waitSeconds, 30);
  assert.equal(AgentOperationWait.safeParse({ waitSeconds: '3e1' }).success, false);
});

// Issue 11, finding 5: the agent hashes the root password with a tool reading text, where a
// NUL empties or truncates it and a newline splits it.
test('a root password with a control character is refused, saying why', () => {
  for (const c of [0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f]) {
    const rootPassword = `secret${String.fromCharCode(c)}word`;
    const r = ct({ rootPassword });
    assert.equal(r.success, false, `0x${c.toString(16)}`);
    assert.match(r.error!.issues[0]!.message, /control characters/);
    assert.deepEqual(r.error!.issues[0]!.path, ['rootPassword']);
  }
  assert.equal(ct({ rootPassword: '\u0000' + 'x'.repeat(8) }).success, false);
  assert.equal(ct({ rootPassword: 'pässwörd with spaces ~!@#' }).success, true);
  assert.match(ct({ rootPassword: 'pass:word' }).error!.issues[0]!.message, /colons/);
});
