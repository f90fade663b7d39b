import { z } from 'zod';

export const TemplateName = z.enum(['busybox', 'debian-12']);
export type TemplateName = z.infer<typeof TemplateName>;

export const Template = z.object({
  name: TemplateName,
  description: z.string(),
  kind: z.literal('ct'),
  cached: z.boolean().describe('a root filesystem tarball is ready to create containers from'),
  building: z.boolean(),
  sizeBytes: z.number().int().nullable(),
  builtAt: z.iso.datetime().nullable(),
});
export type Template = z.infer<typeof Template>;
