import type { Limits, VmDiskBus, VmDiskCache } from '@berth/contracts';
import type { CdDrive } from '../drivers/qemu/disk-buses.js';
import { DEFAULT_USB, type PortRecord, type UsbRecord } from '../drivers/qemu/devices.js';

/** What Berth keeps about a VM: its vm.json, the one config file per VM the agent owns. */
export interface VmRecord {
  id: string;
  name: string;
  vcpus: number;
  memoryMiB: number;
  /** Disk files live in the VM's directory; template is the image a disk was cloned from. */
  disks: Array<{
    file: string;
    template: string | null;
    /** Absent: virtio and writeback, as every disk was before they could be chosen. */
    bus?: VmDiskBus;
    cache?: VmDiskCache;
  }>;
  /** CD drive 0's ISO. */
  cdrom: string | null;
  /** CD drives beside drive 0, by number (1 to 3); absent: drive 0 alone. */
  cdroms?: CdDrive[];
  boot: Array<'disk' | 'cdrom' | 'network'>;
  /** ipv4 (address/prefix) is a static DHCP lease; without one the NIC gets any from the range. */
  /** link 'down' is a disconnected cable (QMP set_link), set again at every start. */
  /** model 'e1000': an emulated e1000e; absent: virtio-net (and in records from before models). */
  nics: Array<{
    network: string;
    mac: string;
    tap: string;
    ipv4?: string;
    link?: 'down';
    model?: 'e1000';
  }>;
  /** Created since NIC hot-plug: its NICs sit on root ports of their own (cmdline's nicPort). */
  nicPorts?: boolean;
  onboot: boolean;
  description: string;
  tags: string[];
  createdAt: string;
  /** The machine state is saved in the first disk (savevm) and restored at the next start. */
  suspended: boolean;
  /** Resource limits; cpu.count and memory.limitMiB are vcpus and memoryMiB, never kept here. */
  limits?: Limits;
  /** Internal snapshots of the VM's disks as a tree; the disks' own lists are the truth. */
  snapshots?: VmSnapshot[];
  /** The snapshot the VM's present state descends from: where a new one hangs in the tree. */
  currentSnapshot?: string | null;
  /** Start-time settings; absent in records from before they existed: bios, q35, the default CPU. */
  firmware?: 'bios' | 'uefi';
  machine?: string;
  cpuModel?: string | null;
  /** The start-time settings the running QEMU was started with, to show what waits for the next start. */
  started?: StartSettings;
  /** Ports beside the serial0 console; absent: none. USB devices; absent: the tablet alone. */
  ports?: PortRecord[];
  usb?: UsbRecord[];
}

export interface StartSettings {
  firmware: 'bios' | 'uefi';
  machine: string;
  cpuModel: string | null;
  boot: Array<'disk' | 'cdrom' | 'network'>;
  vcpus: number;
  memoryMiB: number;
  ports: readonly PortRecord[];
  usb: readonly UsbRecord[];
  /** Every disk's bus and cache mode; a disk plugged or unplugged live is written here too. */
  disks: Array<{ file: string; bus: VmDiskBus; cache: VmDiskCache }>;
  /** The numbers of the CD drives QEMU has (0 and the record's cdroms). */
  cdDrives: number[];
}

/** What the VM's next start uses. */
export function startSettings(vm: VmRecord): StartSettings {
  return {
    firmware: vm.firmware ?? 'bios',
    machine: vm.machine ?? 'q35',
    cpuModel: vm.cpuModel ?? null,
    boot: vm.boot,
    vcpus: vm.vcpus,
    memoryMiB: vm.memoryMiB,
    ports: vm.ports ?? [],
    usb: vm.usb ?? DEFAULT_USB,
    disks: diskBuses(vm),
    cdDrives: [0, ...(vm.cdroms ?? []).map((d) => d.drive)],
  };
}

/** The disks' buses and caches, the defaults spelt out. */
export const diskBuses = (vm: VmRecord) =>
  vm.disks.map((d) => ({
    file: d.file,
    bus: d.bus ?? ('virtio' as const),
    cache: d.cache ?? ('writeback' as const),
  }));

/** Settings saved since the running QEMU started; empty when it runs with what is saved. */
export function pendingChanges(vm: VmRecord) {
  const next = startSettings(vm);
  // A VM started before ports and USB could change runs with none and the tablet; before buses
  // and CD drives could change, with virtio writeback disks and drive 0 alone.
  const started: Partial<StartSettings> | undefined = vm.started;
  const running = started && {
    ports: [],
    usb: DEFAULT_USB,
    disks: vm.disks.map((d) => ({ file: d.file, bus: 'virtio', cache: 'writeback' })),
    cdDrives: [0],
    ...started,
  };
  if (!running) return [];
  return (Object.keys(next) as Array<keyof StartSettings>)
    .filter((field) => JSON.stringify(next[field]) !== JSON.stringify(running[field]))
    .map((field) => ({ field, running: running[field], next: next[field] }));
}

export interface VmSnapshot {
  name: string;
  parent: string | null;
  description: string;
  createdAt: string;
  withMemory: boolean;
}

export const SUSPEND_SNAPSHOT = 'berth-suspend';
