import { z } from 'zod';
import { Instance, InstanceRef, IsoName } from './instances.js';

/** CD/DVD drives per VM: drive 0 (the instance's `cdrom`) and up to three more. */
export const MAX_CD_DRIVES = 4;

/** A drive by its number, as vm.cdDrives lists it; one the VM does not have is a 404. */
export const CdDriveRef = InstanceRef.extend({
  drive: z.coerce.number().int().min(0).max(99),
});

export const AddCdDriveRequest = z.strictObject({
  iso: IsoName.nullable().default(null).describe('an ISO from the store to put in it, or null'),
});
export type AddCdDriveRequest = z.input<typeof AddCdDriveRequest>;

/** Insert an ISO from the store into a drive, or null to eject. */
export const CdMediaRequest = z.strictObject({ iso: IsoName.nullable() });
export type CdMediaRequest = z.infer<typeof CdMediaRequest>;

/** What a CD drive or disk setting change did: the guest has it now, or at the next start. */
export const VmDriveChange = z.object({
  instance: Instance,
  applies: z.enum(['live', 'next-start']),
});
export type VmDriveChange = z.infer<typeof VmDriveChange>;
