import { z } from 'zod';

/** OS templates for containers: root filesystem caches. */
export const CtTemplateName = z.enum(['busybox', 'debian-12']);
export type CtTemplateName = z.infer<typeof CtTemplateName>;
/** VM templates: bootable disk images (and their ISO), built here from Debian's packages. */
export const VmTemplateName = z.enum(['tiny-linux']);
export type VmTemplateName = z.infer<typeof VmTemplateName>;
export const TemplateName = z.enum([...CtTemplateName.options, ...VmTemplateName.options]);
export type TemplateName = z.infer<typeof TemplateName>;

export const Template = z.object({
  name: TemplateName,
  description: z.string(),
  kind: z.enum(['ct', 'vm']),
  cached: z.boolean().describe('ready to create instances from'),
  building: z.boolean(),
  sizeBytes: z.number().int().nullable(),
  builtAt: z.iso.datetime().nullable(),
});
export type Template = z.infer<typeof Template>;

export const BuildTemplate = z
  .object({ rebuild: z.boolean().default(true).describe('build again even when cached') })
  .strict();
export type BuildTemplate = z.infer<typeof BuildTemplate>;
