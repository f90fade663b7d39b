import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Instance, OperationLogLine, Task, TaskLog } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';

type TaskReply = { task: Task };

describe('every task keeps its full log (real agent)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack('tasklog');
  });
  after(() => stack?.close());

  const logOf = async (taskId: string): Promise<OperationLogLine[]> => {
    const res = await stack.call<TaskLog>('GET', `/api/v1/tasks/${taskId}/log?limit=1000`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.live, false);
    assert.equal(res.body.nextAfter, null);
    return res.body.items;
  };
  const commands = (lines: OperationLogLine[]) => lines.filter((l) => l.command);

  test('a container create logs its steps and the host commands it ran, with exit codes and times', async () => {
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      template: 'busybox',
      name: `log-${process.pid}`,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const ct = res.body.task.result as Instance;
    const lines = await logOf(res.body.task.id);
    assert.deepEqual(
      lines.map((l) => l.seq),
      lines.map((_, i) => i),
    );
    assert.match(lines[0]?.message ?? '', /^instance\.create .* started$/);
    assert.match(lines.at(-1)?.message ?? '', /^succeeded in \d+\.\d s$/);
    const steps = lines.filter((l) => l.type === 'step').map((l) => l.message);
    assert.deepEqual(
      steps.filter((s) => s.startsWith('ct.create.')),
      ['ct.create.image', 'ct.create.unpack', 'ct.create.shift', 'ct.create.config'],
    );
    assert.ok(lines.some((l) => l.type === 'progress' && l.message === 'unpacking the template'));
    const mkfs = commands(lines).find((l) => l.command?.cmd === 'mkfs.ext4');
    assert.ok(mkfs, JSON.stringify(lines.map((l) => l.message)));
    assert.equal(mkfs.command?.code, 0);
    assert.equal(mkfs.failed, false);
    assert.ok(mkfs.command!.args.includes('berth-root'));
    for (const cmd of ['mount', 'tar', 'umount'])
      assert.ok(
        commands(lines).some((l) => l.command?.cmd === cmd && l.command.code === 0),
        `${cmd} in the log`,
      );
    for (const l of commands(lines))
      assert.ok(l.command!.ms >= 0 && Number.isInteger(l.command!.ms));

    const start = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${ct.id}/actions/start?sync=true`,
    );
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const started = commands(await logOf(start.body.task.id));
    const lxcStart = started.find((l) => l.command?.cmd === 'lxc-start');
    assert.ok(lxcStart, JSON.stringify(started.map((l) => l.message)));
    assert.equal(lxcStart.command?.code, 0);
    await stack.call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
  });

  test('a failed create logs the failing command with its stderr, and the rollback after it', async () => {
    // 1,024 inodes cannot hold debian-12's ~8,500 files: tar fails on the real disk.
    const res = await stack.call<{ task: Task }>('POST', '/api/v1/instances?sync=true', {
      template: 'debian-12',
      name: `logfail-${process.pid}`,
      limits: { disk: { inodes: 1024 } },
    });
    assert.notEqual(res.status, 200, JSON.stringify(res.body));
    const task = res.body.task;
    assert.equal(task.status, 'failed');
    const lines = await logOf(task.id);
    const failed = lines.filter((l) => l.failed && l.command);
    const tar = failed.find((l) => l.command?.cmd === 'tar');
    assert.ok(tar, JSON.stringify(lines.map((l) => `${l.message} ${l.command?.code}`)));
    assert.notEqual(tar.command?.code, 0);
    assert.match(tar.command?.stderr ?? '', /No space left on device/);
    assert.ok((tar.command?.stderr.length ?? 0) <= 4097);
    const after = lines.slice(lines.indexOf(tar) + 1);
    assert.ok(
      after.some((l) => l.command?.cmd === 'umount' && l.command.code === 0),
      'the rollback unmounts after the failure',
    );
    assert.match(lines.at(-1)?.message ?? '', /^failed after/);
    assert.equal(lines.at(-1)?.failed, true);

    const text = await fetch(`${stack.baseUrl}/api/v1/tasks/${task.id}/log/download`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    assert.equal(text.status, 200);
    const body = await text.text();
    assert.match(body, /status: failed/);
    assert.match(body, /\$ tar .*\(exit \d+, \d+ ms\)/);
    assert.match(body, /No space left on device/);
    const instances = await stack.call<{ items: Instance[] }>('GET', '/api/v1/instances');
    assert.ok(!instances.body.items.some((i) => i.name === `logfail-${process.pid}`));
  });
});
