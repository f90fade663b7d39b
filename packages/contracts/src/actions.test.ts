import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionsFor, notOffered, offers, whyNot } from './actions.js';
import { InstanceAction, InstanceState } from './instances.js';

test('containers offer the lifecycle without the VM-only verbs, VMs offer all eight', () => {
  assert.deepEqual(actionsFor('ct'), ['start', 'stop', 'restart', 'suspend', 'resume']);
  assert.deepEqual([...actionsFor('vm')].sort(), [...InstanceAction.options].sort());
  assert.equal(actionsFor('vm').at(-1), 'reset', 'the blunt one comes last');
  assert.equal(offers('ct', 'screenshot'), false);
  assert.match(notOffered('ct', 'pause') ?? '', /for VMs/);
  assert.equal(notOffered('vm', 'pause'), null);
});

test('each kind starts only from stopped and says what to do instead', () => {
  assert.equal(whyNot('ct', 'start', 'stopped'), null);
  assert.equal(whyNot('vm', 'start', 'stopped'), null);
  assert.equal(whyNot('ct', 'start', 'running'), 'the container is already running');
  assert.equal(whyNot('vm', 'start', 'running'), 'the VM is already running');
  assert.match(whyNot('ct', 'start', 'frozen') ?? '', /suspended; resume it instead/);
  assert.match(whyNot('vm', 'start', 'suspended') ?? '', /suspended to disk; resume it instead/);
});

test('suspend and resume differ by kind: a frozen container, a VM saved to disk', () => {
  assert.equal(whyNot('ct', 'resume', 'frozen'), null);
  assert.equal(whyNot('vm', 'resume', 'suspended'), null);
  assert.match(whyNot('vm', 'resume', 'paused') ?? '', /paused VM unpauses/);
  assert.equal(whyNot('vm', 'suspend', 'paused'), null);
  assert.match(whyNot('ct', 'suspend', 'frozen') ?? '', /only a running container/);
});

test('stop reaches a frozen container and a paused VM; exec does not', () => {
  assert.equal(whyNot('ct', 'stop', 'frozen'), null);
  assert.equal(whyNot('vm', 'stop', 'paused'), null);
  assert.match(whyNot('ct', 'exec', 'frozen') ?? '', /resume it first/);
  assert.match(whyNot('vm', 'exec', 'paused') ?? '', /not running/);
});

test('delete needs a stopped instance (or a VM suspended to disk), else force', () => {
  assert.equal(whyNot('ct', 'delete', 'stopped'), null);
  assert.equal(whyNot('vm', 'delete', 'suspended'), null);
  assert.equal(
    whyNot('ct', 'delete', 'running'),
    'the container is running; stop it first or delete with force',
  );
});

test('only a stopped container can be made unprivileged; VMs never', () => {
  assert.equal(whyNot('ct', 'unprivilege', 'stopped'), null);
  assert.equal(
    whyNot('ct', 'unprivilege', 'running'),
    'the container is running; stop it before making it unprivileged',
  );
  assert.match(whyNot('vm', 'unprivilege', 'stopped') ?? '', /only containers/);
});

test('every verb has an answer for every state, and no message is empty', () => {
  for (const kind of ['ct', 'vm'] as const)
    for (const verb of [
      ...actionsFor('vm'),
      'exec',
      'console',
      'screenshot',
      'delete',
      'unprivilege',
    ] as const)
      for (const state of InstanceState.options) {
        const why = whyNot(kind, verb, state);
        assert.ok(why === null || why.length > 10, `${kind} ${verb} ${state}: ${why}`);
      }
});
