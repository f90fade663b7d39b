import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task } from '@berth/contracts';
import { startStack, waitTask, type Stack } from './harness.js';
import { until } from './wait.js';

type TaskReply = { task: Task };

describe('resilience: agent restarts and concurrent requests', () => {
  let stack: Stack;
  let ct: Instance;

  before(async () => {
    stack = await startStack('resil');
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      template: 'busybox',
      name: 'survivor',
    });
    assert.equal(res.body.task.status, 'succeeded');
    ct = res.body.task.result as Instance;
  });
  after(async () => stack?.close());

  const lxcState = () =>
    execFileSync(
      'lxc-info',
      ['-P', path.join(stack.agent.dataDir, 'lxc'), '-n', String(ct.ctid), '-s', '-H'],
      { encoding: 'utf8' },
    ).trim();

  test('two concurrent starts: both answered sanely, exactly one start', async () => {
    const [a, b] = await Promise.all([
      stack.call<TaskReply & { error?: { code: string } }>(
        'POST',
        `/api/v1/instances/${ct.id}/actions/start`,
      ),
      stack.call<TaskReply & { error?: { code: string } }>(
        'POST',
        `/api/v1/instances/${ct.id}/actions/start`,
      ),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.ok(statuses[0] === 202, `one start accepted: ${statuses}`);
    const outcomes: string[] = [];
    for (const r of [a, b]) {
      if (r.status === 202) outcomes.push((await waitTask(stack, r.body.task.id)).status);
      else {
        assert.equal(r.status, 409, JSON.stringify(r.body));
        assert.ok(['conflict', 'wrong_state'].includes(r.body.error!.code));
        outcomes.push('refused');
      }
    }
    assert.equal(outcomes.filter((o) => o === 'succeeded').length, 1, `outcomes: ${outcomes}`);
    assert.equal(lxcState(), 'RUNNING');
  });

  test('restarting the agent never stops a container, and the new agent rediscovers it', async () => {
    const pid = execFileSync(
      'lxc-info',
      ['-P', path.join(stack.agent.dataDir, 'lxc'), '-n', String(ct.ctid), '-p', '-H'],
      { encoding: 'utf8' },
    ).trim();
    await stack.restartAgent();
    assert.equal(lxcState(), 'RUNNING');
    const pidAfter = execFileSync(
      'lxc-info',
      ['-P', path.join(stack.agent.dataDir, 'lxc'), '-n', String(ct.ctid), '-p', '-H'],
      { encoding: 'utf8' },
    ).trim();
    assert.equal(pidAfter, pid, 'same init process');
    const seen = await stack.call<Instance>('GET', `/api/v1/instances/${ct.id}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.state, 'running');
    assert.equal(seen.body.name, 'survivor');
    const out = await stack.call<{ stdout: string }>('POST', `/api/v1/instances/${ct.id}/exec`, {
      command: ['cat', '/etc/hostname'],
    });
    assert.equal(out.body.stdout.trim(), 'survivor');
  });

  test('after the restart the API follows the new agent: a stop is tracked to the end', async () => {
    // The API reconnects to the agent's event stream on its own; the task must still finish.
    const res = await stack.call<TaskReply>('POST', `/api/v1/instances/${ct.id}/actions/stop`);
    assert.equal(res.status, 202);
    const task = await waitTask(stack, res.body.task.id);
    assert.equal(task.status, 'succeeded');
    assert.equal(lxcState(), 'STOPPED');
  });

  test('a container stopped from inside is seen as stopped', async () => {
    const start = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${ct.id}/actions/start?sync=true`,
    );
    assert.equal(start.body.task.status, 'succeeded');
    await stack.call('POST', `/api/v1/instances/${ct.id}/exec`, { command: ['poweroff'] });
    const state = () =>
      stack.call<Instance>('GET', `/api/v1/instances/${ct.id}`).then((r) => r.body.state);
    await until(
      'the container to be seen as stopped',
      async () => (await state()) === 'stopped',
      20_000,
      200,
    );
    assert.equal(await state(), 'stopped');
  });
});
