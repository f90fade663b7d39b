import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task } from '@berth/contracts';
import { collectEvents, startStack, type Stack } from './harness.js';

type TaskReply = { task: Task };

const exec = async (stack: Stack, id: string, command: string[]) => {
  const res = await stack.call<{ exitCode: number; stdout: string; stderr: string }>(
    'POST',
    `/api/v1/instances/${id}/exec`,
    { command },
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

const act = async (stack: Stack, id: string, action: string) => {
  const res = await stack.call<TaskReply>(
    'POST',
    `/api/v1/instances/${id}/actions/${action}?sync=true`,
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
  return res.body.task;
};

const getInstance = async (stack: Stack, id: string) =>
  (await stack.call<Instance>('GET', `/api/v1/instances/${id}`)).body;

/**
 * The instance as the list shows it: the list reads every container's state from one lxc-ls of
 * the active ones (a stopped one is absent from it), where a get asks lxc-info.
 */
const listed = async (stack: Stack, id: string) =>
  (await stack.call<{ items: Instance[] }>('GET', '/api/v1/instances')).body.items.find(
    (i) => i.id === id,
  );

for (const template of ['busybox', 'debian-12'] as const) {
  describe(`a ${template} container through the API, on real LXC`, () => {
    let stack: Stack;
    let events: ReturnType<typeof collectEvents>;
    let ct: Instance;
    const name = `${template.replace(/[^a-z]/g, '')}-${process.pid}`;

    before(async () => {
      stack = await startStack(template === 'busybox' ? 'ctbb' : 'ctdeb');
      events = collectEvents(stack);
    });
    after(async () => {
      events?.stop();
      await stack?.close();
    });

    test('create answers 202 with a task that finishes with the new container', async () => {
      const res = await stack.call<TaskReply>('POST', '/api/v1/instances', {
        template,
        name,
        hostname: `${name}.example.test`,
        rootPassword: 'correct horse battery',
        dns: ['192.0.2.53'],
        diskSizeMiB: 600,
        description: 'made by the test suite',
        tags: ['test', template],
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const done = await stack.call<Task>('GET', `/api/v1/tasks/${res.body.task.id}?wait=true`);
      // A cold debian-12 cache is built inside the create; the long-poll may need a second round.
      let task = done.body;
      while (task.status === 'running')
        task = (await stack.call<Task>('GET', `/api/v1/tasks/${task.id}?wait=true`)).body;
      assert.equal(task.status, 'succeeded', JSON.stringify(task.error));
      assert.equal(task.progress, 100);
      ct = task.result as Instance;
      assert.equal(ct.state, 'stopped');
      assert.ok(ct.ctid !== null && ct.ctid >= 101);
      assert.equal(ct.diskSizeBytes, 600 * 1024 * 1024);
      assert.deepEqual(ct.tags, ['test', template]);
      await events.waitFor(
        (e) => e.type === 'task' && e.task.id === task.id && e.task.status === 'succeeded',
      );
    });

    test('start: running, with its address, reported live on the event stream', async () => {
      await act(stack, ct.id, 'start');
      const live = await getInstance(stack, ct.id);
      assert.equal(live.state, 'running');
      assert.notEqual(live.uptimeSeconds, null);
      const row = await listed(stack, ct.id);
      assert.equal(row?.state, 'running');
      assert.notEqual(row?.uptimeSeconds, null);
      await events.waitFor(
        (e) => e.type === 'instance.state' && e.instanceId === ct.id && e.state === 'running',
      );
    });

    test('commands run inside: hostname, address, DNS, root password', async () => {
      assert.equal(
        (await exec(stack, ct.id, ['cat', '/etc/hostname'])).stdout.trim(),
        `${name}.example.test`,
      );
      const ip = ct.ips[0] as string;
      const addr = await exec(stack, ct.id, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
      assert.match(addr.stdout, new RegExp(`inet ${ip.replace(/\./g, '\\.')}/24`));
      assert.match(
        (await exec(stack, ct.id, ['cat', '/etc/resolv.conf'])).stdout,
        /nameserver 192\.0\.2\.53/,
      );
      assert.match((await exec(stack, ct.id, ['cat', '/etc/shadow'])).stdout, /^root:\$6\$/m);
      const failing = await exec(stack, ct.id, ['sh', '-c', 'echo oops >&2; exit 3']);
      assert.equal(failing.exitCode, 3);
      assert.equal(failing.stderr, 'oops\n');
    });

    test('the disk is the size asked for, and grows', async () => {
      const kib = async () => {
        const df = await exec(stack, ct.id, ['df', '-k', '/']);
        return Number(df.stdout.trim().split('\n').pop()!.trim().split(/\s+/)[1]);
      };
      const before = await kib();
      assert.ok(before > 500 * 1024 && before <= 600 * 1024, `df says ${before} KiB`);
      // Growing a running container's disk needs CAP_SYS_RESOURCE; stop first so it works on any host.
      await act(stack, ct.id, 'stop');
      const grown = await stack.call<Instance>('PATCH', `/api/v1/instances/${ct.id}`, {
        diskSizeMiB: 800,
      });
      assert.equal(grown.status, 200, JSON.stringify(grown.body));
      assert.equal(grown.body.diskSizeBytes, 800 * 1024 * 1024);
      await act(stack, ct.id, 'start');
      const after = await kib();
      assert.ok(after > before + 150 * 1024, `df grew from ${before} to ${after} KiB`);
    });

    test('suspend freezes and resume thaws it, processes intact', async () => {
      const pidBefore = (await exec(stack, ct.id, ['cat', '/proc/1/stat'])).stdout.split(' ')[21];
      await act(stack, ct.id, 'suspend');
      assert.equal((await getInstance(stack, ct.id)).state, 'frozen');
      assert.equal((await listed(stack, ct.id))?.state, 'frozen');
      const refused = await stack.call<{ error: { message: string } }>(
        'POST',
        `/api/v1/instances/${ct.id}/exec`,
        { command: ['true'] },
      );
      assert.equal(refused.status, 409);
      await act(stack, ct.id, 'resume');
      assert.equal((await getInstance(stack, ct.id)).state, 'running');
      const pidAfter = (await exec(stack, ct.id, ['cat', '/proc/1/stat'])).stdout.split(' ')[21];
      assert.equal(pidAfter, pidBefore, 'init kept running: same start time');
    });

    test('description and tags are editable', async () => {
      const res = await stack.call<Instance>('PATCH', `/api/v1/instances/${ct.id}`, {
        description: 'edited',
        tags: ['a', 'b'],
      });
      assert.equal(res.status, 200);
      const again = await getInstance(stack, ct.id);
      assert.equal(again.description, 'edited');
      assert.deepEqual(again.tags, ['a', 'b']);
    });

    test('restart, stop, then delete removes every trace', async () => {
      await act(stack, ct.id, 'restart');
      assert.equal((await getInstance(stack, ct.id)).state, 'running');
      await act(stack, ct.id, 'stop');
      assert.equal((await getInstance(stack, ct.id)).state, 'stopped');
      assert.equal((await listed(stack, ct.id))?.state, 'stopped');
      const del = await stack.call<TaskReply>('DELETE', `/api/v1/instances/${ct.id}?sync=true`);
      assert.equal(del.body.task.status, 'succeeded');
      assert.equal((await stack.call('GET', `/api/v1/instances/${ct.id}`)).status, 404);
      assert.equal(existsSync(path.join(stack.agent.dataDir, 'lxc', String(ct.ctid))), false);
      assert.equal(existsSync(path.join(stack.agent.dataDir, 'images', `${ct.ctid}.img`)), false);
      await events.waitFor((e) => e.type === 'instance.deleted' && e.instanceId === ct.id);
      const audit = await stack.call<{
        items: Array<{ action: string; outcome: string; targetId: string | null }>;
      }>('GET', '/api/v1/audit');
      for (const action of [
        'instance.create',
        'instance.start',
        'instance.suspend',
        'instance.resume',
        'instance.update',
        'instance.exec',
        'instance.delete',
      ]) {
        assert.ok(
          audit.body.items.some((e) => e.action === action && e.outcome === 'success'),
          `${action} is audited`,
        );
      }
    });
  });
}
