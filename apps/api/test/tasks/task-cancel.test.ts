import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task, TaskLog } from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };

describe('cancelling a debian-12 container create mid-way (real agent)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack('taskcancel');
  });
  after(() => stack?.close());

  test('the task ends cancelled and nothing half-made is left: no record, image, mount or loop device', async () => {
    const name = `cancel-${process.pid}`;
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances', {
      template: 'debian-12',
      name,
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const { id } = res.body.task;
    // Cancelled while tar unpacks the template into the mounted disk.
    await until(
      'the unpacking to start',
      async () => {
        const task = (await stack.call<Task>('GET', `/api/v1/tasks/${id}`)).body;
        assert.equal(task.status, 'running', JSON.stringify(task));
        return task.progress >= 36;
      },
      60_000,
      20,
    );
    const cancel = await stack.call<TaskReply>('POST', `/api/v1/tasks/${id}/cancel`);
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    const ended = await waitTask(stack, id);
    assert.equal(ended.status, 'failed');
    assert.equal(ended.error?.code, 'cancelled', JSON.stringify(ended.error));

    const instances = await stack.call<{ items: Instance[] }>('GET', '/api/v1/instances');
    assert.ok(!instances.body.items.some((i) => i.name === name), 'no instance record');
    const agentDir = stack.agent.dataDir;
    const images = path.join(agentDir, 'images');
    const left = existsSync(images) ? execFileSync('ls', ['-A', images]).toString().trim() : '';
    assert.equal(left, '', 'no image');
    const mounts = await readFile('/proc/mounts', 'utf8');
    assert.ok(!mounts.includes(agentDir) && !mounts.includes('berth-mnt'), mounts);
    const loops = execFileSync('losetup', ['-a']).toString();
    assert.ok(!loops.includes(agentDir), loops);
    const lxcDirs = execFileSync('ls', ['-A', path.join(agentDir, 'lxc')])
      .toString()
      .trim();
    assert.equal(lxcDirs, '', 'no LXC folder');

    const log = (await stack.call<TaskLog>('GET', `/api/v1/tasks/${id}/log?limit=1000`)).body;
    const messages = log.items.map((l) => l.message);
    assert.ok(messages.includes('cancel requested'), messages.join('\n'));
    const tar = log.items.find((l) => l.command?.cmd === 'tar');
    assert.ok(tar?.failed, 'tar was stopped');
    assert.match(tar?.command?.stderr ?? '', /cancelled/);
    assert.ok(
      log.items.some((l) => l.command?.cmd === 'umount' && l.command.code === 0),
      'the rollback unmounted the disk',
    );

    const again = await stack.call<{ error: { code: string } }>(
      'POST',
      `/api/v1/tasks/${id}/cancel`,
    );
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'wrong_state');
  });

  test('an agent killed right after a cancel leaves nothing half-made once it is back', async () => {
    const name = `cancelkill-${process.pid}`;
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances', {
      template: 'debian-12',
      name: `${name}`,
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const { id } = res.body.task;
    await until(
      'the unpacking to start',
      async () => (await stack.call<Task>('GET', `/api/v1/tasks/${id}`)).body.progress >= 36,
      60_000,
      20,
    );
    assert.equal((await stack.call('POST', `/api/v1/tasks/${id}/cancel`)).status, 202);
    await stack.restartAgent({ kill: true });
    const ended = await waitTask(stack, id);
    assert.equal(ended.status, 'failed', JSON.stringify(ended));
    const agentDir = stack.agent.dataDir;
    await until(
      'the image to be gone',
      () => {
        const images = path.join(agentDir, 'images');
        return !existsSync(images) || execFileSync('ls', ['-A', images]).toString().trim() === '';
      },
      30_000,
    );
    assert.ok(!(await readFile('/proc/mounts', 'utf8')).includes(agentDir));
    assert.ok(!execFileSync('losetup', ['-a']).toString().includes(agentDir));
    const instances = await stack.call<{ items: Instance[] }>('GET', '/api/v1/instances');
    assert.ok(!instances.body.items.some((i) => i.name === name));
  });

  test('a name freed by a cancelled create can be used again at once', async () => {
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      template: 'busybox',
      name: `cancel-${process.pid}`,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });
});
