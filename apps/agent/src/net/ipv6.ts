import { readFile, writeFile } from 'node:fs/promises';
import { badRequest, conflict } from '@berth/contracts';
import type { Log } from '../log.js';
import { exec, run } from '../run.js';

/** IPv6 arithmetic and the host side of a network's IPv6 (issue 15). */

const BITS = 128n;

export function ip6ToBig(ip: string): bigint {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, null];
  const part = (s: string | null | undefined) => (s ? s.split(':') : []);
  const left = part(head);
  const right = part(tail);
  const groups =
    tail === null ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/** RFC 5952's one spelling: lower case, no leading zeros, the longest run of zeros as `::`. */
export function bigToIp6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

export interface Subnet6 {
  ip: bigint;
  prefix: number;
  network: bigint;
  last: bigint;
}

export function parseCidr6(cidr: string): Subnet6 {
  const [ip, prefixText] = cidr.split('/') as [string, string];
  const prefix = Number(prefixText);
  const size = 1n << (BITS - BigInt(prefix));
  const n = ip6ToBig(ip);
  const network = (n / size) * size;
  return { ip: n, prefix, network, last: network + size - 1n };
}

/** The address/prefix in its one spelling, so duplicates and overlaps compare as strings. */
export const canonicalCidr6 = (cidr: string): string => {
  const s = parseCidr6(cidr);
  return `${bigToIp6(s.ip)}/${s.prefix}`;
};

export const subnetOf6 = (cidr: string): string => {
  const s = parseCidr6(cidr);
  return `${bigToIp6(s.network)}/${s.prefix}`;
};

export const overlaps6 = (a: string, b: string): boolean => {
  const x = parseCidr6(a);
  const y = parseCidr6(b);
  return x.network <= y.last && y.network <= x.last;
};

/** A gateway address: neither the subnet-router anycast (all zeros) nor, on /64, a SLAAC one. */
export function checkGateway6(cidr: string, field: string): void {
  const s = parseCidr6(cidr);
  if (s.ip === s.network) {
    throw badRequest(`${cidr} is the subnet's anycast address, not a host's`, field);
  }
}

/**
 * A container's static address: the one asked (inside the subnet, not the gateway, not in use:
 * 409) or the next free from the gateway up. Returned with the subnet's prefix.
 */
export function containerAddress6(
  asked: string | undefined,
  gateway: string,
  used: readonly string[],
): string {
  const net = parseCidr6(gateway);
  const taken = new Set([net.ip, ...used.map((u) => ip6ToBig(u.split('/')[0] as string))]);
  if (asked) {
    const want = parseCidr6(asked);
    if (want.prefix !== net.prefix || want.network !== net.network || want.ip === net.network) {
      throw conflict(`${asked} is not a host address of ${subnetOf6(gateway)}`, 'ipv6');
    }
    if (taken.has(want.ip)) throw conflict(`${bigToIp6(want.ip)} is in use`, 'ipv6');
    return `${bigToIp6(want.ip)}/${net.prefix}`;
  }
  for (let n = net.network + 1n; n <= net.last && n < net.network + 65_536n; n++) {
    if (!taken.has(n)) return `${bigToIp6(n)}/${net.prefix}`;
  }
  throw conflict(`${subnetOf6(gateway)} has no free address left`, 'ipv6');
}

/** The interface identifier SLAAC and link-local derive from a MAC (modified EUI-64). */
function eui64(mac: string): bigint {
  const b = mac.split(':').map((x) => parseInt(x, 16));
  const bytes = [b[0]! ^ 0x02, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!];
  return bytes.reduce((acc, x) => (acc << 8n) + BigInt(x), 0n);
}

export const linkLocalOf = (mac: string): string => bigToIp6((0xfe80n << 112n) + eui64(mac));

/** The address a guest with this MAC takes by SLAAC on a /64 (no privacy extensions). */
export const slaacOf = (mac: string, gateway: string): string =>
  bigToIp6(parseCidr6(gateway).network + eui64(mac));

/**
 * The SLAAC address an adapter takes where its network's IPv6 is a /64 (none elsewhere): a VM's
 * only one, and a container's beside its static one, since its kernel takes the prefix from the
 * router advertisements too (and may pick either as a source).
 */
export const slaacSources = (mac: string, gateway: string | null): string[] =>
  gateway && parseCidr6(gateway).prefix === 64 ? [slaacOf(mac, gateway)] : [];

/**
 * IPv6 masquerade for a network with NAT, in an `ip6` table of the same name as the bridge's
 * `ip` one (so the leftover check and the teardown find both); the isolation rule, and its
 * exception for host-routed containers, are the same as IPv4's (bridgeTableScript). Replaced whole in one transaction, and removed (when there is no IPv6) the same way.
 */
