import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task, VmDiskChange } from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';
import { untilFailpoint } from '../failpoint.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { message: string } };
const MiB = 1024 * 1024;

/**
 * Compacting a stopped VM's disk, on real qemu-img without a boot: 32 MiB of zeros written into
 * it take room on the host until the rewrite leaves them out, and what the guest wrote stays.
 */
describe('compacting a stopped VM disk', () => {
  let stack: Stack;
  let vm: Instance;
  const disk = () => path.join(stack.agent.dataDir, 'vms', vm.id, 'disk0.qcow2');
  const url = () => `/api/v1/instances/${vm.id}/disks/disk0.qcow2/compact`;
  const onHost = () => statSync(disk()).blocks * 512;
  const io = (command: string) =>
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', command, disk()], { encoding: 'utf8' });
  /** Zeros over the first 32 MiB (allocated: nothing detects them on write) and 1 MiB of data. */
  const fill = () => {
    io('write -P 0 0 32M');
    io('write -P 0x5a 40M 1M');
  };
  const dataIntact = () => assert.doesNotMatch(io('read -P 0x5a 40M 1M'), /fail/i);

  before(async () => {
    stack = await startStack('vcompact');
    const made = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      kind: 'vm',
      name: 'compacty',
      disks: [{ sizeMiB: 64 }],
    });
    assert.equal(made.body.task.status, 'succeeded', JSON.stringify(made.body.task.error));
    vm = made.body.task.result as Instance;
  });
  after(async () => {
    await stack?.close();
  });

  test('the rewrite leaves the zeros out and keeps the data', async () => {
    fill();
    const before = onHost();
    assert.ok(before >= 33 * MiB, `${before} bytes on the host before`);
    const res = await stack.call<TaskReply>('POST', `${url()}?sync=true`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const change = res.body.task.result as VmDiskChange;
    assert.equal(change.live, false);
    assert.equal(change.sizeBytes, 64 * MiB);
    assert.match(change.note ?? '', /takes \d+ MiB on the host, was 3\d MiB/);
    assert.ok(onHost() < 4 * MiB, `${onHost()} bytes on the host after`);
    dataIntact();
    assert.equal(existsSync(`${disk()}.compact`), false);
  });

  test('refused while the VM has snapshots, and for a disk it lacks or a bad name', async () => {
    const snap = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${vm.id}/snapshots?sync=true`,
      { name: 'keep' },
    );
    assert.equal(snap.body.task.status, 'succeeded', JSON.stringify(snap.body.task.error));
    const refused = await stack.call<ErrorReply>('POST', `${url()}?sync=true`);
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /drop the VM's snapshots \(keep\)/);
    const gone = await stack.call<TaskReply>(
      'DELETE',
      `/api/v1/instances/${vm.id}/snapshots/keep?sync=true`,
    );
    assert.equal(gone.body.task.status, 'succeeded');
    const missing = await stack.call<ErrorReply>(
      'POST',
      `/api/v1/instances/${vm.id}/disks/disk4.qcow2/compact?sync=true`,
    );
    assert.equal(missing.status, 404);
    const bad = await stack.call<ErrorReply>(
      'POST',
      `/api/v1/instances/${vm.id}/disks/vda/compact?sync=true`,
    );
    assert.equal(bad.status, 400);
  });

  test('the agent killed before the rename: the disk is the old one, whole, and no copy is left', async () => {
    fill();
    const before = onHost();
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.disk.compact.rename' } });
    const res = await stack.call<TaskReply>('POST', url());
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await untilFailpoint(stack, res.body.task.id);
    assert.ok(existsSync(`${disk()}.compact`), 'the copy was made');
    await stack.restartAgent({ env: {} });
    const task = await waitTask(stack, res.body.task.id);
    assert.match(task.error?.message ?? '', /at vm\.disk\.compact\.rename; disk0\.qcow2 is whole/);
    assert.equal(existsSync(`${disk()}.compact`), false);
    assert.equal(onHost(), before);
    dataIntact();
    execFileSync('qemu-img', ['check', disk()]);
  });
});
