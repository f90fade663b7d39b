import { z } from 'zod';
import { ResourceName } from './common.js';

/** OS templates for containers: root filesystem caches. */
export const CtTemplateName = z.enum(['busybox', 'debian-12']);
export type CtTemplateName = z.infer<typeof CtTemplateName>;
/** VM templates: bootable disk images (and their ISO), built here from Debian's packages. */
export const VmTemplateName = z.enum(['tiny-linux']);
export type VmTemplateName = z.infer<typeof VmTemplateName>;
export const TemplateName = z.enum([...CtTemplateName.options, ...VmTemplateName.options]);
export type TemplateName = z.infer<typeof TemplateName>;

/** A VM template made from a VM ("convert to template"): its own name, never a built-in's. */
export const CustomTemplateName = ResourceName.refine(
  (n) => !(TemplateName.options as readonly string[]).includes(n),
  "that is a built-in template's name",
);
/** What a VM's disk may start from: a built-in template or one made from a VM. */
export const VmTemplateRef = z.union([VmTemplateName, CustomTemplateName]);
export type VmTemplateRef = z.infer<typeof VmTemplateRef>;

/**
 * How to log in on a console of an instance made from a built-in template, or null where no
 * login is asked (a container's shell is attached as its user already).
 */
export const LOGIN_HINTS: Record<TemplateName, string | null> = {
  busybox: null,
  'debian-12': null,
  'tiny-linux': 'root, no password',
};

export const Template = z.object({
  name: z.string().describe('a built-in template, or one made from a VM'),
  description: z.string(),
  loginHint: z
    .string()
    .nullable()
    .describe('how to log in on its console, e.g. "root, no password"'),
  kind: z.enum(['ct', 'vm']),
  cached: z.boolean().describe('ready to create instances from'),
  building: z.boolean(),
  sizeBytes: z.number().int().nullable(),
  builtAt: z.iso.datetime().nullable(),
  custom: z.boolean().describe('made from a VM (convert to template); it can be deleted'),
});
export type Template = z.infer<typeof Template>;

export const BuildTemplate = z
  .object({ rebuild: z.boolean().default(true).describe('build again even when cached') })
  .strict();
export type BuildTemplate = z.infer<typeof BuildTemplate>;
