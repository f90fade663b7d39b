import type { Limits } from '@berth/contracts';

/** What Berth keeps about a VM: its vm.json, the one config file per VM the agent owns. */
export interface VmRecord {
  id: string;
  name: string;
  vcpus: number;
  memoryMiB: number;
  /** Disk files live in the VM's directory; template is the image a disk was cloned from. */
  disks: Array<{ file: string; template: string | null }>;
  cdrom: string | null;
  boot: Array<'disk' | 'cdrom' | 'network'>;
  /** ipv4 (address/prefix) is a static DHCP lease; without one the NIC gets any from the range. */
  nics: Array<{ network: string; mac: string; tap: string; ipv4?: string }>;
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
}

export interface StartSettings {
  firmware: 'bios' | 'uefi';
  machine: string;
  cpuModel: string | null;
  boot: Array<'disk' | 'cdrom' | 'network'>;
  vcpus: number;
  memoryMiB: number;
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
  };
}

/** Settings saved since the running QEMU started; empty when it runs with what is saved. */
export function pendingChanges(vm: VmRecord) {
  const next = startSettings(vm);
  const running = vm.started;
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
