import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SHORTCUTS, shortcutFor } from './shortcuts';

test('g then a page key goes there; g waits for it', () => {
  assert.deepEqual(shortcutFor('g', false), { type: 'pending' });
  assert.deepEqual(shortcutFor('i', true), { type: 'go', href: '/instances/' });
  assert.deepEqual(shortcutFor('t', true), { type: 'go', href: '/tasks/' });
  assert.equal(shortcutFor('z', true), null);
});

test('single keys: help, filter, tree; others are left alone', () => {
  assert.deepEqual(shortcutFor('?', false), { type: 'help' });
  assert.deepEqual(shortcutFor('/', false), { type: 'filter' });
  assert.deepEqual(shortcutFor('[', false), { type: 'tree' });
  assert.equal(shortcutFor('i', false), null);
});

test('the help lists each go-to key once', () => {
  const go = SHORTCUTS.filter((s) => s.keys[0] === 'g').map((s) => s.keys[1]);
  assert.equal(new Set(go).size, go.length);
  assert.ok(go.includes('i') && go.includes('t'));
});
