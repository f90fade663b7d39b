import { z } from 'zod';
import { Hostname, ResourceName } from './common.js';
import { CustomTemplateName } from './templates.js';

/** A new name for an instance; a container's hostname too when given (running or stopped). */
export const RenameRequest = z.strictObject({
  name: ResourceName,
  hostname: Hostname.optional().describe(
    'containers: the new hostname (/etc/hostname, /etc/hosts, the UTS name); kept when omitted',
  ),
});
export type RenameRequest = z.infer<typeof RenameRequest>;

/** Whether an instance may be started: a disabled one keeps running until stopped, then stays so. */
export const DisableRequest = z.strictObject({ disabled: z.boolean() });
export type DisableRequest = z.infer<typeof DisableRequest>;

export const KeepFolder = z.enum(['root', 'home']);
export type KeepFolder = z.infer<typeof KeepFolder>;

/**
 * Recreates a stopped container's root filesystem from its template. CT ID, name, config,
 * addresses, limits and snapshots stay; `keep` carries /root and /home over from the old one.
 */
export const ReinstallRequest = z.strictObject({
  keep: z
    .array(KeepFolder)
    .max(2)
    .refine((k) => new Set(k).size === k.length, 'each folder once')
    .default([])
    .describe('folders copied from the old root filesystem into the new one'),
});
export type ReinstallRequest = z.infer<typeof ReinstallRequest>;
export type ReinstallRequestInput = z.input<typeof ReinstallRequest>;

/**
 * Makes a stopped VM a template: its first disk, flattened, becomes a read-only base that new
 * VMs start from (linked or copied), and the VM itself goes. Of a stopped container, its root
 * filesystem is packed as a template cache and the container stays.
 */
export const ConvertToTemplate = z.strictObject({
  name: CustomTemplateName.describe("the template's name, listed with the built-in ones"),
  description: z.string().max(500).default(''),
});
export type ConvertToTemplate = z.infer<typeof ConvertToTemplate>;
export type ConvertToTemplateInput = z.input<typeof ConvertToTemplate>;
