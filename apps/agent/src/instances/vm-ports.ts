import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type {
  AddVmPortRequest,
  VmDeviceChange,
  VmDevices,
  VmPort,
  VmUsbDevice,
} from '@berth/contracts';
import { MAX_SERIAL_PORTS, conflict, notFound, wrongState } from '@berth/contracts';
import { vmPaths } from '../drivers/qemu/cmdline.js';
import { DEFAULT_USB, portFile, type PortRecord, type UsbRecord } from '../drivers/qemu/devices.js';
import { virtualSize } from '../storage/qcow2.js';
import { startSettings, type VmRecord } from './vm-record.js';
import type { Vms } from './vms.js';

/** A file port's download is its last bytes: a chatty guest's log can grow without end. */
export const PORT_LOG_CAP = 16 * 1024 * 1024;
const LIVE = new Set(['running', 'paused']);

const sizeOf = (file: string) =>
  stat(file).then(
    (s) => s.size,
    () => null,
  );

/**
 * Items of the saved list beside those of the running QEMU: what is in one only waits for the
 * next start (added, or still there until it is removed). A stopped VM has nothing pending.
 */
function withPending<T>(next: readonly T[], running: readonly T[] | null) {
  const same = (a: T) => (b: T) => JSON.stringify(a) === JSON.stringify(b);
  if (!running) return next.map((item) => ({ item, pending: null }));
  return [
    ...next.map((item) => ({ item, pending: running.some(same(item)) ? null : ('add' as const) })),
    ...running
      .filter((item) => !next.some(same(item)))
      .map((item) => ({ item, pending: 'remove' as const })),
  ];
}

/**
 * A VM's serial ports beside its console, and its parallel port: saved in its record (one atomic
 * write: a kill leaves the old record or the new) and taken by QEMU at the next start, because
 * ISA devices cannot be hot-plugged.
 */
export class VmPorts {
  constructor(private readonly vms: Vms) {}

  async devices(id: string): Promise<VmDevices> {
    const vm = this.vms.resolve(id);
    const dir = this.vms.target(vm).dir;
    const next = startSettings(vm);
    const running = LIVE.has(await this.vms.state(vm)) ? (vm.started ?? null) : null;
    const ports: VmPort[] = [
      {
        name: 'serial0',
        kind: 'serial',
        target: 'console',
        pending: null,
        logBytes: await sizeOf(this.logFile(vm, 'serial0')),
      },
    ];
    for (const { item, pending } of withPending<PortRecord>(
      next.ports,
      running ? (running.ports ?? []) : null,
    )) {
      ports.push({
        name: item.name,
        kind: item.name.startsWith('serial') ? 'serial' : 'parallel',
        target: item.target,
        pending,
        logBytes: item.target === 'file' ? await sizeOf(portFile(dir, item)) : null,
      });
    }
    const onBus = running ? await this.usbBus(vm) : null;
    const usb: VmUsbDevice[] = [];
    // A VM started before USB devices could change runs with the tablet alone.
    const runningUsb = running ? (running.usb ?? DEFAULT_USB) : null;
    for (const { item, pending } of withPending<UsbRecord>(next.usb, runningUsb)) {
      usb.push({
        name: item.name,
        kind: item.kind,
        pending,
        sizeBytes: item.file
          ? await virtualSize(path.join(dir, item.file)).catch(() => null)
          : null,
        attached: onBus && onBus.has(item.name),
      });
    }
    ports.sort((a, b) => a.name.localeCompare(b.name));
    return { ports, usb };
  }

  /**
   * The devices on the running QEMU's USB bus, as `info usb` lists them: by id, and the tablet
   * (which has none) by its product name. Null when QEMU does not answer.
   */
  private async usbBus(vm: VmRecord): Promise<Set<string> | null> {
    try {
      const qmp = await this.vms.qemu.qmp(this.vms.target(vm));
      const lines = (await qmp.hmp('info usb', 5000)).split('\n');
      return new Set(
        lines.flatMap((line) => {
          const id = /, ID: (\S+)/.exec(line)?.[1];
          if (id) return [id];
          return /Product QEMU USB Tablet/.test(line) ? ['tablet'] : [];
        }),
      );
    } catch {
      return null;
    }
  }

  async add(id: string, req: AddVmPortRequest): Promise<VmDeviceChange> {
    const vm = this.vms.resolve(id);
    return this.vms.busy.hold(vm.id, 'instance.configure', async () => {
      await this.assertChangeable(vm);
      const ports = vm.ports ?? [];
      let name: string;
      if (req.kind === 'parallel') {
        if (ports.some((p) => p.name === 'parallel0')) {
          throw conflict('the VM has its parallel port already; it can have one');
        }
        name = 'parallel0';
      } else {
        const free = [1, 2, 3].find((n) => !ports.some((p) => p.name === `serial${n}`));
        if (free === undefined) {
          throw conflict(
            `the VM has ${MAX_SERIAL_PORTS} serial ports (serial0 to serial3), as many as it can have`,
          );
        }
        name = `serial${free}`;
      }
      await this.vms.save(vm, { ports: [...ports, { name, target: req.target }] });
      this.vms.states.updated(await this.vms.get(vm.id));
      return { device: name, applies: 'next-start' as const, note: null };
    });
  }

  async remove(id: string, name: string): Promise<VmDeviceChange> {
    const vm = this.vms.resolve(id);
    return this.vms.busy.hold(vm.id, 'instance.configure', async () => {
      if (name === 'serial0') {
        throw conflict('serial0 is the VM’s console; it stays', 'port');
      }
      const ports = vm.ports ?? [];
      if (!ports.some((p) => p.name === name)) throw notFound(`port ${name} of VM ${vm.name}`);
      await this.assertChangeable(vm);
      // A file port's log stays in the VM's folder, downloadable, until the VM is deleted.
      await this.vms.save(vm, { ports: ports.filter((p) => p.name !== name) });
      this.vms.states.updated(await this.vms.get(vm.id));
      return { device: name, applies: 'next-start' as const, note: null };
    });
  }

  /** The last PORT_LOG_CAP bytes of a file port's log, as a stream. */
  async log(id: string, name: string): Promise<{ stream: Readable; bytes: number; cut: boolean }> {
    const vm = this.vms.resolve(id);
    const file = this.logFile(vm, name);
    const size = await sizeOf(file);
    if (size === null) throw notFound(`a log of port ${name} of VM ${vm.name}`);
    const start = Math.max(0, size - PORT_LOG_CAP);
    // Read up to the size seen now: the guest may go on writing while this streams.
    const stream = createReadStream(file, { start, end: Math.max(start, size - 1) });
    return { stream, bytes: size - start, cut: start > 0 };
  }

  /** serial0's is the console's log, which the browser's serial console replays from. */
  private logFile(vm: VmRecord, name: string): string {
    const dir = this.vms.target(vm).dir;
    return name === 'serial0' ? vmPaths(dir).serialLog : portFile(dir, { name, target: 'file' });
  }

  /** A suspended VM's saved machine state has its devices as they were: they stay until it resumes. */
  private async assertChangeable(vm: VmRecord): Promise<void> {
    const state = await this.vms.state(vm);
    if (state === 'suspended') throw wrongState('the VM is suspended: resume it first');
  }
}
