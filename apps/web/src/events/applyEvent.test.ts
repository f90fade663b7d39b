import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { QueryClient, QueryObserver, type QueryKey } from '@tanstack/react-query';
import type { ApiEvent, Instance, Task } from '@berth/contracts';
import { hostKeys, instanceKeys, isoKeys, taskKeys, templateKeys } from '../queries/keys';
import { applyEvent } from './applyEvent';
import { parseEvent } from './parseEvent';
import { aTask, anInstance } from './testFixtures';

const AT = '2026-01-01T00:00:01.000Z';
const web1 = anInstance();
const db1 = anInstance({ id: '00000000-0000-4000-8000-000000000002', name: 'db1' });

/** A client holding the instance list and details, with timers under the test's control. */
function setup(t: TestContext) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const qc = new QueryClient();
  qc.setQueryData(instanceKeys.list(), [web1, db1]);
  qc.setQueryData(instanceKeys.detail(web1.id), web1);
  t.after(() => qc.clear());
  return qc;
}

const invalidated = (qc: QueryClient, key: QueryKey) =>
  qc.getQueryState(key)?.isInvalidated ?? false;
const list = (qc: QueryClient) => qc.getQueryData<Instance[]>(instanceKeys.list())!;

test('parseEvent returns an event the contract accepts', () => {
  const event = { type: 'task', task: aTask(), at: AT };
  assert.deepEqual(parseEvent(JSON.stringify(event)), event);
});

test('parseEvent drops and logs what is not JSON, of no known type, or malformed', (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  assert.equal(parseEvent('{not json'), null);
  assert.equal(parseEvent(JSON.stringify({ type: 'instance.renamed', at: AT })), null);
  const badState = {
    type: 'instance.state',
    hostId: 'h',
    instanceId: web1.id,
    state: 'on',
    at: AT,
  };
  assert.equal(parseEvent(JSON.stringify(badState)), null);
  assert.equal(parseEvent(JSON.stringify({ type: 'task', task: { id: 't1' }, at: AT })), null);
  assert.equal(warn.mock.callCount(), 4);
});

test('instance.state patches the list and the detail; a settled state refetches once', (t) => {
  const qc = setup(t);
  const state = (s: Instance['state']): ApiEvent => ({
    type: 'instance.state',
    hostId: 'local',
    instanceId: web1.id,
    state: s,
    at: AT,
  });

  applyEvent(qc, state('starting'));
  assert.equal(list(qc)[0]!.state, 'starting');
  assert.equal(qc.getQueryData<Instance>(instanceKeys.detail(web1.id))!.state, 'starting');
  assert.equal(list(qc)[1]!.state, 'stopped', 'other rows are left alone');
  assert.equal(invalidated(qc, instanceKeys.detail(web1.id)), false, 'starting is not settled');

  applyEvent(qc, state('running'));
  assert.equal(invalidated(qc, instanceKeys.detail(web1.id)), true);
  assert.equal(invalidated(qc, instanceKeys.list()), false, 'the list refresh is coalesced');
  t.mock.timers.tick(400);
  assert.equal(invalidated(qc, instanceKeys.list()), true);
});

test('instance.state clears the uptime of an instance that is no longer running', (t) => {
  const qc = setup(t);
  qc.setQueryData(instanceKeys.list(), [{ ...web1, state: 'running', uptimeSeconds: 60 }]);
  applyEvent(qc, {
    type: 'instance.state',
    hostId: 'local',
    instanceId: web1.id,
    state: 'stopped',
    at: AT,
  });
  assert.equal(list(qc)[0]!.uptimeSeconds, null);
});

test('instance.updated replaces a known instance and appends a new one', (t) => {
  const qc = setup(t);
  const renamed = { ...web1, description: 'front' };
  applyEvent(qc, { type: 'instance.updated', hostId: 'local', instance: renamed, at: AT });
  assert.deepEqual(list(qc), [renamed, db1]);
  assert.deepEqual(qc.getQueryData(instanceKeys.detail(web1.id)), renamed);

  const fresh = anInstance({ id: '00000000-0000-4000-8000-000000000003', name: 'new1' });
  applyEvent(qc, { type: 'instance.updated', hostId: 'local', instance: fresh, at: AT });
  assert.deepEqual(
    list(qc).map((i) => i.name),
    ['web1', 'db1', 'new1'],
  );
});

