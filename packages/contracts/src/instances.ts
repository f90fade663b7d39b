import { z } from 'zod';
import { Hostname, Ipv4, Ipv4Cidr, ResourceName, Tag, queryFlag } from './common.js';
import { TemplateName } from './templates.js';

export const InstanceKind = z.enum(['ct', 'vm']);
export const InstanceState = z.enum([
  'stopped',
  'starting',
  'running',
  'stopping',
  'frozen',
  'unknown',
]);
export type InstanceState = z.infer<typeof InstanceState>;

export const CtId = z.coerce
  .number()
  .int()
  .min(100, 'CT IDs start at 100')
  .max(999_999_999, 'CT ID is too large');

export const MIN_DISK_MIB = 16;
export const MAX_DISK_MIB = 2 * 1024 * 1024;
export const DiskSizeMiB = z
  .number()
  .int()
  .min(MIN_DISK_MIB, `disk must be at least ${MIN_DISK_MIB} MiB`)
  .max(MAX_DISK_MIB, 'disk must be at most 2 TiB');

export const Instance = z.object({
  id: z.uuid(),
  kind: InstanceKind,
  ctid: z.number().int().nullable(),
  name: ResourceName,
  hostname: z.string(),
  hostId: z.string().nullable().describe('filled in by the API'),
  state: InstanceState,
  template: z.string().nullable(),
  ips: z.array(z.string()),
  dns: z.array(z.string()),
  uptimeSeconds: z.number().int().nullable(),
  onboot: z.boolean(),
  diskSizeBytes: z.number().int(),
  description: z.string(),
  tags: z.array(z.string()),
  createdAt: z.iso.datetime(),
});
export type Instance = z.infer<typeof Instance>;

export const InstanceList = z.object({ items: z.array(Instance) });

export const Description = z.string().max(4096);
export const Tags = z.array(Tag).max(32);

export const CreateContainer = z.object({
  kind: z.literal('ct').default('ct'),
  template: TemplateName,
  ctid: CtId.optional().describe('next free one when omitted'),
  name: ResourceName,
  hostname: Hostname.optional().describe('defaults to the name'),
  rootPassword: z
    .string()
    .min(8, 'root password must have at least 8 characters')
    .max(128)
    .refine((s) => !/[\n\r:]/.test(s), 'root password cannot contain newlines or colons')
    .optional(),
  ipv4: Ipv4Cidr.optional().describe(
    'address/prefix on the default network; next free one when omitted',
  ),
  gateway: Ipv4.optional(),
  dns: z.array(Ipv4).max(3).default([]),
  onboot: z.boolean().default(false),
  diskSizeMiB: DiskSizeMiB.default(512),
  description: Description.default(''),
  tags: Tags.default([]),
});
export type CreateContainer = z.infer<typeof CreateContainer>;
export type CreateContainerInput = z.input<typeof CreateContainer>;

export const UpdateInstance = z
  .object({
    description: Description.optional(),
    tags: Tags.optional(),
    onboot: z.boolean().optional(),
    diskSizeMiB: DiskSizeMiB.optional().describe('grow only'),
  })
  .strict();
export type UpdateInstance = z.infer<typeof UpdateInstance>;

export const InstanceAction = z.enum(['start', 'stop', 'restart', 'suspend', 'resume']);
export type InstanceAction = z.infer<typeof InstanceAction>;

export const ActionOptions = z
  .object({
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(600)
      .default(30)
      .describe('graceful stop before kill'),
    force: z.boolean().default(false).describe('stop: kill at once'),
  })
  .strict();
export type ActionOptions = z.infer<typeof ActionOptions>;

export const ExecRequest = z
  .object({
    command: z.array(z.string().max(4096)).min(1).max(256).describe('argv, run without a shell'),
    timeoutSeconds: z.number().int().min(1).max(3600).default(60),
    stdin: z
      .string()
      .max(1024 * 1024)
      .optional(),
  })
  .strict();
export type ExecRequest = z.infer<typeof ExecRequest>;

export const ExecResult = z.object({
  exitCode: z.number().int(),
  stdout: z.string(),
  stderr: z.string(),
  timedOut: z.boolean(),
});
export type ExecResult = z.infer<typeof ExecResult>;

export const DeleteOptions = z.object({ force: queryFlag('stop a running instance first') });