export function bridgeTable6Script(
  table: string,
  bridge: string,
  cidr: string | null,
  nat: boolean,
): string {
  const head = [`table ip6 ${table}`, `delete table ip6 ${table}`];
  if (!cidr) return [...head, ''].join('\n');
  const subnet = subnetOf6(cidr);
  return [
    ...head,
    `table ip6 ${table} {`,
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    // A host-routed container's /128 is routed to its veth: the same exception as IPv4's.
    `    oifname "${bridge}" iifname "vc*" ip6 saddr ${subnet} fib saddr . iif oif exists accept`,
    `    oifname "${bridge}" iifname != "${bridge}" ct state new drop`,
    '  }',
    ...(nat
      ? [
          '  chain postrouting {',
          '    type nat hook postrouting priority srcnat; policy accept;',
          `    ip6 saddr ${subnet} ip6 daddr != ${subnet} masquerade`,
          '  }',
        ]
      : []),
    '}',
    '',
  ].join('\n');
}

const sysctl = (path: string) => `/proc/sys/net/ipv6/${path}`;

/**
 * Turns on IPv6 routing for the host. Forwarding makes Linux ignore router advertisements on
 * every interface whose accept_ra is 1, so the host would lose a default route it learns by RA
 * (and with it, say, the package registry). Each interface holding such a route is first set to
 * accept_ra=2 (accept even while forwarding); nothing else of the host's network is touched.
 * Only called when some network has IPv6; never turned off again, since the host's own routing
 * may have come to depend on it.
 */
export async function enableIpv6Forwarding(log: Log): Promise<void> {
  const now = (await readFile(sysctl('conf/all/forwarding'), 'utf8').catch(() => '')).trim();
  if (now === '1') return;
  const routes = await exec('ip', ['-6', '-j', 'route', 'show', 'default']);
  const learnt =
    routes.code === 0
      ? (JSON.parse(routes.stdout || '[]') as Array<{ dev?: string; protocol?: string }>)
          .filter((r) => r.protocol === 'ra' && r.dev)
          .map((r) => r.dev as string)
      : [];
  for (const dev of new Set(learnt)) {
    const file = sysctl(`conf/${dev}/accept_ra`);
    if ((await readFile(file, 'utf8')).trim() === '1') {
      await writeFile(file, '2');
      log.info({ dev }, 'accept_ra=2 so the host keeps its RA-learnt route while forwarding');
    }
  }
  await writeFile(sysctl('conf/all/forwarding'), '1');
  log.info('IPv6 forwarding on (a network has IPv6)');
}

/**
 * The bridge's IPv6 gateway address (nodad: it is the only one with it, and DAD would hold it
 * tentative for a second while instances start), the old one removed when it changed. A null
 * removes any global address the network gave it.
 */
export async function ensureBridge6(bridge: string, cidr: string | null): Promise<void> {
  const shown = await run('ip', ['-6', '-j', 'addr', 'show', 'dev', bridge, 'scope', 'global']);
  const have = (
    JSON.parse(shown.stdout || '[]') as Array<{
      addr_info?: Array<{ local: string; prefixlen: number }>;
    }>
  )
    // iproute2 lists a link without such addresses as an empty object.
    .flatMap((l) =>
      (l.addr_info ?? []).filter((a) => a.local).map((a) => `${a.local}/${a.prefixlen}`),
    );
  const want = cidr ? canonicalCidr6(cidr) : null;
  for (const old of have.filter((a) => canonicalCidr6(a) !== want)) {
    await run('ip', ['-6', 'addr', 'del', old, 'dev', bridge]);
  }
  if (want && !have.some((a) => canonicalCidr6(a) === want)) {
    await run('ip', ['-6', 'addr', 'add', want, 'dev', bridge, 'nodad']);
  }
}

/**
 * dnsmasq's router advertisements, `ra-only`: the prefix and the router, so a guest on a /64
 * configures itself by SLAAC from its MAC (the address the firewall expects of a VM). No DHCPv6
 * (`ra-stateless` would add it): guests get their resolver over DHCPv4 or in resolv.conf, and a
 * second server on port 547 would have nothing else to say. Longer prefixes cannot carry SLAAC;
 * there the RA gives the route only (containers have static addresses).
 */
export function raArgs(bridge: string, cidr: string): string[] {
  return [
    '--enable-ra',
    `--dhcp-range=::,constructor:${bridge},ra-only,${parseCidr6(cidr).prefix},1h`,
  ];
}
