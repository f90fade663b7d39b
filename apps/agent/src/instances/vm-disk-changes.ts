import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type {
  AddVmDiskRequest,
  ImportableDiskFormat,
  Operation,
  Progress,
  ResizeVmDiskRequest,
  VmDiskChange,
} from '@berth/contracts';
import { badRequest, conflict, notFound, wrongState } from '@berth/contracts';
import { MAX_DISKS, driveOf } from '../drivers/qemu/cmdline.js';
import { growLive, hotplugDisk, unplugDisk } from '../drivers/qemu/hotplug.js';
import { inspectImage, receiveImage } from '../storage/disk-import.js';
import { assertFreeSpace } from '../storage/free-space.js';
import {
  allocatedBytes,
  compactCopy,
  convertToQcow2,
  emptyDisk,
  growDisk,
  virtualSize,
} from '../storage/qcow2.js';
import { diskBuses, type StartSettings, type VmRecord } from './vm-record.js';
import { assertAhciRoom } from './vm-cdroms.js';
import type { Vms } from './vms.js';

const MiB = 1024 * 1024;
/** A new or grown qcow2 writes only its tables; the guest's writes come later. */
const METADATA_BYTES = 4 * MiB;
const LIVE = new Set(['running', 'paused']);
/** Where a stopped disk's compacted copy is written before it is renamed over the disk. */
export const COMPACT_SUFFIX = '.compact';
const mib = (bytes: number) => `${Math.round(bytes / MiB)} MiB`;

/**
 * A VM's disks after its create: a new empty one or one from an uploaded image (hot-plugged
 * when the VM runs), and growing one (block_resize live, qemu-img when stopped). Each is an
 * operation with a journaled intent.
 */
export class VmDiskChanges {
  constructor(private readonly vms: Vms) {}

  async add(id: string, request: AddVmDiskRequest): Promise<Operation> {
    const vm = await this.assertCanAdd(id);
    const settings = {
      ...(request.bus && { bus: request.bus }),
      ...(request.cache && { cache: request.cache }),
    };
    if ((request.bus ?? 'virtio') !== 'virtio') {
      // q35's AHCI ports and a virtio-scsi controller added at start take no hot-plug here.
      if (LIVE.has(await this.vms.state(vm))) {
        throw conflict(
          `a running VM takes only virtio disks live: stop it to add a ${request.bus} disk, or add it as virtio`,
        );
      }
      assertAhciRoom(
        [...vm.disks, { file: 'new', template: null, ...settings }],
        vm.cdroms ?? [],
        'the disk',
      );
    }
    const dir = this.vms.target(vm).dir;
    await assertFreeSpace(dir, METADATA_BYTES, 'a new disk');
    return this.attachNew(
      vm,
      'instance.disk.add',
      null,
      async (file) => {
        await emptyDisk(file, request.sizeMiB);
        return request.sizeMiB * MiB;
      },
      settings,
    );
  }

  /**
   * A disk from an uploaded image (qcow2, vmdk, vdi, vhdx or raw): received into the VM's
   * folder, inspected, then converted to the VM's next qcow2 disk as an operation. The upload
   * is refused before a byte when the VM cannot take a disk.
   */
  async importDisk(
    id: string,
    body: Readable,
    declaredBytes: number | null,
    format?: ImportableDiskFormat,
  ): Promise<Operation> {
    let vm: VmRecord;
    try {
      vm = await this.assertCanAdd(id);
    } catch (err) {
      await finished(body.resume()).catch(() => undefined);
      throw err;
    }
    const dir = this.vms.target(vm).dir;
    const staging = await this.vms.busy.hold(vm.id, 'instance.disk.import', () =>
      receiveImage(dir, body, declaredBytes),
    );
    try {
      const image = await inspectImage(staging, format);
      await assertFreeSpace(dir, image.allocatedBytes + METADATA_BYTES, 'the imported disk');
      return this.attachNew(vm, 'instance.disk.import', staging, async (file, progress) => {
        progress(10, `converting the ${image.format} image to qcow2`);
        await convertToQcow2(file, staging, image.format);
        await rm(staging, { force: true });
        return image.virtualBytes;
      });
    } catch (err) {
      await rm(staging, { force: true });
      throw err;
    }
  }

