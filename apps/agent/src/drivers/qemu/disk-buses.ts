import path from 'node:path';
import type { VmDiskBus, VmDiskCache } from '@berth/contracts';
import { diskNumber } from './cmdline.js';

/** q35's built-in AHCI controller: ports ide.0 to ide.5, one device each, CD drives included. */
export const AHCI_PORTS = 6;

export interface DiskOnBus {
  file: string;
  bus?: VmDiskBus;
  cache?: VmDiskCache;
}

/** CD/DVD drives beside drive 0 (the record's `cdrom`), by their stable number. */
export interface CdDrive {
  drive: number;
  iso: string | null;
}

const onAhci = (d: DiskOnBus) => d.bus === 'sata' || d.bus === 'ide';

/**
 * The AHCI port of every device on it: drive 0 on ide.0 as always, then the other CD drives
 * and the sata and ide disks by number. Ports are given at each cold start; a VM's saved
 * machine state keeps the ports it had because its devices do not change while it is saved.
 */
export function ahciPorts(
  disks: readonly DiskOnBus[],
  cdDrives: readonly CdDrive[],
): { cd: Map<number, number>; disk: Map<string, number> } {
  const cd = new Map<number, number>([[0, 0]]);
  const disk = new Map<string, number>();
  let next = 1;
  for (const d of [...cdDrives].sort((a, b) => a.drive - b.drive)) cd.set(d.drive, next++);
  const ahciDisks = disks.filter(onAhci).sort((a, b) => diskNumber(a.file) - diskNumber(b.file));
  for (const d of ahciDisks) disk.set(d.file, next++);
  return { cd, disk };
}

/** How many AHCI ports these devices take (drive 0 included), to refuse a seventh. */
export const ahciUsed = (disks: readonly DiskOnBus[], cdDrives: readonly CdDrive[]) =>
  1 + cdDrives.length + disks.filter(onAhci).length;

/**
 * A disk's -drive and -device. A virtio disk with the default cache is written exactly as
 * before buses existed: saved machine states hold the command line they were taken with.
 */
export function diskArgs(
  dir: string,
  disk: DiskOnBus,
  port: { ahci: number | undefined; pcie: string },
  bootindex: string,
): string[] {
  const n = diskNumber(disk.file);
  const drive = `file=${path.join(dir, disk.file)},if=none,id=disk${n},format=qcow2,cache=${disk.cache ?? 'writeback'},discard=unmap`;
  const boot = n === 0 ? bootindex : '';
  switch (disk.bus ?? 'virtio') {
    case 'virtio':
      return [
        '-drive',
        drive,
        '-device',
        `virtio-blk-pci,drive=disk${n},id=vdisk${n}${n === 0 ? bootindex : `,bus=${port.pcie}`}`,
      ];
    case 'scsi':
      return [
        '-drive',
        drive,
        '-device',
        `scsi-hd,drive=disk${n},id=vdisk${n},bus=scsi0.0,channel=0,scsi-id=${n},lun=0${boot}`,
      ];
    case 'sata':
    case 'ide':
      return [
        '-drive',
        drive,
        '-device',
        `ide-hd,drive=disk${n},id=vdisk${n},bus=ide.${port.ahci}${boot}`,
      ];
  }
}

/** The one virtio-scsi controller, only when a disk uses it. */
export const scsiControllerArgs = (disks: readonly DiskOnBus[]) =>
  disks.some((d) => d.bus === 'scsi') ? ['-device', 'virtio-scsi-pci,id=scsi0'] : [];

/**
 * The CD drives beside drive 0, each present (possibly empty) so an ISO can go in live.
 * `bootCd` is the drive that boots when the boot order names the cdrom.
 */
export function cdDriveArgs(
  isoDir: string,
  cdDrives: readonly CdDrive[],
  ports: Map<number, number>,
  bootCd: number,
  bootindex: string,
): string[] {
  return [...cdDrives]
    .sort((a, b) => a.drive - b.drive)
    .flatMap((d) => [
      '-drive',
      `if=none,id=cd${d.drive},media=cdrom,readonly=on${d.iso ? `,file=${path.join(isoDir, d.iso)},format=raw` : ''}`,
      '-device',
      `ide-cd,drive=cd${d.drive},id=cdrom${d.drive},bus=ide.${ports.get(d.drive)}${d.drive === bootCd ? bootindex : ''}`,
    ]);
}

/** The drive "cdrom" in the boot order means: the first holding media, else drive 0. */
export function bootCdDrive(cdrom: string | null, cdDrives: readonly CdDrive[]): number {
  if (cdrom) return 0;
  return [...cdDrives].sort((a, b) => a.drive - b.drive).find((d) => d.iso)?.drive ?? 0;
}
