import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task, VmDiskChange } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { replayedAfterKill } from '../failpoint.js';
import { act, buildTinyTemplate, createTinyVm, guest, waitForGuest } from '../vm-guest.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { code: string; message: string } };

/**
 * Disks from uploaded images on real QEMU: a vmdk made from the tiny guest's disk becomes the
 * only disk of an empty VM, which boots from it; images that would make QEMU open other files
 * are refused; a raw image is hot-plugged; the agent killed mid-import leaves nothing. Then
 * disks are removed, one from the middle under the running guest, with one boot for it all.
 */
describe('VM disk import and removal through the API, on real QEMU', () => {
  let stack: Stack;
  let work: string;
  let vm: Instance;
  const vmDir = () => path.join(stack.agent.dataDir, 'vms', vm.id);
  const upload = (file: string, query = '') =>
    fetch(`${stack.baseUrl}/api/v1/instances/${vm.id}/disks/import?sync=true${query}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${stack.token}`,
        'content-type': 'application/octet-stream',
      },
      body: readFileSync(file),
    });
  const img = (...args: string[]) => execFileSync('qemu-img', args, { encoding: 'utf8' });
  /** What the VM's folder holds beyond its record and runtime files: disks and staged uploads. */
  const diskFiles = () =>
    readdirSync(vmDir())
      .filter((f) => f.endsWith('.qcow2') || f.startsWith('.import-'))
      .sort();

  before(async () => {
    stack = await startStack('vimport');
    work = mkdtempSync(path.join(tmpdir(), 'berth-import-'));
    await buildTinyTemplate(stack);
    const source = await createTinyVm(stack, 'vmdksource');
    img(
      'convert',
      '-O',
      'vmdk',
      path.join(stack.agent.dataDir, 'vms', source.id, 'disk0.qcow2'),
      path.join(work, 'tiny.vmdk'),
    );
    await stack.call('DELETE', `/api/v1/instances/${source.id}?sync=true`);
    vm = await createTinyVm(stack, 'imported', { memoryMiB: 256, disks: [] });
  });
  after(async () => {
    if (vm) await stack?.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('what is not a standalone disk image is a 400 and leaves nothing', async () => {
    writeFileSync(path.join(work, 'notes.txt'), 'not a disk\n'.repeat(10_000));
    img(
      'create',
      '-q',
      '-f',
      'qcow2',
      '-u',
      '-b',
      '/etc/shadow',
      '-F',
      'raw',
      path.join(work, 'evil.qcow2'),
      '64M',
    );
    img(
      'create',
      '-q',
      '-f',
      'qcow2',
      '-o',
      `data_file=${path.join(work, 'data.bin')}`,
      path.join(work, 'data.qcow2'),
      '1M',
    );
    img(
      'create',
      '-q',
      '-f',
      'vmdk',
      '-o',
      'subformat=twoGbMaxExtentSparse',
      path.join(work, 'split.vmdk'),
      '64M',
    );
    const cases: Array<[string, string, RegExp]> = [
      ['notes.txt', '', /not a disk image: no qcow2, vmdk, vdi or vhdx header/],
      ['evil.qcow2', '', /backing file \(\/etc\/shadow\)/],
      ['data.qcow2', '', /data in another file|not a disk image qemu-img can read/],
      ['split.vmdk', '', /another file|not a disk image qemu-img can read/],
      ['notes.txt', '&format=vdi', /not a vdi image/],
      ['tiny.vmdk', '&format=bogus', /format/],
    ];
    for (const [file, query, message] of cases) {
      const res = await upload(path.join(work, file), query);
      const body = (await res.json()) as ErrorReply;
      assert.equal(res.status, 400, `${file}${query}: ${JSON.stringify(body)}`);
      assert.match(body.error.message + JSON.stringify(body), message, file);
    }
    assert.deepEqual(diskFiles(), []);
    const shown = await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`);
    assert.deepEqual(shown.body.vm?.disks, []);
  });

  test('a vmdk becomes the empty VM’s qcow2 disk, standalone, and the VM boots from it', async () => {
    const res = await upload(path.join(work, 'tiny.vmdk'));
    const body = (await res.json()) as TaskReply;
    assert.equal(res.status, 200, JSON.stringify(body));
    const change = body.task.result as VmDiskChange;
    assert.equal(change.disk, 'disk0.qcow2');
    assert.equal(change.live, false);
    const info = JSON.parse(img('info', '--output=json', path.join(vmDir(), 'disk0.qcow2'))) as {
      format: string;
      'backing-filename'?: string;
      'virtual-size': number;
    };
    assert.equal(info.format, 'qcow2');
    assert.equal(info['backing-filename'], undefined);
    assert.equal(info['virtual-size'], change.sizeBytes);
    assert.deepEqual(diskFiles(), ['disk0.qcow2']);
    await act(stack, vm.id, 'start');
    await waitForGuest(stack, vm.id);
  });

  test('a raw image, named, is hot-plugged into the running VM and the guest sees it', async () => {
    const raw = path.join(work, 'data.raw');
    writeFileSync(raw, Buffer.alloc(24 * 1024 * 1024, 7));
    const res = await upload(raw, '&format=raw');
    const body = (await res.json()) as TaskReply;
    assert.equal(res.status, 200, JSON.stringify(body));
    const change = body.task.result as VmDiskChange;
    assert.deepEqual([change.disk, change.live], ['disk1.qcow2', true]);
    const sectors = await guest(stack, vm.id, ['cat', '/sys/block/vdb/size']);
    assert.equal(Number(sectors.stdout.trim()) * 512, 24 * 1024 * 1024);
    const byte = await guest(stack, vm.id, ['sh', '-c', 'head -c 1 /dev/vdb | od -An -tu1']);
    assert.equal(byte.stdout.trim(), '7');
  });

  test('the agent killed after the conversion, before the record: disk and upload are gone', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.disk.record' } });
    const res = await fetch(`${stack.baseUrl}/api/v1/instances/${vm.id}/disks/import`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${stack.token}`,
        'content-type': 'application/octet-stream',
      },
      body: readFileSync(path.join(work, 'tiny.vmdk')),
    });
    const body = (await res.json()) as TaskReply;
    assert.equal(res.status, 202, JSON.stringify(body));
    const task = await replayedAfterKill(stack, body.task.id);
    assert.match(
      task.error?.message ?? '',
      /at vm\.disk\.record; rolled back: disk2\.qcow2 was removed/,
    );
    assert.deepEqual(diskFiles(), ['disk0.qcow2', 'disk1.qcow2']);
    const shown = await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`);
    assert.equal(shown.body.vm?.disks.length, 2);
    assert.equal(shown.body.state, 'running');
  });

  test('the agent killed mid-upload: the partial image is gone once it is back', async () => {
    const req = request(new URL(`${stack.baseUrl}/api/v1/instances/${vm.id}/disks/import`), {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${stack.token}`,
        'content-type': 'application/octet-stream',
        'content-length': String(8 * 1024 * 1024),
      },
    });
    const answered = new Promise<number>((resolve) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
    });
    req.write(Buffer.alloc(1024 * 1024, 1));
    await until(
      'the upload to reach the agent',
      async () => diskFiles().some((f) => f.startsWith('.import-')),
      10_000,
    );
    await stack.restartAgent({ kill: true });
    assert.notEqual(await answered, 200);
    req.destroy();
    assert.deepEqual(diskFiles(), ['disk0.qcow2', 'disk1.qcow2']);
  });

  /** The guest's virtio disks, as MiB, in its own order. */
  const guestDisks = async () =>
    (await guest(stack, vm.id, ['sh', '-c', 'cat /sys/block/vd*/size'])).stdout
      .trim()
      .split('\n')
      .map((sectors) => (Number(sectors) * 512) / (1024 * 1024));
  const disks = () => `/api/v1/instances/${vm.id}/disks`;

  test('a disk is removed from the middle under the running guest; the others keep their places', async () => {
    const added = await stack.call<TaskReply>('POST', `${disks()}?sync=true`, { sizeMiB: 32 });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal((added.body.task.result as VmDiskChange).disk, 'disk2.qcow2');
    assert.deepEqual((await guestDisks()).slice(1).sort(), [24, 32]);
    const boot = await stack.call<ErrorReply>('DELETE', `${disks()}/disk0.qcow2?sync=true`);
    assert.equal(boot.status, 409, JSON.stringify(boot.body));
    assert.match(boot.body.error.message, /boot disk/);
    const unknown = await stack.call<ErrorReply>('DELETE', `${disks()}/disk7.qcow2?sync=true`);
    assert.equal(unknown.status, 404, JSON.stringify(unknown.body));

    const removed = await stack.call<TaskReply>('DELETE', `${disks()}/disk1.qcow2?sync=true`);
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal((removed.body.task.result as VmDiskChange).live, true);
    assert.deepEqual(diskFiles(), ['disk0.qcow2', 'disk2.qcow2']);
    assert.deepEqual((await guestDisks()).slice(1), [32]);

    await act(stack, vm.id, 'stop');
    await act(stack, vm.id, 'start');
    await waitForGuest(stack, vm.id);
    assert.deepEqual((await guestDisks()).slice(1), [32]);
    const grown = await stack.call<TaskReply>('PATCH', `${disks()}/disk2.qcow2?sync=true`, {
      sizeMiB: 48,
    });
    assert.equal(grown.status, 200, JSON.stringify(grown.body));
    await until(
      'the guest to see disk2 at 48 MiB',
      async () => (await guestDisks())[1] === 48,
      30_000,
      500,
    );
  });

  test('the agent killed after the record: the removal is finished at start', async () => {
    const added = await stack.call<TaskReply>('POST', `${disks()}?sync=true`, { sizeMiB: 16 });
    assert.equal((added.body.task.result as VmDiskChange).disk, 'disk1.qcow2');
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.disk.delete' } });
    const res = await stack.call<TaskReply>('DELETE', `${disks()}/disk1.qcow2`);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const task = await replayedAfterKill(stack, res.body.task.id);
    assert.match(task.error?.message ?? '', /its file is now removed too/);
    assert.deepEqual(diskFiles(), ['disk0.qcow2', 'disk2.qcow2']);
    const shown = await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`);
    assert.deepEqual(
      shown.body.vm?.disks.map((d) => d.name),
      ['disk0.qcow2', 'disk2.qcow2'],
    );
  });
});
