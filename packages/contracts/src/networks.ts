import { z } from 'zod';
import { Ipv4, Ipv4Cidr, ResourceName } from './common.js';

/** Network names appear in URLs and instance records: the same safe alphabet as pools. */
export const NetworkName = ResourceName;
export type NetworkName = z.infer<typeof NetworkName>;

/** The network instances join when their create names none: the agent's configured bridge. */
export const DEFAULT_NETWORK = 'default';

/** A Linux interface name: the kernel allows 15 bytes. */
export const BridgeName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,14}$/,
    'a bridge name: up to 15 lower-case letters, digits and dashes, starting with a letter',
  );

export const Mtu = z.number().int().min(576).max(9000);

export const DhcpSettings = z
  .object({
    enabled: z.boolean().default(true),
    first: Ipv4.optional().describe('first address handed out; the top quarter when omitted'),
    last: Ipv4.optional().describe('last address handed out'),
  })
  .strict();
export type DhcpSettings = z.infer<typeof DhcpSettings>;

export const NetworkMember = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['ct', 'vm']),
  /** A container's static address; null for a VM (its lease is dnsmasq's). */
  ipv4: z.string().nullable(),
});
export type NetworkMember = z.infer<typeof NetworkMember>;

export const Network = z.object({
  name: NetworkName,
  bridge: z.string(),
  /** The host's (gateway) address with the prefix, e.g. 10.0.5.1/24. */
  ipv4: z.string(),
  nat: z.boolean(),
  dhcp: z.object({ enabled: z.boolean(), first: z.string(), last: z.string() }),
  mtu: z.number().int(),
  default: z.boolean(),
  /** The bridge is there and up (false while it is being made or after someone deleted it). */
  up: z.boolean(),
  instances: z.array(NetworkMember),
  createdAt: z.string(),
});
export type Network = z.infer<typeof Network>;

export const NetworkList = z.object({ items: z.array(Network) });
export type NetworkList = z.infer<typeof NetworkList>;

export const CreateNetwork = z
  .object({
    name: NetworkName,
    bridge: BridgeName.optional().describe('the bridge device; bn-<name> when omitted'),
    ipv4: Ipv4Cidr.describe("the host's gateway address with the prefix, e.g. 10.0.5.1/24"),
    nat: z.boolean().default(true),
    dhcp: DhcpSettings.default({ enabled: true }),
    mtu: Mtu.default(1500),
  })
  .strict();
export type CreateNetwork = z.infer<typeof CreateNetwork>;

export const UpdateNetwork = z
  .object({
    ipv4: Ipv4Cidr.optional().describe('a new gateway/subnet: 409 while instances use it'),
    nat: z.boolean().optional(),
    dhcp: DhcpSettings.optional(),
    mtu: Mtu.optional(),
  })
  .strict();
export type UpdateNetwork = z.infer<typeof UpdateNetwork>;

export const NetworkRef = z.object({ network: NetworkName });

/** Moves a stopped instance's (first) adapter to another network, or sets a VM's static lease. */
export const SetInstanceNetwork = z
  .object({
    network: NetworkName,
    ipv4: Ipv4Cidr.optional().describe(
      "a container's address there (the next free one when omitted); a VM's static DHCP lease, outside the DHCP range (omitted: DHCP hands it any)",
    ),
  })
  .strict();
export type SetInstanceNetwork = z.infer<typeof SetInstanceNetwork>;

export const HostAdapter = z.object({
  name: z.string(),
  kind: z.string().describe('ethernet, bridge, veth, tap, loopback, vlan, …'),
  state: z.string(),
  mtu: z.number().int(),
  mac: z.string().nullable(),
  addresses: z.array(z.string()),
  speedMbps: z.number().nullable(),
  rxBytes: z.number(),
  txBytes: z.number(),
  master: z.string().nullable(),
});
export type HostAdapter = z.infer<typeof HostAdapter>;

export const HostAdapterList = z.object({ items: z.array(HostAdapter) });

export const CreateVlan = z
  .object({
    parent: z.string().regex(/^[a-zA-Z0-9._-]{1,15}$/, 'an adapter name'),
    vlanId: z.number().int().min(1).max(4094),
  })
  .strict();
export type CreateVlan = z.infer<typeof CreateVlan>;
