import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task, VmDiskChange } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { replayedAfterKill } from '../failpoint.js';
import { act as actOn, bootTinyVm, guest, waitForGuest } from '../vm-guest.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { code: string; message: string } };

/** A second disk hot-plugged into a running tiny guest, disks grown live and stopped, bad input. */
describe('VM disks through the API, on real QEMU', () => {
  let stack: Stack;
  let vm: Instance;
  const disks = () => `/api/v1/instances/${vm.id}/disks`;

  before(async () => {
    stack = await startStack('vdisk');
    vm = await bootTinyVm(stack, 'disky');
  });
  after(async () => {
    if (vm) await stack?.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack?.close();
  });

  const act = (action: string) => actOn(stack, vm.id, action);

  async function change(method: string, url: string, body: unknown): Promise<VmDiskChange> {
    const res = await stack.call<TaskReply>(method, `${url}?sync=true`, body);
    assert.equal(res.status, 200, `${method} ${url}: ${JSON.stringify(res.body)}`);
    return res.body.task.result as VmDiskChange;
  }

  /** The size of a guest block device in MiB, from its sysfs (512-byte sectors). */
  const guestMiB = async (dev: string) => {
    const out = await guest(stack, vm.id, ['cat', `/sys/block/${dev}/size`]);
    return out.exitCode === 0 ? Number(out.stdout.trim()) / 2048 : null;
  };

  test('a new disk is hot-plugged into the running VM and the guest sees it', async () => {
    const added = await change('POST', disks(), { sizeMiB: 64 });
    assert.deepEqual(added, {
      disk: 'disk1.qcow2',
      sizeBytes: 64 * 1024 * 1024,
      live: true,
      note: null,
    });
    await until('the guest to see vdb', async () => (await guestMiB('vdb')) === 64, 60_000, 500);
    const shown = await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`);
    assert.deepEqual(
      shown.body.vm?.disks.map((d) => d.name),
      ['disk0.qcow2', 'disk1.qcow2'],
    );
  });

  test('disks grow live and the guest sees the new size; shrinking is a 400', async () => {
    const before = await guestMiB('vda');
    await change('PATCH', `${disks()}/disk0.qcow2`, { sizeMiB: 96 });
    await until(
      'the guest to see vda at 96 MiB',
      async () => (await guestMiB('vda')) === 96,
      30_000,
      500,
    );
    assert.equal(before, 64);
    await change('PATCH', `${disks()}/disk1.qcow2`, { sizeMiB: 128 });
    await until(
      'the guest to see vdb at 128 MiB',
      async () => (await guestMiB('vdb')) === 128,
      30_000,
      500,
    );

    const shrink = await stack.call<ErrorReply>('PATCH', `${disks()}/disk1.qcow2?sync=true`, {
      sizeMiB: 100,
    });
    assert.equal(shrink.status, 400, JSON.stringify(shrink.body));
    assert.match(shrink.body.error.message, /only grow/);
    const unknown = await stack.call<ErrorReply>('PATCH', `${disks()}/disk5.qcow2?sync=true`, {
      sizeMiB: 100,
    });
    assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
    assert.equal(await guestMiB('vdb'), 128);
  });

  test('compacting a disk of the running VM asks its guest to trim', async () => {
    const compacted = await change('POST', `${disks()}/disk1.qcow2/compact`, undefined);
    assert.equal(compacted.live, true);
    assert.match(
      compacted.note ?? '',
      /^the guest trimmed \d+ filesystem\(s\).*takes \d+ MiB on the host/,
    );
  });

  test('the agent killed before the record: the new disk file is rolled back', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.disk.record' } });
    const res = await stack.call<TaskReply>('POST', disks(), { sizeMiB: 32 });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const task = await replayedAfterKill(stack, res.body.task.id);
    assert.match(
      task.error?.message ?? '',
      /at vm\.disk\.record; rolled back: disk2\.qcow2 was removed/,
    );
    assert.equal(existsSync(path.join(stack.agent.dataDir, 'vms', vm.id, 'disk2.qcow2')), false);
    const shown = await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`);
    assert.equal(shown.body.vm?.disks.length, 2);
    assert.equal(shown.body.state, 'running');
  });

  test('a stopped VM grows with qemu-img and boots with both disks', async () => {
    await act('stop');
    const grown = await change('PATCH', `${disks()}/disk1.qcow2`, { sizeMiB: 192 });
    assert.equal(grown.live, false);
    assert.equal(grown.sizeBytes, 192 * 1024 * 1024);
    await act('start');
    await waitForGuest(stack, vm.id);
    await until(
      'the guest to see vdb at 192 MiB',
      async () => (await guestMiB('vdb')) === 192,
      60_000,
      500,
    );
    assert.equal(await guestMiB('vda'), 96);
  });
});
