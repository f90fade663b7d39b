import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, type AppError } from '@berth/contracts';
import { EventBus } from '../events.js';
import { Operations } from '../operations.js';
import { BusyGuard } from './busy.js';

function gate() {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const isConflict = (pattern: RegExp) => (err: unknown) =>
  (err as AppError).code === ErrorCode.conflict && pattern.test((err as Error).message);

function setup() {
  const ops = new Operations(new EventBus());
  return { ops, busy: new BusyGuard(ops) };
}

test('one operation per instance: a second is refused until the first ends', async () => {
  const { ops, busy } = setup();
  const work = gate();
  const op = busy.start('a', 'instance.start', () => work.promise);
  assert.throws(
    () => busy.start('a', 'instance.stop', async () => {}),
    isConflict(/instance.start/),
  );
  assert.throws(() => busy.assertIdle('a'), isConflict(/in progress/));
  // Another instance is not held up.
  busy.assertIdle('b');

  work.open();
  assert.equal((await ops.wait(op.id, 10_000))?.status, 'succeeded');
  busy.assertIdle('a');
});

test('a failed operation frees the instance too', async () => {
  const { ops, busy } = setup();
  const work = gate();
  const op = busy.start('a', 'instance.create', () => work.promise);
  work.fail(new Error('disk full'));
  assert.equal((await ops.wait(op.id, 10_000))?.status, 'failed');
  busy.assertIdle('a');
});

test('hold keeps out operations while short work runs, and returns its value', async () => {
  const { busy } = setup();
  const work = gate();
  const held = busy.hold('a', 'instance.resize', async () => {
    await work.promise;
    return 42;
  });
  assert.throws(() => busy.start('a', 'instance.start', async () => {}), isConflict(/resize/));
  await assert.rejects(
    busy.hold('a', 'instance.resize', async () => 0),
    isConflict(/resize/),
  );
  work.open();
  assert.equal(await held, 42);
  busy.assertIdle('a');
});