test('instance.deleted removes the row and has an open detail page refetch', (t) => {
  const qc = setup(t);
  applyEvent(qc, { type: 'instance.deleted', hostId: 'local', instanceId: web1.id, at: AT });
  assert.deepEqual(list(qc), [db1]);
  assert.equal(invalidated(qc, instanceKeys.detail(web1.id)), true);
});

test('a task event lands in its detail and in every task list it belongs to', (t) => {
  const qc = setup(t);
  const older = aTask({ id: 't0', instanceId: db1.id });
  const all = taskKeys.list({ limit: 2 });
  const ofWeb1 = taskKeys.list({ instanceId: web1.id });
  const ofDb1 = taskKeys.list({ instanceId: db1.id });
  qc.setQueryData(all, [older, aTask({ id: 't-1' })]);
  qc.setQueryData(ofWeb1, []);
  qc.setQueryData(ofDb1, [older]);

  const task = aTask({ instanceId: web1.id });
  applyEvent(qc, { type: 'task', task, at: AT });
  assert.deepEqual(qc.getQueryData(taskKeys.detail('t1')), task);
  assert.deepEqual(
    qc.getQueryData<Task[]>(all)!.map((x) => x.id),
    ['t1', 't0'],
    'newest first, cut to the limit',
  );
  assert.deepEqual(qc.getQueryData(ofWeb1), [task]);
  assert.deepEqual(qc.getQueryData(ofDb1), [older], 'not a task of db1');

  const done = { ...task, status: 'succeeded' as const, progress: 100 };
  applyEvent(qc, { type: 'task', task: done, at: AT });
  assert.deepEqual(qc.getQueryData(ofWeb1), [done], 'updated in place');
});

test('finished creates and deletes refresh hosts and the list; builds refresh templates and ISOs', (t) => {
  const qc = setup(t);
  for (const key of [hostKeys.list(), templateKeys.list(), isoKeys.list()])
    qc.setQueryData(key, []);

  applyEvent(qc, { type: 'task', task: aTask({ kind: 'instance.create' }), at: AT });
  assert.equal(invalidated(qc, hostKeys.list()), false, 'not finished yet');
  applyEvent(qc, {
    type: 'task',
    task: aTask({ kind: 'instance.create', status: 'succeeded', progress: 100 }),
    at: AT,
  });
  assert.equal(invalidated(qc, hostKeys.list()), true);
  t.mock.timers.tick(400);
  assert.equal(invalidated(qc, instanceKeys.list()), true);

  const build = aTask({ id: 'b1', kind: 'template.build', progress: 50 });
  applyEvent(qc, { type: 'task', task: build, at: AT });
  assert.equal(invalidated(qc, templateKeys.list()), false, 'halfway changes nothing');
  applyEvent(qc, { type: 'task', task: { ...build, status: 'succeeded', progress: 100 }, at: AT });
  assert.equal(invalidated(qc, templateKeys.list()), true);
  assert.equal(invalidated(qc, isoKeys.list()), true);
});

test('host.status refreshes the hosts', (t) => {
  const qc = setup(t);
  qc.setQueryData(hostKeys.list(), []);
  applyEvent(qc, { type: 'host.status', hostId: 'local', status: 'offline', at: AT });
  assert.equal(invalidated(qc, hostKeys.list()), true);
});

test('a task list answer read before the task ended does not land over its end', async (t) => {
  const qc = new QueryClient();
  t.after(() => qc.clear());
  const running = aTask({ instanceId: web1.id, status: 'running' });
  const done = { ...running, status: 'succeeded' as const, progress: 100 };
  const key = taskKeys.list({ instanceId: web1.id });
  // The server's answers: the first was read while the task ran and arrives late.
  const answers: Array<(tasks: Task[]) => void> = [];
  const observer = new QueryObserver<Task[]>(qc, {
    queryKey: key,
    queryFn: () => new Promise<Task[]>((resolve) => answers.push(resolve)),
  });
  const unsubscribe = observer.subscribe(() => {});
  t.after(unsubscribe);
  await until(() => answers.length === 1);

  applyEvent(qc, { type: 'task', task: done, at: AT });
  answers[0]!([running]);
  await until(() => answers.length === 2);
  answers[1]!([done]);
  await until(() => qc.getQueryState(key)?.fetchStatus === 'idle');
  assert.deepEqual(qc.getQueryData(key), [done]);
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(check(), 'condition not met');
}
