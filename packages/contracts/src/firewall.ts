import { z } from 'zod';

/** An IPv4 network or one address, e.g. 10.0.5.0/24 or 10.0.5.7 (a /32). */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const CIDR4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}(/([0-9]|[12][0-9]|3[0-2]))?$`);

/** An IPv6 network or one address, e.g. fd00:1::/64 or fd00:1::7 (a /128); no zone. */
const isCidr6 = (s: string): boolean => {
  const [ip, prefix, ...rest] = s.split('/');
  return (
    s.length <= 50 &&
    rest.length === 0 &&
    z.ipv6().safeParse(ip).success &&
    (prefix === undefined || /^([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$/.test(prefix))
  );
};

/** Which family a CIDR is of; null for anything else (a set's name). */
export const cidrFamily = (s: string | undefined): 'ipv4' | 'ipv6' | null =>
  s === undefined ? null : CIDR4.test(s) ? 'ipv4' : isCidr6(s) ? 'ipv6' : null;

const CIDR_MESSAGE =
  'an IPv4 address or network such as 10.0.5.0/24 (octets 0-255 without leading zeros) or an IPv6 one such as fd00:1::/64 (prefix 0-128)';

/** An address set's member: either family. */
export const FirewallSetMember = z.string().refine((s) => cidrFamily(s) !== null, CIDR_MESSAGE);

const SET_NAME = '[a-z][a-z0-9-]{0,31}';
/** A named address set: nft takes the name as it is, so it keeps to what nft accepts. */
export const FirewallSetName = z
  .string()
  .regex(
    new RegExp(`^${SET_NAME}$`),
    'a set name: a lowercase letter, then up to 31 lowercase letters, digits or dashes',
  );

/** A rule's source or destination: a CIDR of either family, or `@` and an address set's name. */
export const FirewallAddress = z
  .string()
  .refine(
    (s) => cidrFamily(s) !== null || new RegExp(`^@${SET_NAME}$`).test(s),
    `${CIDR_MESSAGE}, or @ and the name of an address set`,
  );

/** The set a rule's source or destination names, if it names one. */
export const setNamed = (address: string | undefined): string | null =>
  address?.startsWith('@') ? address.slice(1) : null;

/** One port (80) or a range (8000-8080); the first of a range is not above the last. */
export const FirewallPort = z
  .string()
  .regex(/^([1-9][0-9]{0,4})(-([1-9][0-9]{0,4}))?$/, 'a port 1-65535 or a range such as 8000-8080')
  .refine((p) => {
    const [a, b = a] = p.split('-').map(Number);
    return a! <= 65535 && b! <= 65535 && a! <= b!;
  }, 'ports are 1-65535 and a range goes upwards');

export const FirewallRule = z
  .object({
    /** in: to the instance; out: from it. */
    direction: z.enum(['in', 'out']),
    action: z.enum(['accept', 'drop', 'reject']),
    protocol: z.enum(['tcp', 'udp', 'icmp', 'any']).default('any'),
    /** Destination ports (tcp and udp only); empty means every port. */
    ports: z.array(FirewallPort).max(64).default([]),
    source: FirewallAddress.optional(),
    destination: FirewallAddress.optional(),
    comment: z.string().max(200).default(''),
  })
  .strict()
  .refine((r) => r.ports.length === 0 || r.protocol === 'tcp' || r.protocol === 'udp', {
    message: 'ports need protocol tcp or udp',
    path: ['ports'],
  })
  .refine(
    (r) => {
      const [a, b] = [cidrFamily(r.source), cidrFamily(r.destination)];
      return a === null || b === null || a === b;
    },
    {
      // A packet is one or the other: such a rule could never match.
      message: 'the source and the destination are both IPv4 or both IPv6',
      path: ['destination'],
    },
  );
export type FirewallRule = z.infer<typeof FirewallRule>;

/** What an instance's firewall is; rules are checked in order, the first match decides. */
export const FirewallSettings = z
  .object({
    enabled: z.boolean().default(true),
    /** What happens to IPv4 and IPv6 traffic no rule matched, per direction (ARP, neighbour discovery and DHCPv6 pass). */
    policy: z
      .object({ in: z.enum(['accept', 'drop']), out: z.enum(['accept', 'drop']) })
      .strict()
      .default({ in: 'accept', out: 'accept' }),
    /** The adapter may only send from its own MAC and IPv4 (ARP too). */
    antiSpoofing: z.boolean().default(true),
    rules: z.array(FirewallRule).max(200).default([]),
  })
  .strict();
export type FirewallSettings = z.infer<typeof FirewallSettings>;
export type FirewallSettingsInput = z.input<typeof FirewallSettings>;

const Counter = z.object({ packets: z.number().int(), bytes: z.number().int() });

/** The settings with each rule's packet and byte counters since it was last applied. */
export const Firewall = FirewallSettings.extend({
  counters: z.array(Counter),
  /** The nft table holding the rules; null when the instance has no adapter the firewall knows. */
  table: z.string().nullable(),
});
export type Firewall = z.infer<typeof Firewall>;

/**
 * A network's rules, checked in every instance's table on that network before the instance's
 * own (like Proxmox's cluster and host levels before a VM's): the first match decides, so an
 * instance's rules see only what no network rule matched. The policy and spoofing protection
 * stay per instance.
 */
export const NetworkFirewallSettings = z
  .object({
    enabled: z.boolean().default(true),
    rules: z.array(FirewallRule).max(200).default([]),
  })
  .strict();
export type NetworkFirewallSettings = z.infer<typeof NetworkFirewallSettings>;
export type NetworkFirewallSettingsInput = z.input<typeof NetworkFirewallSettings>;

/** A network's rules with each one's counters summed over the tables of the instances on it. */
export const NetworkFirewall = NetworkFirewallSettings.extend({
  counters: z.array(Counter),
  /** How many instances' tables hold the rules. */
  instances: z.number().int(),
});
export type NetworkFirewall = z.infer<typeof NetworkFirewall>;

/** What an address set holds; PUT replaces it whole. */
export const FirewallSetBody = z
  .object({
    addresses: z.array(FirewallSetMember).max(1024),
    comment: z.string().max(200).default(''),
  })
  .strict();
export type FirewallSetBody = z.infer<typeof FirewallSetBody>;
export type FirewallSetBodyInput = z.input<typeof FirewallSetBody>;

export const CreateFirewallSet = FirewallSetBody.extend({ name: FirewallSetName }).strict();
export type CreateFirewallSet = z.infer<typeof CreateFirewallSet>;
export type CreateFirewallSetInput = z.input<typeof CreateFirewallSet>;

export const FirewallSetRef = z.object({ set: FirewallSetName });

/** A named set of IPv4 and IPv6 addresses and networks that rules name as `@name`. */
export const FirewallSet = CreateFirewallSet.extend({
  /** Whose rules name it: a set in use cannot be deleted. */
  usedBy: z
    .object({
      instances: z.array(z.object({ id: z.string(), name: z.string() })),
      networks: z.array(z.string()),
    })
    .strict(),
});
export type FirewallSet = z.infer<typeof FirewallSet>;

export const FirewallSetList = z.object({ items: z.array(FirewallSet) });
export type FirewallSetList = z.infer<typeof FirewallSetList>;
