import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Instance, PidOwner, ProcessList } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { bootTinyVm } from '../vm-guest.js';
import { until } from '../wait.js';

describe('processes inside a VM through its guest agent, and its QEMU on the host', () => {
  let stack: Stack;
  let vm: Instance;

  before(async () => {
    stack = await startStack('vmprocs');
    vm = await bootTinyVm(stack, 'procs-vm');
  });
  after(async () => stack?.close());

  test('the guest lists its processes through `ps`, and a signal by guest pid ends one', async () => {
    const spawned = await stack.call<{ exitCode: number }>(
      'POST',
      `/api/v1/instances/${vm.id}/exec`,
      { command: ['sh', '-c', 'sleep 777 >/dev/null 2>&1 </dev/null &'] },
    );
    assert.equal(spawned.status, 200, JSON.stringify(spawned.body));
    const list = async () => {
      const res = await stack.call<ProcessList>('GET', `/api/v1/instances/${vm.id}/processes`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const first = await list();
    assert.equal(first.source, 'guest-agent');
    assert.ok(
      first.items.some((p) => /qemu-ga/.test(p.command)),
      JSON.stringify(first.items),
    );
    const sleeper = first.items.find((p) => p.command === 'sleep 777');
    assert.ok(sleeper?.pid, JSON.stringify(first.items));
    assert.equal(sleeper.hostPid, null);
    assert.equal(sleeper.user, 'root');
    const res = await stack.call(
      'POST',
      `/api/v1/instances/${vm.id}/processes/${sleeper.pid}/signal`,
      { signal: 'KILL' },
    );
    assert.equal(res.status, 204, JSON.stringify(res.body));
    await until(
      'the guest process to end',
      async () => !(await list()).items.some((p) => p.command === 'sleep 777'),
      10_000,
      500,
    );
  });

  test("the host-pid lookup names the VM for its QEMU and for QEMU's threads", async () => {
    const dir = path.join(stack.agent.dataDir, 'vms', vm.id);
    const qemu = Number(await readFile(path.join(dir, 'qemu.pid'), 'utf8'));
    const thread = (await readdir(`/proc/${qemu}/task`)).map(Number).find((t) => t !== qemu);
    for (const pid of [qemu, thread]) {
      assert.ok(pid);
      const res = await stack.call<PidOwner>('GET', `/api/v1/hosts/${vm.hostId}/pids/${pid}/owner`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.instanceId, vm.id);
      assert.equal(res.body.kind, 'vm');
      assert.equal(res.body.by, 'qemu-pidfile');
    }
  });

  test('services are for containers: a VM gets a clear refusal', async () => {
    const res = await stack.call<ErrorBody>('GET', `/api/v1/instances/${vm.id}/services`);
    assert.equal(res.body.error.code, 'unsupported', JSON.stringify(res.body));
  });
});
