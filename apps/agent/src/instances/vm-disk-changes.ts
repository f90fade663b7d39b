import { rm } from 'node:fs/promises';
import path from 'node:path';
import type {
  AddVmDiskRequest,
  Operation,
  ResizeVmDiskRequest,
  VmDiskChange,
} from '@berth/contracts';
import { badRequest, conflict, notFound, wrongState } from '@berth/contracts';
import { MAX_DISKS } from '../drivers/qemu/cmdline.js';
import { growLive, hotplugDisk } from '../drivers/qemu/hotplug.js';
import { assertFreeSpace } from '../storage/free-space.js';
import { emptyDisk, growDisk, virtualSize } from '../storage/qcow2.js';
import type { VmRecord } from './vm-record.js';
import type { Vms } from './vms.js';

const MiB = 1024 * 1024;
/** A new or grown qcow2 writes only its tables; the guest's writes come later. */
const METADATA_BYTES = 4 * MiB;
const LIVE = new Set(['running', 'paused']);

/**
 * A VM's disks after its create: a new empty one (hot-plugged when the VM runs) and growing one
 * (block_resize live, qemu-img when stopped). Both are operations with a journaled intent.
 */
export class VmDiskChanges {
  constructor(private readonly vms: Vms) {}

  async add(id: string, request: AddVmDiskRequest): Promise<Operation> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    if (vm.disks.length >= MAX_DISKS) {
      throw conflict(`the VM has ${MAX_DISKS} disks, as many as it can have`);
    }
    await this.assertChangeable(vm);
    const index = [...Array(MAX_DISKS).keys()].find(
      (n) => !vm.disks.some((d) => d.file === `disk${n}.qcow2`),
    )!;
    const name = `disk${index}.qcow2`;
    const dir = this.vms.target(vm).dir;
    const file = path.join(dir, name);
    await assertFreeSpace(dir, METADATA_BYTES, 'a new disk');
    return this.vms.busy.start(
      vm.id,
      'instance.disk.add',
      async (progress, step): Promise<VmDiskChange> => {
        const state = await this.vms.state(vm);
        await step('vm.disk.create');
        try {
          await emptyDisk(file, request.sizeMiB);
          await step('vm.disk.record');
          // The commit point, before QEMU sees it: a kill after it leaves a disk for the next start.
          await this.vms.save(vm, { disks: [...vm.disks, { file: name, template: null }] });
        } catch (err) {
          await rm(file, { force: true });
          throw err;
        }
        const sizeBytes = request.sizeMiB * MiB;
        if (!LIVE.has(state)) return { disk: name, sizeBytes, live: false, note: null };
        progress(60, 'plugging it into the running VM');
        await step('vm.disk.attach');
        try {
          await hotplugDisk(await this.vms.qemu.qmp(this.vms.target(vm)), index, file);
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
      { type: 'vm.disk', vmId: vm.id, dir, file, action: 'add' },
    );
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
          await growLive(await this.vms.qemu.qmp(this.vms.target(vm)), index, bytes);
        } else {
          await growDisk(file, request.sizeMiB);
        }
        return { disk, sizeBytes: await virtualSize(file), live: LIVE.has(state), note: null };
      },
      { type: 'vm.disk', vmId: vm.id, dir, file, action: 'resize' },
    );
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
