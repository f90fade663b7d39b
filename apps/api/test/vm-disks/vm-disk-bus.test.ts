import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Iso, Task, VmDriveChange } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { replayedAfterKill } from '../failpoint.js';
import { act, buildTinyTemplate, createTinyVm, guest, waitForGuest } from '../vm-guest.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { code: string; message: string } };

/**
 * Disks on scsi and sata with their cache modes, a second CD drive taking an ISO live, the
 * AHCI port limit, and the agent killed in the middle of a drive add and of a disk edit. One
 * tiny VM, booted once.
 */
describe('VM disk buses, cache modes and CD drives, on real QEMU', () => {
  let stack: Stack;
  let vm: Instance;
  const url = (rest = '') => `/api/v1/instances/${vm.id}${rest}`;

  before(async () => {
    stack = await startStack('vbus');
    await buildTinyTemplate(stack);
    vm = await createTinyVm(stack, 'busy', {
      memoryMiB: 256,
      disks: [
        { template: 'tiny-linux' },
        { sizeMiB: 48, bus: 'scsi', cache: 'writethrough' },
        { sizeMiB: 40, bus: 'sata', cache: 'none' },
      ],
    });
    const added = await stack.call<TaskReply>('POST', url('/cd-drives?sync=true'), {});
    assert.equal(added.body.task.status, 'succeeded', JSON.stringify(added.body));
    await act(stack, vm.id, 'start');
    await waitForGuest(stack, vm.id);
  });
  after(async () => {
    if (vm) await stack?.call('DELETE', `${url()}?force=true&sync=true`);
    await stack?.close();
  });

  const shown = async () => (await stack.call<Instance>('GET', url())).body;
  /** /sys/block/<dev> links through the controller: virtio-scsi disks through virtioN, AHCI ones through ataN. */
  const guestBlocks = async () =>
    (await guest(stack, vm.id, ['ls', '-l', '/sys/block'])).stdout
      .split('\n')
      .map((line) => /(\S+) -> (\S+)$/.exec(line))
      .filter((m): m is RegExpExecArray => !!m)
      .map(([, name, link]) => ({ name: name!, link: link! }));
  const guestMiB = async (dev: string) =>
    Number((await guest(stack, vm.id, ['cat', `/sys/block/${dev}/size`])).stdout.trim()) / 2048;

  test('the guest sees the scsi disk through virtio-scsi and the sata disk through AHCI', async () => {
    const blocks = await guestBlocks();
    const scsi = blocks.find((b) => b.name.startsWith('sd') && /virtio\d+\/host/.test(b.link));
    const sata = blocks.find((b) => b.name.startsWith('sd') && /\/ata\d+\//.test(b.link));
    assert.ok(scsi && sata, JSON.stringify(blocks));
    assert.equal(await guestMiB(scsi.name), 48);
    assert.equal(await guestMiB(sata.name), 40);
    assert.ok(blocks.some((b) => b.name === 'vda'));
    assert.deepEqual(
      blocks.filter((b) => b.name.startsWith('sr')).map((b) => b.name),
      ['sr0', 'sr1'],
    );
    const disks = (await shown()).vm!.disks.map((d) => `${d.name} ${d.bus} ${d.cache}`);
    assert.deepEqual(disks, [
      'disk0.qcow2 virtio writeback',
      'disk1.qcow2 scsi writethrough',
      'disk2.qcow2 sata none',
    ]);
  });

  test("QEMU's command line has each disk's bus and cache mode", async () => {
    const dir = path.join(stack.agent.dataDir, 'vms', vm.id);
    const pid = (await readFile(path.join(dir, 'qemu.pid'), 'utf8')).trim();
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
    assert.match(cmdline, /id=disk0,format=qcow2,cache=writeback,/);
    assert.match(cmdline, /id=disk1,format=qcow2,cache=writethrough,/);
    assert.match(cmdline, /id=disk2,format=qcow2,cache=none,/);
    assert.match(cmdline, /virtio-scsi-pci,id=scsi0 /);
    assert.match(cmdline, /scsi-hd,drive=disk1,/);
    // Drive 0 on ide.0, drive 1 on ide.1, then the sata disk.
    assert.match(cmdline, /ide-hd,drive=disk2,id=vdisk2,bus=ide\.2/);
  });

  /**
   * Whether the guest reads a medium in a drive. Reading is what makes Linux look: an empty
   * drive's /sys size is a 1 GiB default, the medium's own once it has been read.
   */
  const medium = async (dev: string) => {
    const read = await guest(stack, vm.id, [
      'dd',
      `if=/dev/${dev}`,
      'of=/dev/null',
      'bs=2048',
      'count=1',
    ]);
    return read.exitCode === 0 ? guestMiB(dev) : null;
  };

  test('an ISO goes into the second drive live and the guest reads it', async () => {
    assert.equal(await medium('sr1'), null);
    const res = await stack.call<VmDriveChange>('PUT', url('/cd-drives/1'), {
      iso: 'tiny-linux.iso',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.applies, 'live');
    assert.deepEqual(res.body.instance.vm!.cdDrives, [
      { drive: 0, iso: null },
      { drive: 1, iso: 'tiny-linux.iso' },
    ]);
    const isos = await stack.call<{ items: Iso[] }>('GET', '/api/v1/isos');
    const iso = isos.body.items.find((i) => i.name === 'tiny-linux.iso')!.sizeBytes;
    let seen: number | null = null;
    await until(
      'the guest to read the ISO in sr1',
      async () => (seen = await medium('sr1')) === iso / 1024 / 1024,
      30_000,
      500,
    ).catch((err: Error) => {
      throw new Error(`sr1 reads as ${seen} MiB, the ISO is ${iso} bytes`, { cause: err });
    });
    const eject = await stack.call<VmDriveChange>('PUT', url('/cd-drives/1'), { iso: null });
    assert.equal(eject.body.applies, 'live');
    await until(
      'the guest to find sr1 empty',
      async () => (await medium('sr1')) === null,
      30_000,
      500,
    );
  });

  test('a running VM takes a bus change at its next start, and no non-virtio disk live', async () => {
    const edit = await stack.call<TaskReply>('PUT', url('/disks/disk1.qcow2/settings?sync=true'), {
      cache: 'unsafe',
    });
    assert.equal(edit.body.task.status, 'succeeded', JSON.stringify(edit.body));
    assert.equal((edit.body.task.result as VmDriveChange).applies, 'next-start');
    const pending = (await shown()).vm!.pendingChanges!.find((p) => p.field === 'disks');
    assert.ok(pending, 'the cache change is pending');
    const live = await stack.call<ErrorReply>('POST', url('/disks?sync=true'), {
      sizeMiB: 32,
      bus: 'sata',
    });
    assert.equal(live.status, 409, JSON.stringify(live.body));
    assert.match(live.body.error.message, /only virtio disks live/);
  });

  test('a virtio disk hot-plugged with writethrough: the guest is told of no write cache', async () => {
    const added = await stack.call<TaskReply>('POST', url('/disks?sync=true'), {
      sizeMiB: 16,
      cache: 'writethrough',
    });
    assert.equal(added.body.task.status, 'succeeded', JSON.stringify(added.body));
    assert.equal((added.body.task.result as { live: boolean }).live, true);
    await until(
      'the guest to see vdb',
      async () => (await guestBlocks()).some((b) => b.name === 'vdb'),
      60_000,
      500,
    );
    const wc = await guest(stack, vm.id, ['cat', '/sys/block/vdb/queue/write_cache']);
    assert.equal(wc.stdout.trim(), 'write through');
    const vda = await guest(stack, vm.id, ['cat', '/sys/block/vda/queue/write_cache']);
    assert.equal(vda.stdout.trim(), 'write back');
    // What the running QEMU has now: the added disk is not "pending".
    const pending = (await shown()).vm!.pendingChanges!.find((p) => p.field === 'disks');
    const running = pending?.running as Array<{ file: string; cache: string }>;
    assert.deepEqual(running.find((d) => d.file === 'disk3.qcow2')?.cache, 'writethrough');
  });

  test("q35's six AHCI ports: a seventh device is a 409 that says why", async () => {
    // Used: drive 0, drive 1, the sata disk2. Two more drives and one disk moved to ide fill them.
    for (let i = 0; i < 2; i++) {
      const add = await stack.call<TaskReply>('POST', url('/cd-drives?sync=true'), {});
      assert.equal(add.body.task.status, 'succeeded', JSON.stringify(add.body));
    }
    const fifth = await stack.call<ErrorReply>('POST', url('/cd-drives?sync=true'), {});
    assert.equal(fifth.status, 409);
    assert.match(fifth.body.error.message, /4 CD drives/);
    const ide = await stack.call<TaskReply>('PUT', url('/disks/disk1.qcow2/settings?sync=true'), {
      bus: 'ide',
    });
    assert.equal(ide.body.task.status, 'succeeded', JSON.stringify(ide.body));
    const full = await stack.call<ErrorReply>('PUT', url('/disks/disk0.qcow2/settings?sync=true'), {
      bus: 'sata',
    });
    assert.equal(full.status, 409, JSON.stringify(full.body));
    assert.match(full.body.error.message, /AHCI controller has 6/);
    const removed = await stack.call<TaskReply>('DELETE', url('/cd-drives/3?sync=true'));
    assert.equal(removed.body.task.status, 'succeeded', JSON.stringify(removed.body));
  });

  for (const [what, failpoint, request] of [
    ['a disk edit', 'vm.disk.settings', ['PUT', '/disks/disk2.qcow2/settings', { bus: 'scsi' }]],
    ['a drive add', 'vm.cdrom.record', ['POST', '/cd-drives', { iso: 'tiny-linux.iso' }]],
  ] as const) {
    test(`the agent killed in the middle of ${what} leaves the old record`, async () => {
      const before = (await shown()).vm!;
      await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: failpoint } });
      const [method, rest, body] = request;
      const res = await stack.call<TaskReply>(method, url(rest), body);
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const task = await replayedAfterKill(stack, res.body.task.id);
      assert.equal(task.status, 'failed');
      const after = await shown();
      assert.deepEqual(after.vm!.disks, before.disks);
      assert.deepEqual(after.vm!.cdDrives, before.cdDrives);
      assert.equal(after.state, 'running');
    });
  }

  test('a snapshot with memory holds the devices: no bus or drive change, a cache change is fine', async () => {
    const snap = await stack.call<TaskReply>('POST', url('/snapshots?sync=true'), {
      name: 'mem',
      withMemory: true,
    });
    assert.equal(snap.body.task.status, 'succeeded', JSON.stringify(snap.body));
    const bus = await stack.call<ErrorReply>('PUT', url('/disks/disk2.qcow2/settings?sync=true'), {
      bus: 'scsi',
    });
    assert.equal(bus.status, 409, JSON.stringify(bus.body));
    assert.match(bus.body.error.message, /snapshots with memory \(mem\)/);
    const drive = await stack.call<ErrorReply>('POST', url('/cd-drives?sync=true'), {});
    assert.equal(drive.status, 409, JSON.stringify(drive.body));
    const cache = await stack.call<TaskReply>('PUT', url('/disks/disk2.qcow2/settings?sync=true'), {
      cache: 'writeback',
    });
    assert.equal(cache.body.task.status, 'succeeded', JSON.stringify(cache.body));
    const gone = await stack.call<TaskReply>('DELETE', url('/snapshots/mem?sync=true'));
    assert.equal(gone.body.task.status, 'succeeded', JSON.stringify(gone.body));
  });

  test('restarted, it boots from its first disk on scsi and takes what was pending', async () => {
    const edit = await stack.call<TaskReply>('PUT', url('/disks/disk0.qcow2/settings?sync=true'), {
      bus: 'scsi',
    });
    assert.equal(edit.body.task.status, 'succeeded', JSON.stringify(edit.body));
    await act(stack, vm.id, 'stop');
    await act(stack, vm.id, 'start');
    await waitForGuest(stack, vm.id);
    const blocks = await guestBlocks();
    // disk0 left virtio; the hot-plugged disk3 stays on it.
    assert.deepEqual(
      blocks.filter((b) => b.name.startsWith('vd')).map((b) => b.name),
      ['vda'],
      JSON.stringify(blocks),
    );
    assert.equal(blocks.filter((b) => /virtio\d+\/host/.test(b.link)).length, 1);
    // disk1 moved to ide and disk2 stayed sata: both on AHCI now.
    assert.equal(
      blocks.filter((b) => b.name.startsWith('sd') && /\/ata\d+\//.test(b.link)).length,
      2,
    );
    assert.deepEqual((await shown()).vm!.pendingChanges, []);
  });

  test("boot order 'cdrom' boots the first drive holding media: drive 1 while drive 0 is empty", async () => {
    await act(stack, vm.id, 'stop');
    const iso = await stack.call('PUT', url('/cd-drives/1'), { iso: 'tiny-linux.iso' });
    assert.equal(iso.status, 200, JSON.stringify(iso.body));
    // strict boot with the CD alone: only a drive with bootindex is tried.
    const boot = await stack.call('PUT', url('/hardware'), { boot: ['cdrom'] });
    assert.equal(boot.status, 200, JSON.stringify(boot.body));
    const dir = path.join(stack.agent.dataDir, 'vms', vm.id);
    await act(stack, vm.id, 'start');
    const pid = (await readFile(path.join(dir, 'qemu.pid'), 'utf8')).trim();
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
    assert.match(cmdline, /ide-cd,drive=cd1,id=cdrom1,bus=ide\.1,bootindex=1/);
    assert.doesNotMatch(cmdline, /drive=cd0,id=cdrom0,bus=ide\.0,bootindex/);
    await waitForGuest(stack, vm.id);
  });
});
