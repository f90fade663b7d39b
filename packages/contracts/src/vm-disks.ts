import { z } from 'zod';
import { DiskSizeMiB, InstanceRef } from './instances.js';
import { VmDiskBus, VmDiskCache } from './vm-disk-bus.js';

/** A VM disk as its instance lists it (vm.disks[].name): the qcow2 file in the VM's folder. */
export const VmDiskName = z
  .string()
  .regex(
    /^disk(0|[1-9][0-9]?)\.qcow2$/,
    'a VM disk as the instance lists it: disk0.qcow2, disk1.qcow2…',
  );

export const VmDiskRef = InstanceRef.extend({ disk: VmDiskName });

/**
 * A new empty qcow2 disk: hot-plugged into a running VM, else there at its next start. Only a
 * virtio disk can be hot-plugged: another bus on a running VM is a 409.
 */
export const AddVmDiskRequest = z.strictObject({
  sizeMiB: DiskSizeMiB,
  bus: VmDiskBus.optional(),
  cache: VmDiskCache.optional(),
});
export type AddVmDiskRequest = z.infer<typeof AddVmDiskRequest>;

/** Disks only grow: a size below the present one is a 400. */
export const ResizeVmDiskRequest = z.strictObject({ sizeMiB: DiskSizeMiB });
export type ResizeVmDiskRequest = z.infer<typeof ResizeVmDiskRequest>;

/** What a disk change did: whether the running guest got it now or gets it at its next start. */
export const VmDiskChange = z.object({
  disk: VmDiskName,
  sizeBytes: z.number().int(),
  live: z.boolean(),
  note: z.string().nullable(),
});
export type VmDiskChange = z.infer<typeof VmDiskChange>;

/**
 * What an imported disk image may be. `raw` has no header to recognise, so it is taken only when
 * named: an unnamed upload that is none of the others is refused as not a disk image.
 */
export const ImportableDiskFormat = z.enum(['qcow2', 'vmdk', 'vdi', 'vhdx', 'raw']);
export type ImportableDiskFormat = z.infer<typeof ImportableDiskFormat>;

/** A disk image uploaded as the raw body, converted to the VM's next qcow2 disk. */
export const ImportVmDiskQuery = z.strictObject({ format: ImportableDiskFormat.optional() });
export type ImportVmDiskQuery = z.infer<typeof ImportVmDiskQuery>;
