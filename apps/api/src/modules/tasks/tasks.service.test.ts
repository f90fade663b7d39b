import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { PrismaClient } from '@berth/db';
import {
  AppError,
  ErrorCode,
  unavailable,
  type ApiEvent,
  type Operation,
  type OperationLog,
  type Task,
} from '@berth/contracts';
import { fakeOperation } from '../../../test/inject/fake-agent.js';
import { openTestDatabase } from '../../../test/test-db.js';
import { until } from '../../../test/wait.js';
import { Tasks, type OperationSource } from './tasks.service.js';

const op = fakeOperation;

/** One host whose agent knows the operations in `known` and reports changes through `emit`. */
function fakeHost() {
  const known = new Map<string, Operation>();
  const logs = new Map<string, OperationLog>();
  let emit: (hostId: string, op: Operation) => void = () => undefined;
  let connected: (hostId: string) => void = () => undefined;
  const source: OperationSource = {
    handleOperations: (fn) => (emit = fn),
    handleConnect: (fn) => (connected = fn),
    client: () => ({
      operation: async (id) => {
        const found = known.get(id);
        if (!found) throw new AppError(ErrorCode.notFound, `operation ${id} not found`);
        return found;
      },
      cancelOperation: async (id) => {
        const found = known.get(id);
        if (!found) throw new AppError(ErrorCode.notFound, `operation ${id} not found`);
        return { operation: found };
      },
      operationLog: async (id) => {
        const found = logs.get(id);
        if (!found) throw new AppError(ErrorCode.notFound, `operation ${id} not found`);
        return found;
      },
    }),
  };
  return {
    source,
    known,
    logs,
    emit: (o: Operation) => emit('h1', o),
    connected: () => connected('h1'),
  };
}

let db: PrismaClient;
let closeDb: () => Promise<void>;
let host: ReturnType<typeof fakeHost>;
let published: ApiEvent[];
let settled: Array<[string, string, string | undefined]>;
let tasks: Tasks;
const ctx = { kind: 'instance.start', hostId: 'h1', instanceId: null, userId: null };

beforeEach(async () => {
  ({ db, close: closeDb } = await openTestDatabase());
  host = fakeHost();
  published = [];
  settled = [];
  tasks = new Tasks(
    db,
    host.source,
    { publish: (e) => published.push(e) },
    { settleTask: async (id, outcome, error) => void settled.push([id, outcome, error]) },
  );
});
afterEach(() => closeDb());

/** The database with one write of the task table failing, while `full()`, the way the guarded client does on a full disk. */
function refusingWrites(real: PrismaClient, method: 'create' | 'update', full: () => boolean) {
  return new Proxy(real, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key !== 'task') return value;
      return new Proxy(value as object, {
        get(table, name, r) {
          const fn = Reflect.get(table, name, r) as (...a: unknown[]) => unknown;
          if (name !== method) return fn;
          return (...args: unknown[]) =>
            full()
              ? Promise.reject(
                  unavailable('the database cannot be written: disk full (SQLITE_FULL)'),
                )
              : fn.apply(table, args);
        },
      });
    },
  });
}

const taskEvents = () =>
  published.flatMap((e) => (e.type === 'task' ? [[e.task.status, e.task.progress] as const] : []));

test('a tracked operation catches up with what the agent did before the row existed', async () => {
  const accepted = op();
  host.known.set(accepted.id, { ...accepted, progress: 40, message: 'unpacking' });
  const task = await tasks.track(ctx, async () => ({ operation: accepted }));
  assert.equal(task.status, 'running');
  assert.equal(task.progress, 40);
  assert.equal(task.message, 'unpacking');
});

test('progress never runs backwards, and the end is applied once and settles the audit row', async () => {
  const accepted = op();
  const task = await tasks.track(ctx, async () => ({ operation: accepted }));
  const waited = tasks.wait(task.id, 5000);
  host.emit({ ...accepted, progress: 60, message: 'copying' });
  host.emit({ ...accepted, progress: 30, message: 'copying' });
  host.emit({ ...accepted, status: 'succeeded', progress: 100, result: { ok: true } });
  host.emit({ ...accepted, status: 'failed', error: { code: 'late', message: 'too late' } });
  const done: Task = await waited;
  assert.equal(done.status, 'succeeded');
  assert.deepEqual(done.result, { ok: true });
  const events = taskEvents();
  const progress = events.map(([, p]) => p);
  assert.deepEqual(
    progress,
    [...progress].sort((x, y) => x - y),
    `in order: ${progress}`,
  );
  assert.ok(!progress.includes(30));
  assert.deepEqual(events.at(-1), ['succeeded', 100]);
  assert.equal(events.filter(([s]) => s !== 'running').length, 1, 'finished once');
  assert.deepEqual(settled, [[task.id, 'success', undefined]]);
});

test('a failed operation fails its task with the agent’s error', async () => {
  const accepted = op();
  const task = await tasks.track(ctx, async () => ({ operation: accepted }));
  host.emit({ ...accepted, status: 'failed', error: { code: 'host_error', message: 'no disk' } });
  const done = await tasks.wait(task.id, 5000);
  assert.equal(done.status, 'failed');
  assert.deepEqual(done.error, { code: 'host_error', message: 'no disk' });
  assert.deepEqual(settled, [[task.id, 'failure', 'no disk']]);
});

test('a known failure is stored with its cause and fix, in the task and its audit row', async () => {
  const accepted = op();
  const task = await tasks.track(ctx, async () => ({ operation: accepted }));
  const message = 'tar exited 2: Cannot write: No space left on device';
  host.emit({ ...accepted, status: 'failed', error: { code: 'host_error', message } });
  const done = await tasks.wait(task.id, 5000);
  assert.match(done.error!.message, /^tar exited 2: .*Cause: the disk is full.*Fix: free space/);
  assert.equal(settled[0]?.[2], done.error!.message);
});

