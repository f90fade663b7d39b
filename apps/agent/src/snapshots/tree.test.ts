import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agreeWith, withoutSnapshot, type SnapshotNode } from './tree.js';

const node = (name: string, parent: string | null): SnapshotNode => ({
  name,
  parent,
  description: '',
  createdAt: '2026-01-01T00:00:00.000Z',
  withMemory: false,
});

// a ─ b ─ c, and a ─ d (a revert to a, then a new snapshot: a branch)
const tree = {
  snapshots: [node('a', null), node('b', 'a'), node('c', 'b'), node('d', 'a')],
  current: 'c',
};

test('deleting a snapshot hangs its children from its parent and moves current up', () => {
  const out = withoutSnapshot(tree, 'b');
  assert.deepEqual(
    out.snapshots.map((s) => [s.name, s.parent]),
    [
      ['a', null],
      ['c', 'a'],
      ['d', 'a'],
    ],
  );
  assert.equal(out.current, 'c');
  assert.equal(withoutSnapshot(tree, 'c').current, 'b');
  assert.equal(withoutSnapshot(tree, 'a').snapshots.find((s) => s.name === 'd')?.parent, null);
  assert.equal(withoutSnapshot(tree, 'nope'), tree);
});

test('the tree agrees with the storage: missing nodes go, found ones hang under current', () => {
  const out = agreeWith(tree, ['a', 'b', 'd', 'e'], (name, parent) => node(name, parent));
  assert.deepEqual(
    out.snapshots.map((s) => [s.name, s.parent]),
    [
      ['a', null],
      ['b', 'a'],
      ['d', 'a'],
      ['e', 'b'],
    ],
  );
  assert.equal(out.current, 'e');
});
