import { z } from 'zod';

/** An IPv4 network or one address, e.g. 10.0.5.0/24 or 10.0.5.7 (a /32). */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
export const FirewallCidr = z
  .string()
  .regex(
    new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}(/([0-9]|[12][0-9]|3[0-2]))?$`),
    'an IPv4 address or network such as 10.0.5.0/24, octets 0-255 without leading zeros',
  );

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
    source: FirewallCidr.optional(),
    destination: FirewallCidr.optional(),
    comment: z.string().max(200).default(''),
  })
  .strict()
  .refine((r) => r.ports.length === 0 || r.protocol === 'tcp' || r.protocol === 'udp', {
    message: 'ports need protocol tcp or udp',
    path: ['ports'],
  });
export type FirewallRule = z.infer<typeof FirewallRule>;

/** What an instance's firewall is; rules are checked in order, the first match decides. */
export const FirewallSettings = z
  .object({
    enabled: z.boolean().default(true),
    /** What happens to IPv4 traffic no rule matched, per direction. */
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

/** The settings with each rule's packet and byte counters since it was last applied. */
export const Firewall = FirewallSettings.extend({
  counters: z.array(z.object({ packets: z.number().int(), bytes: z.number().int() })),
  /** The nft table holding the rules; null when the instance has no adapter the firewall knows. */
  table: z.string().nullable(),
});
export type Firewall = z.infer<typeof Firewall>;
