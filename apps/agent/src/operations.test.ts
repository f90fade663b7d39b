import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, conflict, type AgentEvent, type Operation } from '@berth/contracts';
import { EventBus } from './events.js';
import { Operations } from './operations.js';

/** A promise the test settles by hand, so work ends exactly when the test says. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (err: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

function setup() {
  const events = new EventBus();
  const seen: Operation[] = [];
  events.subscribe((e: AgentEvent) => {
    if (e.type === 'operation') seen.push(e.operation);
  });
  return { ops: new Operations(events), seen };
}

test('an operation runs, reports progress and ends with its result', async () => {
  const { ops, seen } = setup();
  const work = gate<string>();
  const op = ops.start('template.build', 'busybox', async (progress) => {
    progress(40.4, 'halfway');
    // Progress never goes back, and 100 is kept for the end.
    progress(10, 'going back');
    progress(250, 'overshoot');
    return work.promise;
  });
  assert.equal(op.status, 'running');
  assert.equal(op.target, 'busybox');

  const running = await ops.wait(op.id, 0);
  assert.equal(running?.status, 'running');

  work.open('done');
  const finished = await ops.wait(op.id, 10_000);
  assert.equal(finished?.status, 'succeeded');
  assert.equal(finished?.progress, 100);
  assert.equal(finished?.result, 'done');
  assert.ok(finished?.finishedAt);

  assert.deepEqual(
    seen.map((o) => [o.status, o.progress]),
    [
      ['running', 0],
      ['running', 40],
      ['running', 40],
      ['running', 99],
      ['succeeded', 100],
    ],
  );
  assert.deepEqual(
    ops.list().map((o) => o.id),
    [op.id],
  );
});

test('a failure keeps the error code of an AppError, and is internal otherwise', async () => {
  const { ops } = setup();
  const known = ops.start('instance.start', null, () => Promise.reject(conflict('busy')));
  const unknown = ops.start('instance.stop', null, () => Promise.reject(new Error('boom')));
  assert.deepEqual((await ops.wait(known.id, 10_000))?.error, {
    code: ErrorCode.conflict,
    message: 'busy',
  });
  assert.deepEqual((await ops.wait(unknown.id, 10_000))?.error, {
    code: ErrorCode.internal,
    message: 'boom',
  });
});

test('progress after the end is ignored, and callers get copies', async () => {
  const { ops } = setup();
  let late: ((p: number, m: string) => void) | undefined;
  const op = ops.start('instance.create', null, async (progress) => {
    late = progress;
  });
  await ops.wait(op.id, 10_000);
  late?.(50, 'too late');
  const after = ops.get(op.id);
  assert.equal(after?.progress, 100);
  assert.equal(after?.message, null);
  if (after) after.status = 'failed';
  assert.equal(ops.get(op.id)?.status, 'succeeded');
});

test('an unknown operation is undefined, waited on or not', async () => {
  const { ops } = setup();
  assert.equal(ops.get('nope'), undefined);
  assert.equal(await ops.wait('nope', 10), undefined);
});
