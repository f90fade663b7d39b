import { z } from 'zod';
import { HostLicenseFact } from './licenses.js';

/**
 * Something of Berth's found on a host that belongs to no known instance or operation: the
 * remains of work a crash interrupted. The agent moves it aside (never reuses it) and lists it
 * here until an operator deletes it.
 */
export const Leftover = z.object({
  id: z.string().regex(/^[a-zA-Z0-9._-]{1,128}$/),
  kind: z.enum(['container-image', 'container-dir', 'vm-dir', 'template-build', 'mount', 'other']),
  description: z.string().describe('what it was, in words: "disk image of CT 101"'),
  path: z.string().describe('where it now lies (under the quarantine folder)'),
  sizeBytes: z.number().int(),
  foundAt: z.iso.datetime(),
});
export type Leftover = z.infer<typeof Leftover>;

export const HostFacts = z.object({
  hostname: z.string(),
  kernel: z.string(),
  cpus: z.number().int(),
  memoryBytes: z.number().int(),
  memoryAvailableBytes: z.number().int(),
  diskBytes: z.number().int(),
  diskAvailableBytes: z.number().int(),
  loadAverage: z.array(z.number()),
  lxcVersion: z.string().nullable(),
  qemuVersion: z.string().nullable(),
  virtualization: z
    .enum(['kvm', 'tcg'])
    .describe('how VMs run: KVM when /dev/kvm works, TCG otherwise'),
  agentVersion: z.string(),
  network: z.object({ bridge: z.string(), cidr: z.string() }),
  storage: z
    .object({
      growInUse: z
        .boolean()
        .describe(
          "a running container's disk can grow (the agent holds CAP_SYS_RESOURCE); otherwise only while it is stopped",
        ),
    })
    .describe('what the host can do to disks'),
  security: z
    .object({
      userNamespaces: z.boolean().describe('the kernel can run unprivileged containers'),
      apparmor: z.boolean().describe('AppArmor is enabled; containers get its profile when so'),
      seccomp: z.boolean().describe("containers get LXC's default seccomp policy"),
    })
    .describe('what confines containers on this host'),
  cgroup: z
    .object({
      version: z.enum(['v1', 'v2']).describe('v2 when /sys/fs/cgroup is the unified hierarchy'),
      controllers: z
        .array(z.string())
        .describe(
          'cpu, cpuset, memory, blkio (io on v2), pids…; blkio.weight when the I/O scheduler weighs',
        ),
      swapAccounting: z.boolean().describe('per-cgroup swap limits can be enforced'),
    })
    .describe('how resource limits are enforced here'),
  lxcfs: z
    .object({
      running: z
        .boolean()
        .describe('containers see their own limits in /proc (free, nproc, uptime)'),
      reason: z.string().nullable().describe('why not, e.g. FUSE is missing'),
    })
    .describe('lxcfs, supervised by the agent'),
  leftovers: z
    .array(Leftover)
    .describe('needs attention: remains of interrupted work, moved aside, to delete by hand'),
  license: HostLicenseFact.nullable()
    .optional()
    .describe("the host's own license file as the agent read it; null: none"),
});
export type HostFacts = z.infer<typeof HostFacts>;

export const Host = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  isLocal: z.boolean(),
  status: z.enum(['online', 'offline']),
  facts: HostFacts.nullable(),
  error: z.string().nullable(),
});
export type Host = z.infer<typeof Host>;
