import { z } from 'zod';

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
