import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Host, Instance } from '@berth/contracts';
import { buildTree, matchesFilter } from './resourceTree';

const inst = (name: string, over: Partial<Instance> = {}) =>
  ({
    id: name,
    name,
    kind: 'ct',
    ctid: 100,
    state: 'stopped',
    hostId: 'h1',
    tags: [],
    ...over,
  }) as Instance;
const hosts = [{ id: 'h1', name: 'local', status: 'online' }] as Host[];
const all = [
  inst('web1', { ctid: 101, tags: ['prod'], state: 'running' }),
  inst('db', { ctid: 102, tags: ['prod', 'sql'] }),
  inst('vm1', { kind: 'vm', ctid: null }),
];

test('by kind: VMs first, then containers, each by name', () => {
  const [h] = buildTree(all, hosts, 'kind', '');
  assert.equal(h!.label, 'local');
  assert.equal(h!.count, 3);
  assert.deepEqual(
    h!.groups.map((g) => [g.label, g.instances.map((i) => i.name)]),
    [
      ['Virtual machines', ['vm1']],
      ['Containers', ['db', 'web1']],
    ],
  );
});

test('by tag: an instance under each of its tags, untagged ones last', () => {
  const [h] = buildTree(all, hosts, 'tag', '');
  assert.deepEqual(
    h!.groups.map((g) => [g.label, g.instances.map((i) => i.name)]),
    [
      ['prod', ['db', 'web1']],
      ['sql', ['db']],
      ['No tag', ['vm1']],
    ],
  );
});

test('the filter matches name, CT ID, tag and state, every word', () => {
  assert.ok(matchesFilter(all[0]!, '101'));
  assert.ok(matchesFilter(all[0]!, 'prod run'));
  assert.ok(!matchesFilter(all[0]!, 'prod stopped'));
  const [h] = buildTree(all, hosts, 'kind', 'sql');
  assert.equal(h!.count, 1);
  assert.deepEqual(
    h!.groups.map((g) => g.label),
    ['Containers'],
  );
});

test('a host the user may not list appears by id; a listed host with nothing still shows', () => {
  const tree = buildTree([inst('x', { hostId: 'h2' })], hosts, 'kind', '');
  assert.deepEqual(
    tree.map((h) => [h.label, h.count, h.online]),
    [
      ['local', 0, true],
      ['h2', 1, null],
    ],
  );
});
