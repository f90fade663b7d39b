import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aTask } from '../events/testFixtures';
import { collapseTasks, formatDuration, taskSummary } from './taskSummary';

const ended = (kind: string, ms: number, over = {}) =>
  aTask({
    kind,
    status: 'succeeded',
    message: 'stopping the container',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: new Date(Date.parse('2026-01-01T00:00:00.000Z') + ms).toISOString(),
    ...over,
  });

test('a finished task reads as its outcome and how long it took, not its last step', () => {
  assert.equal(taskSummary(ended('instance.stop', 200)), 'Stopped in 0.2 s');
  assert.equal(taskSummary(ended('template.build', 185_000)), 'Built in 3 min 5 s');
  assert.equal(
    taskSummary(ended('instance.frobnicate', 40_000)),
    'Frobnicate instance: done in 40 s',
  );
  assert.equal(
    taskSummary(
      aTask({ status: 'failed', error: { code: 'conflict', message: 'it is running already' } }),
    ),
    'Failed: it is running already',
  );
  assert.equal(taskSummary(aTask({ status: 'running', message: 'unpacking' })), 'unpacking');
});

test('durations as an operator reads them', () => {
  assert.equal(formatDuration(49), '0.0 s');
  assert.equal(formatDuration(9_949), '9.9 s');
  assert.equal(formatDuration(60_000), '1 min');
});

test('consecutive repeats of one kind, target and outcome fold into one row with a count', () => {
  const fail = (id: string) =>
    aTask({ id, status: 'failed', instanceId: 'i1', error: { code: 'x', message: 'no' } });
  const groups = collapseTasks([
    fail('a'),
    fail('b'),
    fail('c'),
    ended('instance.start', 10, { id: 'd', instanceId: 'i1' }),
    fail('e'),
    aTask({ id: 'f', status: 'running' }),
    aTask({ id: 'g', status: 'running' }),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.task.id, g.count]),
    [
      ['a', 3],
      ['d', 1],
      ['e', 1],
      ['f', 1],
      ['g', 1],
    ],
  );
});
