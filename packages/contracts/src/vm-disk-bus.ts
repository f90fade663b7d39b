import { z } from 'zod';

/**
 * The bus a VM disk sits on. On q35, sata and ide both are the machine's built-in AHCI
 * controller (it has no legacy IDE): six ports shared with the CD/DVD drives.
 */
export const VmDiskBus = z.enum(['virtio', 'scsi', 'sata', 'ide']);
export type VmDiskBus = z.infer<typeof VmDiskBus>;

/** QEMU's cache modes for a disk; writeback is what every disk had before this was a choice. */
export const VmDiskCache = z.enum(['none', 'writeback', 'writethrough', 'directsync', 'unsafe']);
export type VmDiskCache = z.infer<typeof VmDiskCache>;

/** A disk's bus and cache mode, taken by QEMU at the VM's next start. */
export const VmDiskSettingsRequest = z
  .strictObject({ bus: VmDiskBus.optional(), cache: VmDiskCache.optional() })
  .refine((r) => r.bus !== undefined || r.cache !== undefined, { message: 'nothing to change' });
export type VmDiskSettingsRequest = z.infer<typeof VmDiskSettingsRequest>;
