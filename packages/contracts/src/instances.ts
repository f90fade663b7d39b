import { z } from 'zod';
import {
  hasControlCharacters,
  Hostname,
  Ipv4,
  Ipv4Cidr,
  ResourceName,
  Tag,
  queryFlag,
} from './common.js';
import { CtTemplateRef, VmTemplateRef } from './templates.js';
import { ShellSettings } from './consoles.js';
import { Limits, LimitsPatch } from './limits.js';
import { VmDiskBus, VmDiskCache } from './vm-disk-bus.js';
import { Ipv6Cidr } from './networks.js';

export const InstanceKind = z.enum(['ct', 'vm']);
export type InstanceKind = z.infer<typeof InstanceKind>;
export const InstanceState = z.enum([
  'stopped',
  'starting',
  'running',
  'stopping',
  'frozen',
  'paused',
  'suspended',
  'unknown',
]);
export type InstanceState = z.infer<typeof InstanceState>;

/** A JSON number only: text such as " 151", "1e3" or "0o235" is another spelling, not a CT ID. */
export const CtId = z
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

/** How a container's adapter joins its network. */
export const ContainerNetworkMode = z.enum(['bridged', 'routed']);
/** A VM NIC's device: virtio-net, or an emulated Intel one (e1000e on q35) for guests without virtio drivers. */
export const NicModel = z.enum(['virtio', 'e1000']);
export type NicModel = z.infer<typeof NicModel>;
export type ContainerNetworkMode = z.infer<typeof ContainerNetworkMode>;

export const Instance = z.object({
  id: z.uuid(),
  kind: InstanceKind,
  ctid: z.number().int().nullable(),
  name: ResourceName,
  hostname: z
    .string()
    .describe('the name the guest uses; for a VM as its guest agent says, empty until it has'),
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
  vm: z
    .object({
      vcpus: z.number().int(),
      memoryMiB: z.number().int(),
      disks: z.array(
        z.object({
          name: z.string(),
          sizeBytes: z.number().int(),
          template: z.string().nullable(),
          bus: VmDiskBus.optional(),
          cache: VmDiskCache.optional(),
        }),
      ),
      cdrom: z.string().nullable(),
      cdDrives: z
        .array(z.object({ drive: z.number().int(), iso: z.string().nullable() }))
        .optional()
        .describe('every CD/DVD drive with its ISO; drive 0 is `cdrom`'),
      boot: z.array(z.string()),
      accel: z.enum(['kvm', 'tcg']),
      guestAgent: z.boolean().describe('the guest agent answered lately'),
      firmware: z.enum(['bios', 'uefi']).optional(),
      machine: z.string().optional(),
      cpuModel: z.string().nullable().optional(),
      pendingChanges: z
        .array(
          z.object({
            field: z.enum([
              'firmware',
              'machine',
              'cpuModel',
              'boot',
              'vcpus',
              'memoryMiB',
              'ports',
              'usb',
              'disks',
              'cdDrives',
            ]),
            running: z.unknown(),
            next: z.unknown(),
          }),
        )
        .optional()
        .describe(
          'start-time settings saved since the running QEMU started: they apply at next start',
        ),
    })
    .nullable()
    .describe('VM hardware; null for containers'),
  shell: ShellSettings.nullable().describe("containers: the console shell's program and user"),
  privileged: z
    .boolean()
    .describe(
      'containers without a user namespace: root inside is root on the host. Always false for VMs',
    ),
  limits: Limits.describe('configured resource limits; absent fields are unlimited'),
  effectiveLimits: Limits.nullable().describe(
    'what the kernel / QEMU enforces now, read back; null while stopped',
  ),
  limitsDiffer: z
    .array(z.string())
    .describe(
      'paths whose effective value differs from the configured one (e.g. waiting for a restart)',
    ),
  disabled: z.boolean().describe('cannot be started until enabled (containers)'),
  pool: z
    .string()
    .nullable()
    .describe("the storage pool of a container's private area; null for VMs"),
  nics: z
    .array(
      z.object({
        network: z.string(),
        mac: z.string().nullable(),
        ipv4: z
          .string()
          .nullable()
          .describe(
            "address/prefix: a container's own, a VM's static DHCP lease; null when DHCP hands the VM any",
          ),
        ipv6: z
          .string()
          .nullable()
          .optional()
          .describe("a container's static IPv6 address/prefix; null or absent: none"),
        mode: ContainerNetworkMode.optional().describe('routed: a host-routed container adapter'),
      }),
    )
    .describe("the instance's network adapters"),
});
export type Instance = z.infer<typeof Instance>;

