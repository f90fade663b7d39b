import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { message: string; issues?: Array<{ path: string }> } };
/** TCG boots the tiny guest in well under a minute; KVM in seconds. */
const GUEST_BOOT_MS = 120_000;

/*
 * QEMU's QMP socket takes one client, the agent's: what QEMU says is read through Berth, whose
 * effective limits are QEMU's own answers (query-balloon, query-block, query-cpus-fast).
 */

describe('resource limits on a real VM (tiny-linux): balloon and disk throttle, live', () => {
  let stack: Stack;
  let vm: Instance;
  const patch = (limits: unknown) =>
    stack.call<Instance & ErrorReply>('PATCH', `/api/v1/instances/${vm.id}`, { limits });

  before(async () => {
    stack = await startStack('vmlim');
    const build = await stack.call<TaskReply>(
      'POST',
      '/api/v1/templates/tiny-linux/build?sync=true',
      {
        rebuild: false,
      },
    );
    assert.equal(build.body.task.status, 'succeeded', JSON.stringify(build.body.task.error));
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      kind: 'vm',
      name: 'limvm',
      disks: [{ template: 'tiny-linux' }],
      limits: { cpu: { count: 1 }, memory: { limitMiB: 256 } },
    });
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    vm = res.body.task.result as Instance;
    assert.equal(vm.vm?.memoryMiB, 256);
    const start = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${vm.id}/actions/start?sync=true`,
    );
    assert.equal(start.body.task.status, 'succeeded', JSON.stringify(start.body.task.error));
  });
  after(async () => {
    if (vm) await stack?.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack?.close();
  });

  const shown = async () => (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body;

  test('the balloon shrinks live to memory.minMiB', async (t) => {
    const res = await patch({ memory: { minMiB: 160 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    let actual: number | undefined;
    await until(
      'the guest to give memory back (query-balloon)',
      async () => {
        actual = (await shown()).effectiveLimits?.memory?.minMiB;
        return actual !== undefined && actual <= 170;
      },
      GUEST_BOOT_MS,
      1000,
    ).catch(() => undefined);
    t.diagnostic(`balloon: ${actual} MiB of 256 after asking for 160`);
    assert.ok(actual !== undefined && actual <= 170, `balloon at ${actual} MiB`);
    assert.equal((await shown()).effectiveLimits?.memory?.limitMiB, 256);
  });

  test('a disk throttle set live shows in query-block', async () => {
    const res = await patch({ disk: { writeBps: 5_000_000, readIops: 200 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.effectiveLimits?.disk?.writeBps, 5_000_000);
    assert.equal(res.body.effectiveLimits?.disk?.readIops, 200);
    const lifted = await patch({ disk: { readIops: null } });
    assert.equal(lifted.body.effectiveLimits?.disk?.readIops, undefined);
    assert.equal(lifted.body.effectiveLimits?.disk?.writeBps, 5_000_000);
  });

  test("a cap and affinity go onto QEMU's own cgroup; vCPUs wait for the next start", async () => {
    const res = await patch({ cpu: { cap: 50, affinity: '0', count: 2 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const pidfile = path.join(stack.agent.dataDir, 'vms', vm.id, 'qemu.pid');
    const pid = Number((await readFile(pidfile, 'utf8')).trim());
    const cgroups = await readFile(`/proc/${pid}/cgroup`, 'utf8');
    assert.match(cgroups, new RegExp(`berth/vm-${vm.id}`));
    assert.equal(res.body.effectiveLimits?.cpu?.cap, 50);
    assert.equal(res.body.effectiveLimits?.cpu?.affinity, '0');
    assert.equal(res.body.effectiveLimits?.cpu?.count, 1);
    assert.ok(res.body.limitsDiffer.includes('cpu.count'), JSON.stringify(res.body.limitsDiffer));
    const refused = await patch({ processes: 10 });
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body), /limits\.processes/);
  });
});
