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

/** Unique-local (fc00::/7) or global unicast (2000::/3): the only ones a network may route. */
const routableV6 = (ip: string) => /^(f[cd][0-9a-f]{2}|[23][0-9a-f]{3}):/i.test(ip);

/**
 * An IPv6 address with its prefix, e.g. fd42:1:2::1/64: the gateway's address on the bridge.
 * /64 for SLAAC (what VMs configure themselves from); up to /120 for containers only.
 */
export const Ipv6Cidr = z
  .string()
  .max(50)
  .refine((s) => {
    const [ip, prefix, ...rest] = s.split('/');
    return (
      rest.length === 0 &&
      z.ipv6().safeParse(ip).success &&
      /^(6[4-9]|[7-9][0-9]|1[01][0-9]|120)$/.test(prefix ?? '')
    );
  }, 'must look like fd42:1:2::1/64, with a prefix of 64 to 120')
  .refine((s) => routableV6(s), 'a unique-local (fc00::/7) or global (2000::/3) address');

/** The domain a network's instances are named under (`web1.lab.internal`). */
export const DnsDomain = z
  .string()
  .max(200)
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
    'a DNS domain: dot-separated lower-case labels of letters, digits and dashes, e.g. lab.internal',
  );

/** The UDP port VXLAN has from IANA (Linux's own default, 8472, is the pre-standard one). */
export const VXLAN_PORT = 4789;

/** What the overlay's encapsulation costs (outer Ethernet, IPv4, UDP and VXLAN headers). */
export const VXLAN_OVERHEAD = 50;

/** Another host's address: unicast (a group, loopback or 0.x would never reach one peer). */
const VxlanPeer = Ipv4.refine((ip) => {
  const first = Number(ip.split('.')[0]);
  return first !== 0 && first !== 127 && first < 224;
}, 'a unicast address of another host');

/**
 * A network stretched to the same network on other hosts: a VXLAN device on its bridge that
 * sends what is not for this host, unicast, to each peer (head-end replication; no multicast
 * underlay needed). Each peer holds a bridge with the same VNI and this host among its peers.
 */
export const VxlanSettings = z
  .object({
    id: z.number().int().min(1).max(16_777_215).describe('the VNI, the same on every host'),
    remotes: z
      .array(VxlanPeer)
      .min(1)
      .max(16)
      .refine((r) => new Set(r).size === r.length, 'each peer once')
      .describe("the other hosts' underlay addresses"),
    local: VxlanPeer.optional().describe(
      "this host's address to send from; the kernel's choice when omitted",
    ),
    port: z.number().int().min(1).max(65_535).default(VXLAN_PORT),
  })
  .strict();
export type VxlanSettings = z.infer<typeof VxlanSettings>;

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
  /** A container's static IPv6 address/prefix; null for none (or a VM, which takes SLAAC). */
  ipv6: z.string().nullable(),
});
export type NetworkMember = z.infer<typeof NetworkMember>;

export const Network = z.object({
  name: NetworkName,
  bridge: z.string(),
  /** The host's (gateway) address with the prefix, e.g. 10.0.5.1/24. */
  ipv4: z.string(),
  /** The gateway's IPv6 address with the prefix, advertised for SLAAC; null: IPv4 only. */
  ipv6: z.string().nullable(),
  nat: z.boolean(),
  dhcp: z.object({ enabled: z.boolean(), first: z.string(), last: z.string() }),
  mtu: z.number().int(),
  /**
   * Instances are named under this domain by the network's dnsmasq, which answers on the gateway
   * address (and forwards other names to the host's resolvers); null: no DNS service.
   */
  dnsDomain: z.string().nullable(),
  /** The overlay to other hosts; null: the network stays on this host. */
  vxlan: z
    .object({
      id: z.number().int(),
      remotes: z.array(z.string()),
      local: z.string().nullable(),
      port: z.number().int(),
      /** The VXLAN device on the bridge, named after it. */
      device: z.string(),
      /** The device is there and up. */
      up: z.boolean(),
    })
    .nullable(),
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
    ipv6: Ipv6Cidr.nullable()
      .default(null)
      .describe("the host's IPv6 gateway address with the prefix, e.g. fd42:1:2::1/64"),
    nat: z.boolean().default(true),
    dhcp: DhcpSettings.default({ enabled: true }),
    mtu: Mtu.default(1500),
    dnsDomain: DnsDomain.nullable()
      .default(null)
      .describe('DNS names for the instances under this domain, answered on the gateway address'),
    vxlan: VxlanSettings.nullable()
      .default(null)
      .describe(
        `an overlay to the same network on other hosts; the MTU must leave ${VXLAN_OVERHEAD} bytes of the uplink's`,
      ),
  })
  .strict();
export type CreateNetwork = z.infer<typeof CreateNetwork>;

export const UpdateNetwork = z
  .object({
    ipv4: Ipv4Cidr.optional().describe('a new gateway/subnet: 409 while instances use it'),
    ipv6: Ipv6Cidr.nullable()
      .optional()
      .describe('a new IPv6 gateway/subnet, or null for none: 409 while instances use it'),
    nat: z.boolean().optional(),
    dhcp: DhcpSettings.optional(),
    mtu: Mtu.optional(),
    dnsDomain: DnsDomain.nullable().optional().describe('null ends the DNS service'),
    vxlan: VxlanSettings.nullable()
      .optional()
      .describe('replaces the overlay whole (peers change live); null removes it'),
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
