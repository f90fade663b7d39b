import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError, ErrorCode } from '@berth/contracts';
import { EventBus } from './events.js';
import { Operations } from './operations.js';
import { runLines } from './run.js';

const intent = { type: 'template.build' as const, template: 'busybox' };

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok(), what);
}

test('a cancel is honoured at the next step boundary, and the work rolls back through its failure path', async () => {
  const ops = new Operations(new EventBus());
  let rolledBack = false;
  let reached = false;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const op = ops.start(
    'template.build',
    'busybox',
    async (_progress, step) => {
      try {
        await step('first');
        reached = true;
        await gate;
        await step('second');
        assert.fail('the second step must not begin');
      } catch (err) {
        rolledBack = true;
        throw err;
      }
    },
    intent,
  );
  await until('the first step', () => reached);
  const asked = ops.cancel(op.id);
  assert.equal(asked.status, 'running');
  release();
  const ended = await ops.wait(op.id, 5000);
  assert.equal(ended?.status, 'failed');
  assert.equal(ended?.error?.code, ErrorCode.cancelled);
  assert.ok(rolledBack);
  const messages = ops.log(op.id).lines.map((l) => l.message);
  assert.ok(messages.includes('cancel requested'));
  assert.ok(!messages.includes('second'));
});

test('a long host command under a cancelled operation is killed with what it started', async () => {
  const ops = new Operations(new EventBus());
  const started = Date.now();
  const op = ops.start(
    'instance.create',
    null,
    () => runLines('sh', ['-c', 'sleep 30 & wait'], () => undefined),
    intent,
  );
  await until('the command to start', () => ops.log(op.id).lines.some((l) => l.command));
  ops.cancel(op.id);
  const ended = await ops.wait(op.id, 10_000);
  assert.ok(Date.now() - started < 5000, 'it did not wait for the command');
  assert.equal(ended?.error?.code, ErrorCode.cancelled);
  const cmd = ops.log(op.id).lines.find((l) => l.command);
  assert.equal(cmd?.failed, true);
  assert.equal(cmd?.command?.timedOut, false);
  assert.match(cmd?.command?.stderr ?? '', /cancelled/);
});

test('work that runs to its end, or has ended, refuses a cancel', async () => {
  const ops = new Operations(new EventBus());
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const stop = ops.start('instance.stop', 'x', () => gate, {
    type: 'instance.action',
    instance: 'x',
  });
  assert.throws(
    () => ops.cancel(stop.id),
    (e: AppError) => e.code === ErrorCode.unsupported,
  );
  release();
  await ops.wait(stop.id, 5000);
  assert.throws(
    () => ops.cancel(stop.id),
    (e: AppError) => e.code === ErrorCode.wrongState,
  );
  assert.throws(
    () => ops.cancel('11111111-1111-4111-8111-111111111111'),
    (e: AppError) => e.code === ErrorCode.notFound,
  );
});