export const InstanceList = z.object({ items: z.array(Instance) });

export const Description = z.string().max(4096);
export const Tags = z.array(Tag).max(32);

export const CreateContainer = z
  .object({
    kind: z.literal('ct'),
    template: CtTemplateRef.describe('a built-in template or one made from a container'),
    ctid: CtId.optional().describe('next free one when omitted'),
    name: ResourceName,
    hostname: Hostname.optional().describe('defaults to the name'),
    rootPassword: z
      .string()
      .min(8, 'root password must have at least 8 characters')
      .max(128)
      // The agent hands the password to a hashing tool as text: a NUL ends it early (or
      // empties it) and a newline splits it, so such a password would not be the one typed.
      .refine((s) => !hasControlCharacters(s), {
        message:
          'root password cannot contain control characters (NUL, tab, newlines and the like)',
      })
      .refine((s) => !s.includes(':'), 'root password cannot contain colons')
      .optional(),
    network: ResourceName.default('default').describe('the virtual network it joins'),
    networkMode: ContainerNetworkMode.default('bridged').describe(
      "routed: host-routed (Parallels' venet): its address is routed to it as a /32 (its IPv6 one as a /128), on no bridge, and it cannot send from another",
    ),
    ipv4: Ipv4Cidr.optional().describe(
      'address/prefix on its network; next free one when omitted, 409 when in use',
    ),
    ipv6: Ipv6Cidr.optional().describe(
      'IPv6 address/prefix on its network (which must have IPv6); the next free one when omitted and the network has IPv6, 409 when outside it or in use',
    ),
    gateway: Ipv4.optional(),
    dns: z.array(Ipv4).max(3).default([]),
    onboot: z.boolean().default(false),
    diskSizeMiB: DiskSizeMiB.default(512),
    description: Description.default(''),
    tags: Tags.default([]),
    privileged: z
      .boolean()
      .default(false)
      .describe(
        'no user namespace: root inside is root on the host. Administrators only; unprivileged is the default',
      ),
    limits: Limits.optional().describe('resource limits; disk.sizeMiB overrides diskSizeMiB'),
    pool: ResourceName.optional().describe(
      'the storage pool for its private area; the default pool when omitted',
    ),
  })
  .strict();
export type CreateContainer = z.infer<typeof CreateContainer>;
export type CreateContainerInput = z.input<typeof CreateContainer>;

/** A file in the host's ISO store; never a path. */
export const IsoName = z
  .string()
  .max(120)
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9._-]*\.iso$/,
    'an ISO file name like debian.iso: letters, digits, . _ - and ending in .iso',
  )
  .refine((s) => !s.includes('..'), 'ISO names cannot contain ".."');

export const Iso = z.object({
  name: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  uploadedAt: z.iso.datetime(),
});
export type Iso = z.infer<typeof Iso>;

/** A host's ISO store: what its ISOs take and how much they may take together. */
export const IsoStoreUsage = z.object({
  quotaBytes: z.number().int(),
  usedBytes: z.number().int(),
});
export type IsoStoreUsage = z.infer<typeof IsoStoreUsage>;

