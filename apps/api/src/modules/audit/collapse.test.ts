import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RUN_WINDOW_MS, continues, type RunRow } from './collapse.js';

const row = (seq: number, atMs: number, over: Partial<RunRow> = {}): RunRow => ({
  seq,
  at: new Date(atMs),
  actor: 'anonymous',
  userId: null,
  action: 'auth.login',
  targetType: 'user',
  targetId: 'root',
  outcome: 'failure',
  taskId: null,
  ip: '10.0.0.9',
  detail: null,
  before: null,
  after: null,
  ...over,
});

test('a run goes on while the next older row is identical and within the window of its oldest', () => {
  const newest = row(10, 1_000_000);
  const run = { newest, oldest: newest, count: 1 };
  assert.equal(continues(run, row(9, 1_000_000 - RUN_WINDOW_MS)), true);
  assert.equal(continues(run, row(9, 1_000_000 - RUN_WINDOW_MS - 1)), false, 'too far apart');
  for (const over of [
    { actor: 'alice' },
    { action: 'auth.logout' },
    { targetId: 'admin' },
    { outcome: 'denied' },
    { ip: '10.0.0.8' },
    { detail: '{"n":1}' },
    { after: '{"x":2}' },
    { taskId: 't1' },
  ])
    assert.equal(continues(run, row(9, 999_000, over)), false, JSON.stringify(over));
});
