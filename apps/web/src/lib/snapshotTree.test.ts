import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Snapshot } from '@berth/contracts';
import { snapshotRows } from './snapshotTree';

const snap = (name: string, parent: string | null, minute: number): Snapshot => ({
  name,
  parent,
  description: '',
  createdAt: `2026-12-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
  withMemory: false,
  sizeBytes: null,
});

test('rows come in tree order with depth, siblings oldest first, current marked', () => {
  const rows = snapshotRows(
    [snap('c', 'a', 3), snap('a', null, 1), snap('b', 'a', 2), snap('d', 'b', 4)],
    'c',
  );
  assert.deepEqual(
    rows.map((r) => [r.snapshot.name, r.depth, r.current]),
    [
      ['a', 0, false],
      ['b', 1, false],
      ['d', 2, false],
      ['c', 1, true],
    ],
  );
});

test('a snapshot whose parent is missing is shown as a root', () => {
  assert.deepEqual(
    snapshotRows([snap('x', 'gone', 1)], null).map((r) => [r.snapshot.name, r.depth]),
    [['x', 0]],
  );
});
