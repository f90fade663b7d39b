import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type {
  AddVmUsbRequest,
  AddVmUsbStorageQuery,
  Operation,
  Progress,
  VmDeviceChange,
} from '@berth/contracts';
import { MAX_USB_DEVICES, badRequest, conflict, notFound, wrongState } from '@berth/contracts';
import {
  DEFAULT_USB,
  USB_PORTS,
  plugUsb,
  unplugUsb,
  type UsbRecord,
} from '../drivers/qemu/devices.js';
import { inspectImage, receiveImage } from '../storage/disk-import.js';
import { assertFreeSpace } from '../storage/free-space.js';
import { convertToQcow2 } from '../storage/qcow2.js';
import { startSettings, type VmRecord } from './vm-record.js';
import type { Vms } from './vms.js';

const LIVE = new Set(['running', 'paused']);
/** A qcow2's tables beside what it holds. */
const METADATA_BYTES = 4 * 1024 * 1024;

/**
 * A VM's USB devices: the tablet, keyboards, and storage from an uploaded raw or qcow2 image
 * (kept as a qcow2 in the VM's folder, so savevm can snapshot it with the disks). Keyboards and
 * storage are plugged into and pulled from a running VM (QMP device_add/device_del on the EHCI
 * bus); the tablet, on the command line without an id, changes at the next start. Each change is
 * an operation with a journaled intent whose commit point is the record's write.
 */
export class VmUsb {
  constructor(private readonly vms: Vms) {}

  async add(id: string, req: AddVmUsbRequest): Promise<Operation> {
    const vm = await this.assertCanAdd(id);
    if (req.kind === 'tablet') {
      if (this.usb(vm).some((d) => d.kind === 'tablet')) {
        throw conflict('the VM has its tablet already');
      }
      return this.attach(vm, { name: 'tablet', kind: 'tablet' }, null);
    }
    return this.attach(vm, { name: await this.freePort(vm), kind: 'keyboard' }, null);
  }

  /** A stick from an image sent as the body: received, checked as a disk import is, converted. */
  async addStorage(
    id: string,
    body: Readable,
    declaredBytes: number | null,
    query: AddVmUsbStorageQuery,
  ): Promise<Operation> {
    let vm: VmRecord;
    let name: string;
    try {
      vm = await this.assertCanAdd(id);
      name = await this.freePort(vm);
    } catch (err) {
      await finished(body.resume()).catch(() => undefined);
      throw err;
    }
    const dir = this.vms.target(vm).dir;
    const staging = await this.vms.busy.hold(vm.id, 'instance.usb.add', () =>
      receiveImage(dir, body, declaredBytes),
    );
    try {
      const image = await inspectImage(staging, query.format);
      if (image.format !== 'raw' && image.format !== 'qcow2') {
        throw badRequest(
          `a USB stick comes from a raw or qcow2 image, not ${image.format}`,
          'format',
        );
      }
      await assertFreeSpace(dir, image.allocatedBytes + METADATA_BYTES, 'the USB stick');
      const device = { name, kind: 'storage' as const, file: `${name}.qcow2` };
      return this.attach(vm, device, staging, async (file, progress) => {
        progress(10, `converting the ${image.format} image to qcow2`);
        await convertToQcow2(file, staging, image.format);
        await rm(staging, { force: true });
      });
    } catch (err) {
      await rm(staging, { force: true });
      throw err;
    }
  }