export const IsoQuota = z
  .object({
    quotaBytes: z
      .number()
      .int()
      .min(1)
      .nullable()
      .describe("null: the host's own default (BERTH_AGENT_ISO_QUOTA_BYTES, 64 GiB unless set)"),
  })
  .strict();
export type IsoQuota = z.infer<typeof IsoQuota>;

export const MAX_VM_MEMORY_MIB = 1024 * 1024;
export const VmDisk = z.union([
  z
    .object({
      sizeMiB: DiskSizeMiB.describe('a new empty qcow2 disk'),
      bus: VmDiskBus.optional().describe('virtio when absent'),
      cache: VmDiskCache.optional().describe('writeback when absent'),
    })
    .strict(),
  z
    .object({
      template: VmTemplateRef.describe('start from this template disk'),
      clone: z.enum(['linked', 'copy']).default('linked'),
      sizeMiB: DiskSizeMiB.optional().describe('grow the clone to this size'),
      bus: VmDiskBus.optional().describe('virtio when absent'),
      cache: VmDiskCache.optional().describe('writeback when absent'),
    })
    .strict(),
]);
export type VmDisk = z.infer<typeof VmDisk>;

export const CreateVm = z
  .object({
    kind: z.literal('vm'),
    name: ResourceName,
    vcpus: z.number().int().min(1).max(64).default(1),
    memoryMiB: z
      .number()
      .int()
      .min(32, 'memory must be at least 32 MiB')
      .max(MAX_VM_MEMORY_MIB, 'memory must be at most 1 TiB')
      .default(256),
    disks: z.array(VmDisk).max(8).default([]),
    cdrom: IsoName.nullable().default(null),
    boot: z
      .array(z.enum(['disk', 'cdrom', 'network']))
      .min(1)
      .max(3)
      .default(['disk', 'cdrom']),
    nics: z
      .array(
        z
          .object({
            network: ResourceName.default('default'),
            model: NicModel.optional().describe('virtio (the default) or e1000 (e1000e on q35)'),
          })
          .strict(),
      )
      .max(8)
      .default([{ network: 'default' }]),
    onboot: z.boolean().default(false),
    description: Description.default(''),
    tags: Tags.default([]),
    limits: Limits.optional().describe(
      'resource limits; cpu.count and memory.limitMiB override vcpus and memoryMiB',
    ),
  })
  .strict();
export type CreateVm = z.infer<typeof CreateVm>;

/** Either kind; a body without "kind" is a container, as before VMs existed. */
export const CreateInstance = z.preprocess(
  (v) => (v && typeof v === 'object' && !('kind' in v) ? { ...v, kind: 'ct' } : v),
  z.discriminatedUnion('kind', [CreateContainer, CreateVm]),
);
export type CreateInstance = z.infer<typeof CreateInstance>;

export const UpdateInstance = z
  .object({
    description: Description.optional(),
    tags: Tags.optional(),
    onboot: z.boolean().optional(),
    diskSizeMiB: DiskSizeMiB.optional().describe('containers: grow the private area'),
    cdrom: IsoName.nullable()
      .optional()
      .describe('VMs: insert an ISO from the store, or null to eject'),
    shell: ShellSettings.partial()
      .strict()
      .optional()
      .describe('containers: the console shell; null fields go back to the default'),
    limits: LimitsPatch.optional().describe(
      'resource limits to change: null removes one, an absent field keeps it',
    ),
  })
  .strict();
export type UpdateInstance = z.infer<typeof UpdateInstance>;

export const InstanceAction = z.enum([
  'start',
  'stop',
  'restart',
  'suspend',
  'resume',
  'reset',
  'pause',
  'unpause',
]);
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

/**
 * Path parameter naming an instance: its UUID, or a container's CT ID as written in decimal
 * without leading zeros, so that one instance has one name per kind (not "00000000101" too).
 */
export const InstanceRef = z.object({
  id: z
    .string()
    .regex(
      /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[1-9][0-9]{0,8})$/,
      'an instance UUID, or a CT ID without leading zeros',
    ),
});
