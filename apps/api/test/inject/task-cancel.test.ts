import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditPage, ErrorBody, TaskAccepted } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe('POST /api/v1/tasks/:id/cancel: who may, which work, audited', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
  });
  after(() => t.close());

  const create = async (headers: Record<string, string>, name: string, tags?: string[]) => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/instances',
      payload: { template: 'busybox', name, ...(tags && { tags }) },
      headers,
    });
    assert.equal(res.statusCode, 202, res.body);
    return res.json<TaskAccepted>().task;
  };
  const cancel = (id: string, headers = admin) =>
    t.inject({ method: 'POST', url: `/api/v1/tasks/${id}/cancel`, headers });
  const opOf = async (taskId: string) =>
    (await t.db.task.findUniqueOrThrow({ where: { id: taskId } })).agentOperationId!;

  test('its starter cancels a running create: 202, the agent is asked, an audit row says so', async () => {
    const task = await create(admin, 'to-cancel');
    const res = await cancel(task.id);
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json<TaskAccepted>().task.id, task.id);
    assert.ok(t.agent.calls.includes(`cancelOperation ${await opOf(task.id)}`));
    const audit = await t.inject({ url: '/api/v1/audit?action=task.cancel', headers: admin });
    const [row] = audit.json<AuditPage>().items;
    assert.equal(row?.targetId, task.id);
    assert.equal(row?.outcome, 'success');
  });

  test('someone else needs instance.power; an auditor who sees the task gets 403', async () => {
    const task = await create(admin, 'not-yours');
    const refused = await cancel(task.id, await t.as('auditor'));
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(refused.json<ErrorBody>().error.message, /instance.power/);
    assert.ok(!t.agent.calls.includes(`cancelOperation ${await opOf(task.id)}`), 'not asked');
    assert.equal((await cancel(task.id, await t.as('operator'))).statusCode, 202);
  });

  test('a user who may not see the task gets 404; one scoped elsewhere cancels only their own', async () => {
    const task = await create(admin, 'hidden');
    const scoped = await t.userWith('scoped-op', [
      { role: 'operator', scope: 'tag', scopeValue: 'elsewhere' },
    ]);
    assert.equal((await cancel(task.id, scoped.headers)).statusCode, 404);
    const own = await create(scoped.headers, 'scoped-own', ['elsewhere']);
    assert.equal((await cancel(own.id, scoped.headers)).statusCode, 202);
  });

  test('work that runs to its end, or has ended, is a 409 and the agent is not asked', async () => {
    const ct = t.agent.add({ state: 'running' });
    const stop = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ct.id}/actions/stop`,
      headers: admin,
    });
    const stopTask = stop.json<TaskAccepted>().task;
    const refused = await cancel(stopTask.id);
    assert.equal(refused.statusCode, 409, refused.body);
    assert.match(refused.json<ErrorBody>().error.message, /instance.stop cannot be cancelled/);
    assert.ok(!t.agent.calls.includes(`cancelOperation ${await opOf(stopTask.id)}`));

    const task = await create(admin, 'ends-first');
    const opId = await opOf(task.id);
    const ended = { ...t.agent.operations.get(opId)!, status: 'succeeded' as const, progress: 100 };
    t.agent.operations.set(opId, ended);
    t.agent.send({ type: 'operation', operation: ended, at: new Date().toISOString() });
    await t.inject({ url: `/api/v1/tasks/${task.id}?wait=true`, headers: admin });
    const late = await cancel(task.id);
    assert.equal(late.statusCode, 409, late.body);
    assert.equal(late.json<ErrorBody>().error.code, 'wrong_state');
  });
});
