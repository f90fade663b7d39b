import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InstanceIndex } from './instance-index.js';

const a = { id: '11111111-1111-4111-8111-111111111111', ctid: 100 };

test('an instance is found by UUID and by CT ID once remembered', () => {
  const index = new InstanceIndex();
  assert.equal(index.hostOf(a.id), undefined);
  index.remember('h1', a);
  assert.equal(index.hostOf(a.id), 'h1');
  assert.equal(index.hostOf('100'), 'h1');
});

test('a move to another host replaces the entry; forgetting by CT ID drops both names', () => {
  const index = new InstanceIndex();
  index.remember('h1', a);
  index.remember('h2', a);
  assert.equal(index.hostOf('100'), 'h2');
  index.forget('100');
  assert.equal(index.hostOf(a.id), undefined);
  assert.equal(index.hostOf('100'), undefined);
  assert.equal(index.size, 0);
});

test('a VM has no CT ID and is found by UUID only', () => {
  const index = new InstanceIndex();
  index.remember('h1', { id: a.id, ctid: null });
  assert.equal(index.hostOf(a.id), 'h1');
  assert.equal(index.hostOf('null'), undefined);
});
