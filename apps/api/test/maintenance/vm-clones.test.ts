import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task } from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';
import { replayedAfterKill, untilFailpoint } from '../failpoint.js';
import { guest, waitForGuest } from '../vm-guest.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { code: string; message: string; issues?: Array<{ path: string }> } };

/**
 * Full clones of VMs on real QEMU (the tiny guest): of a stopped VM (its template's backing
 * file flattened), of a running one through a temporary snapshot that is gone afterwards, the
 * refusals, the agent killed in the middle of a running VM's clone, and one clone booted to
 * show it comes up with its own MAC.
 */
describe('VM clones through POST /instances/{id}/clone, on real QEMU', () => {
  let stack: Stack;
  let src: Instance;

  const call = <T>(method: string, url: string, body?: unknown) =>
    stack.call<T & ErrorReply>(method, url, body);
  const clone = (body: object) =>
    call<TaskReply>('POST', `/api/v1/instances/${src.id}/clone`, body);
  const cloned = async (name: string): Promise<Instance> => {
    const res = await call<TaskReply>('POST', `/api/v1/instances/${src.id}/clone?sync=true`, {
      name,
      mode: 'full',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    return res.body.task.result as Instance;
  };
  const act = async (id: string, action: string) => {
    const res = await call<TaskReply>(
      'POST',
      `/api/v1/instances/${id}/actions/${action}?sync=true`,
      action === 'stop' ? { force: true } : undefined,
    );
    assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
  };
  const vmDir = (id: string) => path.join(stack.agent.dataDir, 'vms', id);
  const macOf = (id: string) =>
    (
      JSON.parse(readFileSync(path.join(vmDir(id), 'vm.json'), 'utf8')) as {
        nics: Array<{ mac: string }>;
      }
    ).nics[0]?.mac;
  const info = (file: string) =>
    JSON.parse(execFileSync('qemu-img', ['info', '--output=json', '-U', file]).toString()) as {
      'backing-filename'?: string;
      snapshots?: Array<{ name: string }>;
    };
  const srcSnapshots = () =>
    (info(path.join(vmDir(src.id), 'disk0.qcow2')).snapshots ?? []).map((s) => s.name);
  const names = async () =>
    (await call<{ items: Instance[] }>('GET', '/api/v1/instances')).body.items.map((i) => i.name);

  before(async () => {
    stack = await startStack('vmclone');
    const build = await call<TaskReply>('POST', '/api/v1/templates/tiny-linux/build?sync=true', {
      rebuild: false,
    });
    assert.equal(build.body.task.status, 'succeeded', JSON.stringify(build.body.task.error));
    const res = await call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      kind: 'vm',
      name: 'source',
      memoryMiB: 256,
      disks: [{ template: 'tiny-linux' }],
    });
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    src = res.body.task.result as Instance;
  });
  after(async () => {
    await stack?.close();
  });

  test('a stopped VM: a full clone with its own id, name and MAC and no backing file; refusals are 4xx', async () => {
    assert.ok(info(path.join(vmDir(src.id), 'disk0.qcow2'))['backing-filename'], 'a linked disk');
    const copy = await cloned('copy1');
    assert.notEqual(copy.id, src.id);
    assert.equal(copy.kind, 'vm');
    assert.equal(copy.state, 'stopped');
    assert.notEqual(macOf(copy.id), macOf(src.id));
    assert.equal(info(path.join(vmDir(copy.id), 'disk0.qcow2'))['backing-filename'], undefined);
    assert.equal(copy.vm?.disks[0]?.sizeBytes, src.vm?.disks[0]?.sizeBytes);

    for (const [body, status, message] of [
      [{ name: 'l1', mode: 'linked' }, 409, /full clone/],
      [{ name: 'p1', mode: 'full', pool: 'default' }, 400, /pools are for containers/],
      [{ name: 'COPY1', mode: 'full' }, 409, /exists already/],
      [{ name: 's1', mode: 'full', snapshot: 'nope' }, 404, /snapshot nope/],
    ] as const) {
      const res = await clone(body);
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error.message, message);
    }
    const bad = await clone({ name: 'bad name', mode: 'full' });
    assert.equal(bad.status, 400);
    assert.deepEqual((await names()).sort(), ['copy1', 'source']);
    await call('DELETE', `/api/v1/instances/${copy.id}?sync=true`);

    // Of a snapshot: the copy holds that state and none of the source's snapshots.
    const snap = await call<TaskReply>('POST', `/api/v1/instances/${src.id}/snapshots?sync=true`, {
      name: 's1',
    });
    assert.equal(snap.body.task.status, 'succeeded', JSON.stringify(snap.body.task.error));
    const res = await call<TaskReply>('POST', `/api/v1/instances/${src.id}/clone?sync=true`, {
      name: 'of-s1',
      mode: 'full',
      snapshot: 's1',
    });
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    const ofSnap = res.body.task.result as Instance;
    assert.equal(info(path.join(vmDir(ofSnap.id), 'disk0.qcow2')).snapshots, undefined);
    await call('DELETE', `/api/v1/instances/${ofSnap.id}?sync=true`);
    const dropped = await call<TaskReply>(
      'DELETE',
      `/api/v1/instances/${src.id}/snapshots/s1?sync=true`,
    );
    assert.equal(dropped.body.task.status, 'succeeded', JSON.stringify(dropped.body.task.error));
  });

  test('the agent killed while a running VM is copied: no clone, and the temporary snapshot is gone', async () => {
    await act(src.id, 'start');
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.clone.copy' } });
    const res = await clone({ name: 'half', mode: 'full' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await untilFailpoint(stack, res.body.task.id);
    assert.ok(
      srcSnapshots().some((s) => s.startsWith('berth-clone-')),
      'taken before the kill',
    );
    await stack.restartAgent({ env: {} });
    const t = await waitTask(stack, res.body.task.id);
    assert.equal(t.status, 'failed');
    assert.match(t.error?.message ?? '', /rolled back/);
    assert.deepEqual(srcSnapshots(), [], 'the temporary snapshot was deleted through QMP');
    assert.ok(!(await names()).includes('half'));
    assert.equal(
      (await call<Instance>('GET', `/api/v1/instances/${src.id}`)).body.state,
      'running',
      'the source kept running',
    );
  });

  test('a running VM is cloned from a temporary snapshot; the clone boots with its own MAC', async () => {
    const copy = await cloned('copy2');
    assert.deepEqual(srcSnapshots(), [], 'no temporary snapshot left');
    assert.equal(copy.state, 'stopped');
    await act(src.id, 'stop');
    await act(copy.id, 'start');
    await waitForGuest(stack, copy.id);
    const macs = await guest(stack, copy.id, ['sh', '-c', 'cat /sys/class/net/e*/address']);
    assert.equal(macs.stdout.trim(), macOf(copy.id));
    assert.notEqual(macOf(copy.id), macOf(src.id));
    await act(copy.id, 'stop');
    assert.ok(existsSync(path.join(vmDir(copy.id), 'disk0.qcow2')));
  });

  test('a stopped VM made a template: listed, linked by a new VM, not deleted while that VM uses it; killed before and after its commit', async () => {
    await act(src.id, 'start');
    const running = await call('POST', `/api/v1/instances/${src.id}/template`, { name: 'x1' });
    assert.equal(running.status, 409, 'a stopped VM only');
    assert.match(running.body.error.message, /stop it/);
    await act(src.id, 'stop');
    const vm = await cloned('to-be-gold');

    const interrupted = async (failpoint: string) => {
      await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: failpoint } });
      const res = await call<TaskReply>('POST', `/api/v1/instances/${vm.id}/template`, {
        name: 'gold',
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const t = await replayedAfterKill(stack, res.body.task.id);
      assert.equal(t.status, 'failed');
      return t.error?.message ?? '';
    };
    const templates = async () =>
      (await call<{ items: Array<{ name: string; custom: boolean }> }>('GET', '/api/v1/templates'))
        .body.items;
    assert.match(await interrupted('vm.template.commit'), /rolled back: the VM stays/);
    assert.ok((await names()).includes('to-be-gold'));
    assert.ok(!(await templates()).some((t) => t.name === 'gold'));
    assert.match(await interrupted('vm.template.forget'), /finished: the VM is now template gold/);
    assert.ok(!(await names()).includes('to-be-gold'), 'the VM went');
    assert.ok(!existsSync(vmDir(vm.id)));
    assert.deepEqual(
      (await templates()).filter((t) => t.custom).map((t) => t.name),
      ['gold'],
    );

    const made = await call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      kind: 'vm',
      name: 'from-gold',
      memoryMiB: 256,
      disks: [{ template: 'gold', clone: 'linked' }],
    });
    assert.equal(made.body.task.status, 'succeeded', JSON.stringify(made.body.task.error));
    const child = made.body.task.result as Instance;
    assert.match(
      info(path.join(vmDir(child.id), 'disk0.qcow2'))['backing-filename'] ?? '',
      /templates\/gold\/disk\.qcow2$/,
    );
    const unknown = await call('POST', '/api/v1/instances', {
      kind: 'vm',
      name: 'from-nothing',
      disks: [{ template: 'nothing' }],
    });
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    const refused = await call('DELETE', '/api/v1/templates/gold');
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.match(refused.body.error.message, /from-gold/);
    const builtIn = await call('DELETE', '/api/v1/templates/tiny-linux');
    assert.equal(builtIn.status, 400);
    await call('DELETE', `/api/v1/instances/${child.id}?sync=true`);
    const gone = await call('DELETE', '/api/v1/templates/gold');
    assert.equal(gone.status, 204, JSON.stringify(gone.body));
  });
});
