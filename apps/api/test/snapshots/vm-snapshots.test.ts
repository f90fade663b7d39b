import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, SnapshotList, Task, TaskLog } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { replayedAfterKill } from '../failpoint.js';
import { act as actOn, bootTinyVm, guest, waitForGuest } from '../vm-guest.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };

/**
 * Asks the guest agent straight through its socket whether the guest's filesystems are frozen,
 * beside the Berth agent's own connections. A sync first, so a stale line cannot answer.
 */
function freezeStatus(socket: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket);
    let text = '';
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new Error(`no answer from the guest agent: ${text}`));
    }, 10_000);
    conn.on('error', reject);
    conn.on('data', (d: Buffer) => {
      text += d.toString();
      const answers = text
        .split('\n')
        .filter((l) => l.trim().startsWith('{'))
        .map((l) => JSON.parse(l) as { return?: unknown });
      const synced = answers.findIndex((a) => a.return === 4242);
      const status = synced >= 0 ? answers[synced + 1] : undefined;
      if (status) {
        clearTimeout(timer);
        conn.destroy();
        resolve(String(status.return));
      }
    });
    conn.write(
      '{"execute":"guest-sync","arguments":{"id":4242}}\n{"execute":"guest-fsfreeze-status"}\n',
    );
  });
}
type ErrorReply = { error: { code: string; message: string } };

/** A sector of the guest's disk before its partition (which starts at 1 MiB): free to scribble on. */
const MARK_SECTOR = '1024';

/**
 * VM snapshots on real QEMU with one tiny guest for the whole file: disk-only and with memory,
 * live and stopped, the tree branching, bad input, and the agent killed in the middle.
 */