  async resize(id: string, disk: string, request: ResizeVmDiskRequest): Promise<Operation> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    const index = vm.disks.findIndex((d) => d.file === disk);
    if (index < 0) throw notFound(`disk ${disk} of VM ${vm.name}`);
    await this.assertChangeable(vm);
    const dir = this.vms.target(vm).dir;
    const file = path.join(dir, disk);
    const now = await virtualSize(file);
    const bytes = request.sizeMiB * MiB;
    if (bytes < now) {
      throw badRequest(
        `${disk} is ${Math.round(now / MiB)} MiB: disks only grow (shrinking would cut off what the guest keeps at the end)`,
        'sizeMiB',
      );
    }
    await assertFreeSpace(dir, METADATA_BYTES, 'growing a disk');
    return this.vms.busy.start(
      vm.id,
      'instance.disk.resize',
      async (progress, step): Promise<VmDiskChange> => {
        const state = await this.vms.state(vm);
        await step('vm.disk.resize');
        if (bytes === now) return { disk, sizeBytes: bytes, live: LIVE.has(state), note: null };
        if (LIVE.has(state)) {
          progress(30, 'growing it under the running guest');
          await growLive(await this.vms.qemu.qmp(this.vms.target(vm)), driveOf(disk), bytes);
        } else {
          await growDisk(file, request.sizeMiB);
        }
        return { disk, sizeBytes: await virtualSize(file), live: LIVE.has(state), note: null };
      },
      { type: 'vm.disk', vmId: vm.id, dir, file, action: 'resize' },
    );
  }

  private async assertCanAdd(id: string): Promise<VmRecord> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    if (vm.disks.length >= MAX_DISKS) {
      throw conflict(`the VM has ${MAX_DISKS} disks, as many as it can have`);
    }
    await this.assertChangeable(vm);
    return vm;
  }

  /**
   * Writes the VM's next disk with `produce`, records it (the commit point) and plugs it into
   * a running VM. A kill before the record rolls the file (and an import's upload) back.
   */
  private attachNew(
    vm: VmRecord,
    kind: 'instance.disk.add' | 'instance.disk.import',
    staging: string | null,
    produce: (file: string, progress: Progress) => Promise<number>,
    settings: Pick<VmRecord['disks'][number], 'bus' | 'cache'> = {},
  ): Operation {
    const index = [...Array(MAX_DISKS).keys()].find(
      (n) => !vm.disks.some((d) => d.file === `disk${n}.qcow2`),
    )!;
    const name = `disk${index}.qcow2`;
    const dir = this.vms.target(vm).dir;
    const file = path.join(dir, name);
    const action = kind === 'instance.disk.add' ? 'add' : 'import';
    return this.vms.busy.start(
      vm.id,
      kind,
      async (progress, step): Promise<VmDiskChange> => {
        const state = await this.vms.state(vm);
        await step('vm.disk.create');
        let sizeBytes: number;
        try {
          sizeBytes = await produce(file, progress);
          await step('vm.disk.record');
          // The commit point, before QEMU sees it: a kill after it leaves a disk for the next start.
          await this.vms.save(vm, {
            disks: [...vm.disks, { file: name, template: null, ...settings }],
          });
        } catch (err) {
          await rm(file, { force: true });
          throw err;
        }
        if (!LIVE.has(state)) return { disk: name, sizeBytes, live: false, note: null };
        progress(60, 'plugging it into the running VM');
        await step('vm.disk.attach');
        try {
          await hotplugDisk(
            await this.vms.qemu.qmp(this.vms.target(vm)),
            index,
            file,
            settings.cache,
          );
          await this.runningDisksChanged(vm, name, true);
          return { disk: name, sizeBytes, live: true, note: null };
        } catch (err) {
          return {
            disk: name,
            sizeBytes,
            live: false,
            note: `QEMU did not take it live (${(err as Error).message}); the VM has it from its next start`,
          };
        }
      },
      { type: 'vm.disk', vmId: vm.id, dir, file, action, ...(staging ? { staging } : {}) },
    );
  }

  /**
   * Removes a disk and its file: unplugged from a running guest first (it must let it go), then
   * dropped from the record (the commit point), then deleted. The boot disk stays, and so does
   * any disk while the VM has snapshots: reverting one needs every disk it was taken with.
   */
  async remove(id: string, disk: string): Promise<Operation> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    const index = vm.disks.findIndex((d) => d.file === disk);
    if (index < 0) throw notFound(`disk ${disk} of VM ${vm.name}`);
    if (index === 0) throw conflict(`${disk} is the VM's boot disk; it cannot be removed`);
    const snapshots = (vm.snapshots ?? []).map((s) => s.name);
    if (snapshots.length > 0) {
      throw conflict(
        `the VM has snapshots (${snapshots.join(', ')}) that hold ${disk}; delete them first`,
      );
    }
    await this.assertChangeable(vm);
    const dir = this.vms.target(vm).dir;
    const file = path.join(dir, disk);
    const sizeBytes = await virtualSize(file);
    return this.vms.busy.start(
      vm.id,
      'instance.disk.remove',
      async (progress, step): Promise<VmDiskChange> => {
        const live = LIVE.has(await this.vms.state(vm));
        if (live) {
          progress(10, 'asking the guest to release it');
          await step('vm.disk.detach');
          await unplugDisk(await this.vms.qemu.qmp(this.vms.target(vm)), driveOf(disk));
        }
        await step('vm.disk.record');
        await this.vms.save(vm, { disks: vm.disks.filter((d) => d.file !== disk) });
        if (live) await this.runningDisksChanged(vm, disk, false);
        await step('vm.disk.delete');
        await rm(file, { force: true });
        return { disk, sizeBytes, live, note: null };
      },
      { type: 'vm.disk', vmId: vm.id, dir, file, action: 'remove' },
    );
  }

  /**
   * Gives back the room a disk no longer uses. A running guest trims its filesystems through its
   * agent (guest-fstrim) and the disk's discard=unmap frees the clusters on the host. A stopped
   * disk is rewritten without its empty and zeroed clusters into `<disk>.compact`, renamed over
   * it (the commit point); not while the VM has snapshots, which the rewrite would drop.
   */
  async compact(id: string, disk: string): Promise<Operation> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    if (!vm.disks.some((d) => d.file === disk)) throw notFound(`disk ${disk} of VM ${vm.name}`);
    await this.assertChangeable(vm);
    const dir = this.vms.target(vm).dir;
    const file = path.join(dir, disk);
    const state = await this.vms.state(vm);
    const guest = this.vms.qemu.guestAgent(this.vms.target(vm));
    if (state === 'paused') throw wrongState('the VM is paused: resume it, or stop it, to compact');
    if (state === 'running' && !(await guest.ping())) {
      throw wrongState(
        'the guest agent is not answering, and only the guest can say what it no longer uses: start it in the guest, or stop the VM to compact the disk offline',
      );
    }
    const snapshots = (vm.snapshots ?? []).map((s) => s.name);
    if (state === 'stopped' && snapshots.length > 0) {
      throw conflict(
        `rewriting ${disk} would drop the VM's snapshots (${snapshots.join(', ')}); delete them first, or compact it while the VM runs`,
      );
    }
    const before = await allocatedBytes(file);
    // The copy is at most what the disk holds now.
    if (state === 'stopped') await assertFreeSpace(dir, before, `compacting ${disk}`);
    return this.vms.busy.start(
      vm.id,
      'instance.disk.compact',
      async (progress, step): Promise<VmDiskChange> => {
        const sizeBytes = await virtualSize(file);
        if (state === 'running') {
          progress(10, 'the guest trims its filesystems');
          await step('vm.disk.trim');
          const paths = await guest.trim();
          const failed = paths.filter((p) => p.error).map((p) => `${p.path}: ${p.error}`);
          const after = await allocatedBytes(file);
          return {
            disk,
            sizeBytes,
            live: true,
            note: `the guest trimmed ${paths.length - failed.length} filesystem(s)${failed.length ? ` (not ${failed.join('; ')})` : ''}; ${disk} takes ${mib(after)} on the host, was ${mib(before)}`,
          };
        }
        const copy = `${file}${COMPACT_SUFFIX}`;
        await step('vm.disk.compact');
        try {
          await compactCopy(file, copy, (f) => progress(5 + f * 85, `rewriting ${disk}`));
          await step('vm.disk.compact.rename');
          await rename(copy, file);
        } finally {
          await rm(copy, { force: true });
        }
        const after = await allocatedBytes(file);
        return {
          disk,
          sizeBytes,
          live: false,
          note: `${disk} takes ${mib(after)} on the host, was ${mib(before)}`,
        };
      },
      { type: 'vm.disk', vmId: vm.id, dir, file, action: 'compact' },
    );
  }

  /**
   * A disk plugged (with its bus and cache) or unplugged live changes what the running QEMU has
   * by that disk alone: other disks' saved changes still wait for the next start.
   */
  private async runningDisksChanged(vm: VmRecord, file: string, plugged: boolean): Promise<void> {
    if (!vm.started) return;
    const started: Partial<StartSettings> = vm.started;
    // A QEMU started before buses were recorded runs every disk on virtio with writeback.
    const before =
      started.disks ?? vm.disks.map((d) => ({ file: d.file, bus: 'virtio', cache: 'writeback' }));
    const others = before.filter((d) => d.file !== file);
    const disk = diskBuses(vm).find((d) => d.file === file);
    const disks = plugged && disk ? [...others, disk] : others;
    await this.vms.save(vm, { started: { ...vm.started, disks } });
  }

  /** A suspended VM's saved machine state has its disks as they were: they stay so until it resumes. */
  private async assertChangeable(vm: VmRecord): Promise<void> {
    const state = await this.vms.state(vm);
    if (state === 'suspended') throw wrongState('the VM is suspended: resume it first');
    if (state !== 'stopped' && !LIVE.has(state)) {
      throw wrongState(
        `the VM is ${state}: its disks change when it is running, paused or stopped`,
      );
    }
  }
}