test('wait answers with the running task when the time is up', async () => {
  const task = await tasks.track(ctx, async () => ({ operation: op() }));
  const waited = await tasks.wait(task.id, 20);
  assert.equal(waited.status, 'running');
});

test('on reconnect, missed ends are caught up and operations the agent forgot are lost', async () => {
  const finished = op();
  const forgotten = op();
  host.known.set(finished.id, finished);
  host.known.set(forgotten.id, forgotten);
  const a = await tasks.track(ctx, async () => ({ operation: finished }));
  const b = await tasks.track(ctx, async () => ({ operation: forgotten }));
  // The stream was down: the end of one was never sent, the agent restarted and forgot the other.
  host.known.set(finished.id, { ...finished, status: 'succeeded', progress: 100 });
  host.known.delete(forgotten.id);
  await tasks.reconcile('h1');
  assert.equal((await tasks.get(a.id)).status, 'succeeded');
  const lost = await tasks.get(b.id);
  assert.equal(lost.status, 'failed');
  assert.equal(lost.error?.code, 'lost');
});

test('an unknown task is a not_found AppError', async () => {
  await assert.rejects(tasks.get('nope'), (err: AppError) => err.code === ErrorCode.notFound);
});

test('an end the database could not save is saved once it can write again, with no unhandled rejection', async () => {
  let full = false;
  const flaky = refusingWrites(db, 'update', () => full);
  const warnings: string[] = [];
  tasks = new Tasks(
    flaky,
    host.source,
    { publish: (e) => published.push(e) },
    { settleTask: async () => undefined },
    { warn: (_o: unknown, msg?: string) => void warnings.push(msg ?? ''), error: () => undefined },
  );
  const accepted = op();
  host.known.set(accepted.id, accepted);
  const task = await tasks.track(ctx, async () => ({ operation: accepted }));
  full = true;
  const done = { ...accepted, status: 'succeeded' as const, progress: 100 };
  host.known.set(accepted.id, done);
  host.emit(done);
  await until('the failed save to be noticed', () => warnings.length > 0, 2_000, 20);
  assert.equal((await tasks.get(task.id)).status, 'running');

  full = false;
  await until(
    'the task to be caught up',
    async () => (await tasks.get(task.id)).status === 'succeeded',
    10_000,
    100,
  );
  tasks.close();
});

test('a database that cannot write refuses the task before the agent is asked', async () => {
  tasks = new Tasks(
    refusingWrites(db, 'create', () => true),
    host.source,
    { publish: (e) => published.push(e) },
    { settleTask: async () => undefined },
  );
  let asked = false;
  await assert.rejects(
    tasks.track(ctx, async () => {
      asked = true;
      return { operation: op() };
    }),
    (err: AppError) => err.code === ErrorCode.unavailable,
  );
  assert.equal(asked, false);
});

test('an agent that refuses the work leaves no task behind', async () => {
  await assert.rejects(
    tasks.track(ctx, async () => {
      throw new AppError(ErrorCode.wrongState, 'it is running already');
    }),
    (err: AppError) => err.code === ErrorCode.wrongState,
  );
  assert.equal(await db.task.count(), 0);
  assert.deepEqual(published, []);
});

const logLine = (seq: number, over: Partial<OperationLog['lines'][number]> = {}) => ({
  seq,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  type: 'command' as const,
  message: `cmd ${seq}`,
  progress: null,
  command: { cmd: 'cmd', args: [String(seq)], code: 0, timedOut: false, ms: 3, stderr: '' },
  failed: false,
  ...over,
});

test('a task keeps its operation’s log when it ends, and pages it by seq', async () => {
  const accepted = op();
  host.known.set(accepted.id, accepted);
  const lines = Array.from({ length: 25 }, (_, i) => logLine(i));
  lines[24] = logLine(24, {
    failed: true,
    command: { cmd: 'mkfs.ext4', args: ['-q'], code: 1, timedOut: false, ms: 9, stderr: 'no' },
  });
  host.logs.set(accepted.id, { operationId: accepted.id, lines });
  const task = await tasks.track(ctx, async () => ({ operation: accepted }));

  const live = await tasks.logOf(task.id, { limit: 10 });
  assert.equal(live.live, true, 'a running task’s log is its agent’s');
  assert.equal(live.items.length, 10);
  assert.equal(live.nextAfter, 9);

  host.emit({ ...accepted, status: 'failed', error: { code: 'host_error', message: 'mkfs' } });
  await tasks.wait(task.id, 5000);
  host.logs.delete(accepted.id);

  const pages: number[][] = [];
  let after: number | undefined;
  for (;;) {
    const page = await tasks.logOf(task.id, { limit: 10, ...(after !== undefined && { after }) });
    assert.equal(page.live, false);
    pages.push(page.items.map((l) => l.seq));
    if (page.nextAfter === null) break;
    after = page.nextAfter;
  }
  assert.deepEqual(
    pages.flat(),
    lines.map((l) => l.seq),
  );
  assert.equal(pages.length, 3);
  const last = (await tasks.logOf(task.id, { after: 23, limit: 10 })).items[0];
  assert.deepEqual(last, lines[24]);
});

test('a task whose agent lost the operation ends without a log', async () => {
  const accepted = op();
  host.known.set(accepted.id, accepted);
  const task = await tasks.track(ctx, async () => ({ operation: accepted }));
  host.known.delete(accepted.id);
  await tasks.reconcile('h1');
  assert.equal((await tasks.get(task.id)).error?.code, 'lost');
  assert.deepEqual(await tasks.logOf(task.id, { limit: 10 }), {
    items: [],
    nextAfter: null,
    live: false,
  });
});
