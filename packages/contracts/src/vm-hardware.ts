import { z } from 'zod';
import { Instance } from './instances.js';

export const VmFirmware = z.enum(['bios', 'uefi']);
export type VmFirmware = z.infer<typeof VmFirmware>;

export const VmBootDevice = z.enum(['disk', 'cdrom', 'network']);

/**
 * A VM's settings that QEMU takes only at start. Names are checked against what this host's
 * QEMU offers (`-machine help`, `-cpu help`); only q35 machines, because every VM's disks after
 * the first sit on PCIe root ports that the i440fx `pc` machine does not have.
 */
export const VmHardwareRequest = z
  .strictObject({
    firmware: VmFirmware.optional(),
    machine: z
      .string()
      .regex(/^(q35|pc-q35-[0-9]{1,2}\.[0-9]{1,2})$/, 'a q35 machine type: q35, pc-q35-7.2…')
      .optional(),
    cpuModel: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a CPU model as `-cpu help` names it')
      .nullable()
      .optional()
      .describe('null: the default (host under KVM, max under TCG)'),
    boot: z.array(VmBootDevice).min(1).max(3).optional(),
  })
  .refine((r) => !r.boot || new Set(r.boot).size === r.boot.length, {
    message: 'a device is named twice',
    path: ['boot'],
  })
  .refine((r) => Object.keys(r).length > 0, { message: 'nothing to change' });
export type VmHardwareRequest = z.infer<typeof VmHardwareRequest>;

export const VmHardwareChange = z.object({
  instance: Instance,
  applies: z.enum(['live', 'next-start']),
});
export type VmHardwareChange = z.infer<typeof VmHardwareChange>;

/** What this host's QEMU offers, for the Hardware tab's choices. */
export const VmHardwareChoices = z.object({
  machines: z.array(z.string()),
  cpuModels: z.array(z.string()),
  uefi: z.boolean().describe('OVMF is installed'),
});
export type VmHardwareChoices = z.infer<typeof VmHardwareChoices>;
