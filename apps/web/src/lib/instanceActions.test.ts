import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_ROLES, type Me } from '@berth/contracts';
import { anInstance } from '../events/testFixtures';
import { actionDenied, bulkOutcome, diskGrowBlocked, shownState } from './instanceActions';

const meWith = (grants: Me['grants']): Me => ({
  id: 'u1',
  username: 'someone',
  via: 'session',
  totpEnabled: false,
  permissions: [...new Set(grants.filter((g) => g.scope === 'all').flatMap((g) => g.permissions))],
  grants,
});
const grant = (
  role: 'admin' | 'operator' | 'auditor',
  scope: 'all' | 'tag' = 'all',
  scopeValue = '',
) => ({
  role,
  roleName: role,
  scope,
  scopeValue,
  permissions: [...BUILTIN_ROLES[role].permissions],
});

test('an auditor sees instance actions disabled with the permission they need', () => {
  const box = anInstance();
  const auditor = meWith([grant('auditor')]);
  assert.equal(actionDenied(auditor, box, 'start'), 'needs instance.power');
  assert.equal(actionDenied(auditor, box, 'delete'), 'needs instance.delete');
  assert.equal(actionDenied(meWith([grant('operator')]), box, 'start'), null);
  assert.equal(actionDenied(null, box, 'start'), 'needs instance.power');
});

test('a tag-scoped operator may act on tagged instances only', () => {
  const op = meWith([grant('operator', 'tag', 'customer-a')]);
  assert.equal(actionDenied(op, anInstance({ tags: ['customer-a'] }), 'stop'), null);
  assert.equal(
    actionDenied(op, anInstance({ tags: ['customer-b'] }), 'stop'),
    'needs instance.power',
  );
});

test('a bulk action says what it did and what it skipped, and why', () => {
  assert.deepEqual(
    bulkOutcome({
      verb: 'Deleted',
      done: 1,
      failed: [],
      skipped: [{ count: 1, why: "running (tick 'Stop first')" }],
    }),
    { tone: 'info', title: "Deleted 1, skipped 1 running (tick 'Stop first')", body: undefined },
  );
  assert.equal(
    bulkOutcome({ verb: 'Deleted', done: 0, failed: [], skipped: [{ count: 2, why: 'running' }] })
      .tone,
    'error',
    'nothing done at all is not a success',
  );
  assert.deepEqual(
    bulkOutcome({
      verb: 'Stopped',
      done: 2,
      failed: ['web1: the host could not stop the container'],
      skipped: [{ count: 0, why: 'busy' }],
    }),
    {
      tone: 'error',
      title: 'Stopped 2, 1 failed',
      body: 'web1: the host could not stop the container',
    },
  );
  assert.equal(bulkOutcome({ verb: 'Started', done: 3, failed: [], skipped: [] }).tone, 'success');
});

test('the task in flight shows as starting or stopping before the host says so', () => {
  const start = { kind: 'instance.start' };
  assert.equal(shownState('stopped', start), 'starting');
  assert.equal(shownState('suspended', { kind: 'instance.resume' }), 'starting');
  assert.equal(shownState('running', start), 'running', 'the host has caught up');
  assert.equal(shownState('running', { kind: 'instance.stop' }), 'stopping');
  assert.equal(shownState('stopped', { kind: 'instance.delete' }), 'stopped');
  assert.equal(shownState('stopped', undefined), 'stopped');
});

test('a disk grow is offered only where the host can make it', () => {
  assert.match(diskGrowBlocked({ kind: 'ct', state: 'running' }, false) ?? '', /stop it first/);
  assert.equal(diskGrowBlocked({ kind: 'ct', state: 'stopped' }, false), null);
  assert.equal(diskGrowBlocked({ kind: 'ct', state: 'running' }, true), null);
  assert.equal(diskGrowBlocked({ kind: 'ct', state: 'running' }, undefined), null);
});
