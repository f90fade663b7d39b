import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Task } from '@berth/contracts';
import { TaskFailedError, TaskWatchers, runTask, runTaskToEnd } from './taskWatchers';
import { aTask } from './testFixtures';

/** What the callbacks saw, as "event:status:progress" lines. */
function recorder() {
  const seen: string[] = [];
  const line = (what: string) => (t: Task) => seen.push(`${what}:${t.status}:${t.progress}`);
  return {
    seen,
    cb: { onProgress: line('progress'), onSuccess: line('success'), onFailure: line('failure') },
  };
}

test('progress and the end reach the callbacks of a bound task', () => {
  const w = new TaskWatchers();
  const r = recorder();
  w.begin().bind(aTask(), r.cb);
  w.feed(aTask({ progress: 50 }));
  w.feed(aTask({ status: 'succeeded', progress: 100 }));
  assert.deepEqual(r.seen, [
    'progress:running:0',
    'progress:running:50',
    'progress:succeeded:100',
    'success:succeeded:100',
  ]);
  assert.deepEqual(w.pending(), []);
});

test('a task that ends before its 202 answer is bound still fires its end', () => {
  const w = new TaskWatchers();
  const r = recorder();
  const rec = w.begin();
  w.feed(aTask({ status: 'failed', progress: 30, error: { code: 'x', message: 'boom' } }));
  rec.bind(aTask({ status: 'queued' }), r.cb);
  assert.deepEqual(r.seen, ['progress:failed:30', 'failure:failed:30']);
  assert.deepEqual(w.pending(), [], 'nothing is left to wait for');
});

test('a late, older view does not move a task backwards', () => {
  const w = new TaskWatchers();
  const r = recorder();
  const rec = w.begin();
  w.feed(aTask({ progress: 60 }));
  rec.bind(aTask({ progress: 10 }), r.cb);
  assert.deepEqual(r.seen, ['progress:running:60']);
  assert.deepEqual(w.pending(), ['t1']);
});

test('events of other tasks and of cancelled recorders are not delivered', () => {
  const w = new TaskWatchers();
  const r = recorder();
  const cancelled = w.begin();
  cancelled.cancel();
  w.begin().bind(aTask(), r.cb);
  w.feed(aTask({ id: 't2', status: 'succeeded', progress: 100 }));
  assert.deepEqual(r.seen, ['progress:running:0']);
});

/** Lets the 202 answer arrive and be bound, so the events below come after it. */
async function bound(w: TaskWatchers, id: string) {
  while (!w.pending().includes(id)) await Promise.resolve();
}

test('runTask binds the accepted task and passes a refusal on', async () => {
  const w = new TaskWatchers();
  const r = recorder();
  const task = await runTask(async () => ({ task: aTask() }), r.cb, w);
  assert.equal(task.id, 't1');
  assert.deepEqual(w.pending(), ['t1']);

  await assert.rejects(
    runTask(() => Promise.reject(new Error('409')), {}, w),
    /409/,
  );
  assert.deepEqual(w.pending(), ['t1']);
});

test('runTaskToEnd resolves with the finished task and rejects with the failed one', async () => {
  const w = new TaskWatchers();
  const progress: number[] = [];
  const done = runTaskToEnd(
    async () => ({ task: aTask() }),
    (t) => progress.push(t.progress),
    w,
  );
  await bound(w, 't1');
  w.feed(aTask({ progress: 40 }));
  w.feed(aTask({ status: 'succeeded', progress: 100 }));
  assert.equal((await done).status, 'succeeded');
  assert.deepEqual(progress, [0, 40, 100]);

  const failing = runTaskToEnd(async () => ({ task: aTask({ id: 't2' }) }), undefined, w);
  await bound(w, 't2');
  w.feed(aTask({ id: 't2', status: 'failed', error: { code: 'busy', message: 'no room' } }));
  await assert.rejects(failing, (e: unknown) => {
    assert.ok(e instanceof TaskFailedError);
    assert.equal(e.message, 'no room');
    return true;
  });
});
