import { run } from '../../run.js';
import type { Qmp } from './qmp.js';
import { checked } from './snapshots.js';

/** One internal snapshot as a qcow2 file holds it. */
export interface DiskSnapshot {
  name: string;
  /** Bytes of machine state (memory, devices) saved with it; 0 for a disk-only snapshot. */
  vmStateSize: number;
}

interface ImageInfo {
  format: string;
  snapshots?: Array<{ name: string; 'vm-state-size': number }>;
}

/** A disk image's format and internal snapshots; -U reads it while a running QEMU holds it. */
export async function imageSnapshots(
  file: string,
): Promise<{ format: string; snapshots: DiskSnapshot[] }> {
  const info = await run('qemu-img', ['info', '--output=json', '-U', file]);
  const parsed = JSON.parse(info.stdout) as ImageInfo;
  return {
    format: parsed.format,
    snapshots: (parsed.snapshots ?? []).map((s) => ({
      name: s.name,
      vmStateSize: s['vm-state-size'],
    })),
  };
}

/** qemu-img snapshot on an image no QEMU holds: -c takes, -a applies, -d deletes. */
export async function offlineSnapshot(
  file: string,
  op: 'create' | 'apply' | 'delete',
  name: string,
): Promise<void> {
  const flag = { create: '-c', apply: '-a', delete: '-d' }[op];
  await run('qemu-img', ['snapshot', flag, name, file], { timeoutMs: 10 * 60_000 });
}

/** A disk-only snapshot of every drive of a running VM, all or none (one QMP transaction). */
export async function liveDiskSnapshot(qmp: Qmp, drives: string[], name: string): Promise<void> {
  await qmp.execute('transaction', {
    actions: drives.map((device) => ({
      type: 'blockdev-snapshot-internal-sync',
      data: { device, name },
    })),
  });
}

/** Deletes a snapshot from one drive of a running VM; a drive without it is no error. */
export async function liveDeleteSnapshot(qmp: Qmp, drive: string, name: string): Promise<void> {
  try {
    await qmp.execute('blockdev-snapshot-delete-internal-sync', { device: drive, name });
  } catch (err) {
    if (!/not found|can't find/i.test((err as Error).message)) throw err;
  }
}

/**
 * Puts a running VM's memory, devices and disks back as a savevm left them (HMP loadvm: QEMU
 * 7.2's snapshot-load job is still experimental). HMP says failure in its output.
 */
export async function loadMachineState(qmp: Qmp, name: string): Promise<void> {
  const out = await qmp.hmp(`loadvm ${checked(name)}`);
  if (/error|could not|failed/i.test(out)) throw new Error(`loadvm failed: ${out.trim()}`);
}
