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

/**
 * A template made from an instance (a VM converted, a container's filesystem packed, or one
 * imported from a file): its own name, never a built-in's. VM and container ones share the names.
 */
export const CustomTemplateName = ResourceName.refine(
  (n) => !(TemplateName.options as readonly string[]).includes(n),
  "that is a built-in template's name",
);
/** What a VM's disk may start from: a built-in template or one made from a VM. */
export const VmTemplateRef = z.union([VmTemplateName, CustomTemplateName]);
export type VmTemplateRef = z.infer<typeof VmTemplateRef>;
/** What a container may be made from: a built-in cache or a template made from a container. */
export const CtTemplateRef = z.union([CtTemplateName, CustomTemplateName]);
export type CtTemplateRef = z.infer<typeof CtTemplateRef>;

/** Imports a container template exported by a Berth host, under a name of its own. */
export const ImportCtTemplate = z.strictObject({
  name: CustomTemplateName.describe("the new template's name"),
});
export type ImportCtTemplate = z.infer<typeof ImportCtTemplate>;

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
  name: z.string().describe('a built-in template, or one made from an instance'),
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
  custom: z
    .boolean()
    .describe(
      'made from a VM or a container, or imported; it can be deleted (and exported, a container one)',
    ),
});
export type Template = z.infer<typeof Template>;

export const BuildTemplate = z
  .object({ rebuild: z.boolean().default(true).describe('build again even when cached') })
  .strict();
export type BuildTemplate = z.infer<typeof BuildTemplate>;
