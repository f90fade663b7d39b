import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEEP, MAX_SHOWN, toast, toastStore } from './toast';

test('at most three on screen; every one kept in the center, newest first, up to fifty', () => {
  toastStore.clear();
  for (let i = 1; i <= 5; i++) toast({ tone: 'error', title: `t${i}` });
  const { shown, notices } = toastStore.get();
  assert.equal(shown.length, MAX_SHOWN);
  assert.deepEqual(
    shown.map((t) => t.title),
    ['t3', 't4', 't5'],
  );
  assert.equal(notices[0]!.title, 't5');
  assert.equal(notices.filter((n) => !n.read).length, 5);
  for (let i = 0; i < KEEP + 10; i++) toast({ tone: 'error', title: `x${i}` });
  assert.equal(toastStore.get().notices.length, KEEP);
  toastStore.clear();
});

test('a success leaves on its own and counts as seen; a failure stays until dismissed', async () => {
  toastStore.clear();
  const ok = toast({ tone: 'success', title: 'done' }, 10);
  const bad = toast({ tone: 'error', title: 'failed' });
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(
    toastStore.get().shown.map((t) => t.id),
    [bad],
  );
  assert.equal(toastStore.get().notices.find((n) => n.id === ok)?.read, true);
  toastStore.dismiss(bad);
  assert.equal(toastStore.get().shown.length, 0);
  toastStore.clear();
});

test('while the keyboard is in a console nothing pops up; the center collects', () => {
  toastStore.clear();
  toast({ tone: 'error', title: 'before' });
  toastStore.setConsoleFocus(true);
  assert.equal(toastStore.get().shown.length, 0);
  toast({ tone: 'error', title: 'during' });
  assert.equal(toastStore.get().shown.length, 0);
  assert.equal(toastStore.get().notices.filter((n) => !n.read).length, 2);
  toastStore.setConsoleFocus(false);
  toast({ tone: 'error', title: 'after' });
  assert.deepEqual(
    toastStore.get().shown.map((t) => t.title),
    ['after'],
  );
  toastStore.clear();
});