describe('VM snapshots through the API, on real QEMU', () => {
  let stack: Stack;
  let vm: Instance;
  const base = () => `/api/v1/instances/${vm.id}/snapshots`;

  before(async () => {
    stack = await startStack('vsnap');
    vm = await bootTinyVm(stack, 'snappy');
  });
  after(async () => {
    if (vm) await stack?.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack?.close();
  });

  const act = (action: string) => actOn(stack, vm.id, action);

  /** A snapshot operation that must succeed. */
  async function ok(method: string, url: string, body?: unknown): Promise<Task> {
    const res = await stack.call<TaskReply>(method, `${url}?sync=true`, body);
    assert.equal(res.status, 200, `${method} ${url}: ${JSON.stringify(res.body)}`);
    return res.body.task;
  }

  async function refused(
    method: string,
    url: string,
    body: unknown,
    status: number,
    message: RegExp,
  ) {
    const res = await stack.call<ErrorReply>(method, `${url}?sync=true`, body);
    assert.equal(
      res.status,
      status,
      `${method} ${url} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`,
    );
    assert.match(res.body.error.message, message);
  }

  const tree = async () => (await stack.call<SnapshotList>('GET', base())).body;
  const edges = async () => (await tree()).items.map((s) => `${s.parent ?? '-'}>${s.name}`).sort();
  const sh = (script: string) => guest(stack, vm.id, ['sh', '-c', script]);
  const writeMark = (text: string) =>
    sh(
      `printf '%-16s' ${text} | dd of=/dev/vda bs=512 seek=${MARK_SECTOR} conv=sync 2>/dev/null; sync`,
    );
  const readMark = async () =>
    (
      await sh(`dd if=/dev/vda bs=16 skip=${Number(MARK_SECTOR) * 32} count=1 2>/dev/null`)
    ).stdout.trim();
  const count = async () => Number((await sh('cat /run/count')).stdout.trim());
  const diskSnapshots = () =>
    execFileSync('qemu-img', [
      'snapshot',
      '-U',
      '-l',
      path.join(stack.agent.dataDir, 'vms', vm.id, 'disk0.qcow2'),
    ]).toString();

  test('a disk-only snapshot of the running VM, then one with memory: the counter goes back and keeps counting', async () => {
    await writeMark('first');
    assert.equal(await readMark(), 'first');
    const disk1 = await ok('POST', base(), {
      name: 'disk1',
      description: 'before the second mark',
    });
    const log = await stack.call<TaskLog>('GET', `/api/v1/tasks/${disk1.id}/log`);
    assert.match(JSON.stringify(log.body.items), /froze \d+ filesystem\(s\) in the guest/);
    assert.match(JSON.stringify(log.body.items), /thawed the guest/);
    await writeMark('second');
    // A counter in the guest's memory (its /run is a tmpfs): it ticks once a second.
    await sh(
      "setsid sh -c 'i=0; while true; do i=$((i+1)); echo $i > /run/count; sleep 1; done' </dev/null >/dev/null 2>&1 &",
    );
    await until('the counter to pass 3', async () => (await count()) >= 3, 30_000, 500);
    const task = await ok('POST', base(), { name: 'mem1', withMemory: true });
    const atSnapshot = await count();
    await until(
      'the counter to move on by 6',
      async () => (await count()) >= atSnapshot + 6,
      60_000,
      500,
    );
    await sh('echo later > /run/later');
    const beforeRevert = await count();
    await ok('POST', `${base()}/mem1/revert`);
    await waitForGuest(stack, vm.id);
    const afterRevert = await count();
    assert.ok(
      afterRevert >= atSnapshot - 1 && afterRevert < beforeRevert,
      `counter ${afterRevert} after the revert: saved near ${atSnapshot}, was ${beforeRevert}`,
    );
    await until(
      'the counter to keep counting',
      async () => (await count()) > afterRevert,
      30_000,
      500,
    );
    assert.notEqual(
      (await sh('cat /run/later')).exitCode,
      0,
      'a file written after the snapshot is gone',
    );
    assert.equal(await readMark(), 'second');
    const list = await tree();
    assert.equal(list.current, 'mem1');
    const mem1 = list.items.find((s) => s.name === 'mem1')!;
    assert.equal(mem1.withMemory, true);
    assert.ok((mem1.sizeBytes ?? 0) > 1024 * 1024, `memory state of ${mem1.sizeBytes} bytes`);
    assert.equal(list.items.find((s) => s.name === 'disk1')?.sizeBytes, null);
    assert.deepEqual(await edges(), ['->disk1', 'disk1>mem1']);
    assert.equal((task.result as { name: string }).name, 'mem1');
  });

  test('bad input is a 4xx and changes nothing', async () => {
    const before = await tree();
    await refused('POST', base(), { name: 'mem1' }, 409, /already/);
    await refused('POST', base(), { name: 'berth-suspend' }, 400, /suspend/);
    await refused('POST', base(), { name: 'bad name' }, 400, /snapshot name/);
    await refused('POST', base(), { name: 'x', parent: 'disk1' }, 400, /parent/);
    await refused('POST', `${base()}/nope/revert`, {}, 404, /snapshot nope/);
    await refused('DELETE', `${base()}/nope`, undefined, 404, /snapshot nope/);
    await refused('POST', `${base()}/disk1/revert`, {}, 409, /stopRunning/);
    assert.deepEqual(await tree(), before);
  });

  test('reverting to the disk-only snapshot stops the VM and brings the old disk back; a new snapshot branches', async () => {
    await ok('POST', `${base()}/disk1/revert`, { stopRunning: true });
    assert.equal(
      (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body.state,
      'stopped',
    );
    assert.equal((await tree()).current, 'disk1');
    await refused('POST', base(), { name: 'm2', withMemory: true }, 409, /stopped/);
    await ok('POST', base(), { name: 'branch', description: 'taken while stopped' });
    assert.deepEqual(await edges(), ['->disk1', 'disk1>branch', 'disk1>mem1']);
    await act('start');
    await waitForGuest(stack, vm.id);
    assert.equal(await readMark(), 'first');
  });

  test('reverting a stopped VM to a snapshot with memory starts it in that state', async () => {
    await act('stop');
    await ok('POST', `${base()}/mem1/revert`);
    await waitForGuest(stack, vm.id);
    assert.equal(
      (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body.state,
      'running',
    );
    assert.equal(await readMark(), 'second');
    assert.ok((await count()) > 0, 'the counter is back');
    assert.equal((await tree()).current, 'mem1');
  });

  test('deleting a snapshot of the running VM re-hangs its children and leaves the disk', async () => {
    await ok('DELETE', `${base()}/disk1`);
    assert.deepEqual(await edges(), ['->branch', '->mem1']);
    assert.doesNotMatch(diskSnapshots(), /\bdisk1\b/);
    assert.equal((await tree()).current, 'mem1');
  });

  // The tiny guest runs from its initramfs and mounts no disk filesystem, so qemu-ga freezes none
  // and does not stay frozen (a freeze of nothing unsets its frozen state at once). What is
  // checked: the kill lands between the freeze and the snapshot, and the replay thaws through
  // the guest agent, which then runs commands again.
  test('the agent killed after the guest froze: the restarted agent thaws it', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.snapshot.frozen' } });
    const res = await stack.call<TaskReply>('POST', base(), { name: 'icy' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const task = await replayedAfterKill(stack, res.body.task.id);
    assert.match(
      task.error?.message ?? '',
      /nothing had been taken: there is no snapshot icy; the guest's filesystems were thawed \(\d+\)/,
    );
    const qga = path.join(stack.agent.dataDir, 'vms', vm.id, 'qga');
    assert.equal(await freezeStatus(qga), 'thawed');
    assert.equal((await sh('true')).exitCode, 0, 'the guest agent runs commands again');
    assert.ok(!(await tree()).items.some((s) => s.name === 'icy'));
  });

  test('the agent killed between the snapshot and its record: the restarted agent keeps what the disk holds', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.snapshot.record' } });
    const res = await stack.call<TaskReply>('POST', base(), { name: 'killed', withMemory: true });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const task = await replayedAfterKill(stack, res.body.task.id);
    assert.equal(task.status, 'failed');
    assert.match(
      task.error?.message ?? '',
      /at vm\.snapshot\.record; finished: snapshot killed had been taken and is kept/,
    );
    const list = await tree();
    assert.equal(list.current, 'killed');
    const killed = list.items.find((s) => s.name === 'killed');
    assert.equal(killed?.parent, 'mem1');
    assert.equal(killed?.withMemory, true);
    assert.match(diskSnapshots(), /\bkilled\b/);

    // A delete killed at the same point: the disk has lost it, so the record loses it too.
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.snapshot.record' } });
    const del = await stack.call<TaskReply>('DELETE', `${base()}/killed`);
    assert.equal(del.status, 202, JSON.stringify(del.body));
    const deleted = await replayedAfterKill(stack, del.body.task.id);
    assert.match(deleted.error?.message ?? '', /finished: snapshot killed is deleted/);
    assert.deepEqual(await edges(), ['->branch', '->mem1']);
    assert.equal((await tree()).current, 'mem1');
    assert.doesNotMatch(diskSnapshots(), /\bkilled\b/);
    assert.equal(
      (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body.state,
      'running',
    );
  });

  test('the agent killed in the middle of a revert: the restarted agent finishes it', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.snapshot.record' } });
    const res = await stack.call<TaskReply>('POST', `${base()}/branch/revert`, {
      stopRunning: true,
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const task = await replayedAfterKill(stack, res.body.task.id);
    assert.match(task.error?.message ?? '', /finished: the VM is reverted to branch/);
    assert.equal((await tree()).current, 'branch');
    assert.equal(
      (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body.state,
      'stopped',
    );
  });
});
