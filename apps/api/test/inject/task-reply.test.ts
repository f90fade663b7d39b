import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Operation, TaskAccepted, TaskFailed } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe('?sync=true answers as the task ended', () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi();
  });
  after(() => t.close());

  /** The agent's next action operation has already ended this way. */
  const nextActionEnds = (end: Partial<Operation>) => {
    const action = t.agent.action.bind(t.agent);
    t.agent.action = async (...args) => {
      t.agent.action = action;
      const accepted = await action(...args);
      Object.assign(accepted.operation, { finishedAt: new Date().toISOString() }, end);
      return accepted;
    };
  };

  test('a task that succeeded: 200 with it', async () => {
    const ct = t.agent.add({ state: 'stopped' });
    nextActionEnds({ status: 'succeeded', progress: 100, result: ct });
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ct.id}/actions/start?sync=true`,
      headers: await t.as('admin'),
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<TaskAccepted>().task.status, 'succeeded');
  });

  test("a task that failed: its error code's status, with the error and the task", async () => {
    const ct = t.agent.add({ state: 'running' });
    nextActionEnds({
      status: 'failed',
      error: { code: 'insufficient_space', message: 'needs ~23 MB on /var/lib/berth, 8 MB free' },
    });
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ct.id}/actions/suspend?sync=true`,
      headers: await t.as('admin'),
    });
    assert.equal(res.statusCode, 507, res.body);
    const body = res.json<TaskFailed>();
    assert.equal(body.error.code, 'insufficient_space');
    assert.match(body.error.message, /8 MB free/);
    assert.equal(body.task.status, 'failed');
    assert.equal(res.headers.location, `/api/v1/tasks/${body.task.id}`);
  });

  test('without sync: 202 whatever becomes of the task', async () => {
    const ct = t.agent.add({ state: 'running' });
    nextActionEnds({ status: 'failed', error: { code: 'host_error', message: 'lxc-stop failed' } });
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ct.id}/actions/stop`,
      headers: await t.as('admin'),
    });
    assert.equal(res.statusCode, 202, res.body);
  });
});
