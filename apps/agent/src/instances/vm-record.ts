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
  nics: Array<{ network: string; mac: string; tap: string }>;
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
}

export interface VmSnapshot {
  name: string;
  parent: string | null;
  description: string;
  createdAt: string;
  withMemory: boolean;
}

export const SUSPEND_SNAPSHOT = 'berth-suspend';