  async remove(id: string, name: string): Promise<Operation> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    const device = this.usb(vm).find((d) => d.name === name);
    if (!device) throw notFound(`USB device ${name} of VM ${vm.name}`);
    await this.assertChangeable(vm);
    const dir = this.vms.target(vm).dir;
    const file = device.file ? path.join(dir, device.file) : undefined;
    return this.vms.busy.start(
      vm.id,
      'instance.usb.remove',
      async (progress, step): Promise<VmDeviceChange> => {
        const live = LIVE.has(await this.vms.state(vm)) && device.kind !== 'tablet';
        if (live && this.runningHas(vm, device)) {
          progress(20, 'pulling it out of the running VM');
          await step('vm.usb.detach');
          await unplugUsb(await this.vms.qemu.qmp(this.vms.target(vm)), device);
          await this.setStarted(vm, (usb) => usb.filter((d) => d.name !== name));
        }
        await step('vm.usb.record');
        await this.vms.save(vm, { usb: this.usb(vm).filter((d) => d.name !== name) });
        this.vms.states.updated(await this.vms.get(vm.id));
        if (file) {
          await step('vm.usb.delete');
          await rm(file, { force: true });
        }
        return { device: name, applies: live ? 'live' : 'next-start', note: null };
      },
      { type: 'vm.usb', vmId: vm.id, dir, device: name, action: 'remove', ...(file && { file }) },
    );
  }

  /**
   * Writes a stick's file with `produce`, records the device (the commit point) and plugs it into
   * a running VM. A kill before the record rolls the file (and an upload) back; after it, the VM
   * has the device from its next start at the latest.
   */
  private attach(
    vm: VmRecord,
    device: UsbRecord,
    staging: string | null,
    produce?: (file: string, progress: Progress) => Promise<void>,
  ): Operation {
    const dir = this.vms.target(vm).dir;
    const file = device.file ? path.join(dir, device.file) : undefined;
    return this.vms.busy.start(
      vm.id,
      'instance.usb.add',
      async (progress, step): Promise<VmDeviceChange> => {
        const live = LIVE.has(await this.vms.state(vm));
        try {
          if (file && produce) {
            await step('vm.usb.create');
            await produce(file, progress);
          }
          await step('vm.usb.record');
          await this.vms.save(vm, { usb: [...this.usb(vm), device] });
        } catch (err) {
          if (file) await rm(file, { force: true });
          throw err;
        }
        this.vms.states.updated(await this.vms.get(vm.id));
        if (!live) return { device: device.name, applies: 'next-start', note: null };
        if (device.kind === 'tablet') {
          return {
            device: device.name,
            applies: 'next-start',
            note: 'the tablet is on the command line; a running VM gets it at its next start',
          };
        }
        progress(60, 'plugging it into the running VM');
        await step('vm.usb.attach');
        try {
          await plugUsb(await this.vms.qemu.qmp(this.vms.target(vm)), dir, device);
        } catch (err) {
          return {
            device: device.name,
            applies: 'next-start',
            note: `QEMU did not take it live (${(err as Error).message}); the VM has it from its next start`,
          };
        }
        await this.setStarted(vm, (usb) => [...usb, device]);
        this.vms.states.updated(await this.vms.get(vm.id));
        return { device: device.name, applies: 'live', note: null };
      },
      {
        type: 'vm.usb',
        vmId: vm.id,
        dir,
        device: device.name,
        action: 'add',
        ...(file && { file }),
        ...(staging && { staging }),
      },
    );
  }

  private usb(vm: VmRecord): UsbRecord[] {
    return [...startSettings(vm).usb];
  }

  private runningHas(vm: VmRecord, device: UsbRecord): boolean {
    return (vm.started?.usb ?? DEFAULT_USB).some((d) => d.name === device.name);
  }

  /** What the running QEMU has now, so the device is not listed as waiting for the next start. */
  private async setStarted(vm: VmRecord, change: (usb: UsbRecord[]) => UsbRecord[]) {
    if (!vm.started) return;
    const usb = vm.started.usb ?? DEFAULT_USB;
    await this.vms.save(vm, { started: { ...vm.started, usb: change([...usb]) } });
  }

  /** The lowest EHCI port that neither the saved list nor the running VM uses. */
  private async freePort(vm: VmRecord): Promise<string> {
    const running = LIVE.has(await this.vms.state(vm)) ? (vm.started?.usb ?? []) : [];
    const used = new Set([...this.usb(vm), ...running].map((d) => d.name));
    const port = USB_PORTS.find((n) => !used.has(`usb${n}`));
    if (port === undefined) {
      throw conflict(
        `the VM's USB controller has ${MAX_USB_DEVICES} ports, all taken (the tablet's included)`,
      );
    }
    return `usb${port}`;
  }

  private async assertCanAdd(id: string): Promise<VmRecord> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    await this.assertChangeable(vm);
    return vm;
  }

  /** A suspended VM's saved machine state has its devices as they were: they stay until it resumes. */
  private async assertChangeable(vm: VmRecord): Promise<void> {
    const state = await this.vms.state(vm);
    if (state === 'suspended') throw wrongState('the VM is suspended: resume it first');
    if (state !== 'stopped' && !LIVE.has(state)) {
      throw wrongState(`the VM is ${state}: its USB devices change when it runs or is stopped`);
    }
  }
}
