import {
  cidrFamily,
  type FirewallRule,
  type FirewallSettings,
  type NetworkFirewallSettings,
  setNamed,
} from '@berth/contracts';

/** What the script needs to know about one of an instance's adapters. */
export interface Port {
  /** The host end of the adapter on the bridge (a container's veth, a VM's tap). */
  ifname: string;
  mac: string;
  /**
   * The IPv4 address it may send from, without the prefix: a container's, a VM's static lease,
   * or the lease DHCP gave a VM. Null for a VM given none yet: it may send DHCP's requests alone.
   */
  ipv4: string | null;
  /**
   * The IPv6 sources it may use besides link-local: a container's static address and the SLAAC
   * address it derives from its MAC on a /64; empty on a network without IPv6.
   */
  ipv6: readonly string[];
  /** It asks DHCP for its address (a VM): its requests and the answers always pass. */
  dhcp: boolean;
  /** The network it is on: that network's rules cover it. */
  network: string;
}

/**
 * A host-routed container's guard, in an inet table of the same name as a bridged instance's
 * (so the leftover check and the start's sweep see it): its adapter is on no bridge, so the
 * bridge family never sees its traffic. It sends from its own address or not at all.
 */
export function routedGuardScript(table: string, ifname: string, ipv4: string): string {
  return [
    `table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    '  chain spoofing {',
    '    type filter hook prerouting priority raw; policy accept;',
    `    iifname "${ifname}" ip saddr != ${ipv4} counter drop`,
    // It was given no IPv6 address, so it has none to send from.
    `    iifname "${ifname}" meta nfproto ipv6 counter drop`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** What an instance's table takes from outside its own settings. */
export interface Shared {
  /** Rules of the networks its ports are on, by network name. */
  networks: ReadonlyMap<string, NetworkFirewallSettings>;
  /** Address sets by name, as rules name them with `@name`. */
  sets: ReadonlyMap<string, readonly string[]>;
}

/**
 * One bridge-family table per instance, named after its bridge (so a test stack's tables match
 * berth_bt_* and the leftover check sees them) and its id. One table each, not one for all: a
 * change is one instance's table replaced whole, and a delete drops it, with no other instance's
 * rules re-sent or at risk.
 */
export const tableName = (bridge: string, id: string): string =>
  `berth_${bridge.replace(/-/g, '_')}_fw_${id.slice(0, 8)}`;

/** The rule's comment in nft: how counters read back are matched to the rule's place in the list. */
export const ruleTag = (index: number): string => `berth-rule-${index}`;

/** A network rule's comment; the network is named since a VM's taps may be on several. */
export const networkRuleTag = (network: string, index: number): string =>
  `berth-net-${network}-${index}`;

/** The address sets the rules name. */
export const setsNamedBy = (rules: readonly FirewallRule[]): string[] => [
  ...new Set(
    rules.flatMap((r) => [setNamed(r.source), setNamed(r.destination)]).filter((n) => n !== null),
  ),
];

/** The nft set holding an address set's IPv6 members; `_` is never in a set's own name. */
export const v6SetName = (set: string): string => `${set}_v6`;

/**
 * The declarations of a set of addresses of either family. An interval set takes networks;
 * auto-merge lets them overlap. An nft set has one type, so it is two: the IPv4 members under
 * its name, the IPv6 ones beside them (`v6SetName`); either may be empty.
 */
export function typedSets(name: string, members: readonly string[]): string[] {
  return (['ipv4', 'ipv6'] as const).map((family) => {
    const of = members.filter((e) => cidrFamily(e) === family);
    const body = of.length > 0 ? ` elements = { ${of.join(', ')} }` : '';
    const [named, type] = family === 'ipv4' ? [name, 'ipv4_addr'] : [v6SetName(name), 'ipv6_addr'];
    return `  set ${named} { type ${type}; flags interval; auto-merge;${body} }`;
  });
}

/**
 * Neighbour discovery: an ICMPv6 rule leaves it alone, or dropping pings over IPv6 would cut
 * every other IPv6 exchange too (no neighbour, no route).
 */
const ND =
  'nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect';

/**
 * A rule's matches, one per family it concerns: a CIDR fixes the family; a set or a protocol
 * without one makes two (an address set holds both, and a port rule must hold over IPv6 too);
 * protocol any without addresses is one match for every frame, ARP included.
 */
function matchesOf(rule: FirewallRule): string[] {
  const fixed = cidrFamily(rule.source) ?? cidrFamily(rule.destination);
  const named = setNamed(rule.source) !== null || setNamed(rule.destination) !== null;
  if (!fixed && !named && rule.protocol === 'any') return [''];
  const families = fixed ? [fixed] : (['ipv4', 'ipv6'] as const);
  return families.map((family) => {
    const v6 = family === 'ipv6';
    const ip = v6 ? 'ip6' : 'ip';
    const address = (a: string) => {
      const set = setNamed(a);
      return set === null ? a : `@${v6 ? v6SetName(set) : set}`;
    };
    const parts = [`ether type ${ip}`];
    if (rule.source) parts.push(`${ip} saddr ${address(rule.source)}`);
    if (rule.destination) parts.push(`${ip} daddr ${address(rule.destination)}`);
    if (rule.protocol === 'icmp' && v6) parts.push(`icmpv6 type != { ${ND} }`);
    else if (rule.protocol !== 'any') parts.push(`meta l4proto ${rule.protocol}`);
    if (rule.ports.length > 0) parts.push(`${rule.protocol} dport { ${rule.ports.join(', ')} }`);
    return parts.join(' ');
  });
}

/**
 * The whole table as one nft script: loaded with `nft -f -` it is one transaction that replaces
 * the old table (the first line makes sure there is one to delete), so the instance is never
 * without its rules between the old set and the new. The bridge family sees every frame on the
 * instance's ports: prerouting has all it sends (to the host or another port), postrouting all it
 * gets. There is no connection tracking in the bridge family here, so rules are stateless.
 *
 * DHCP passes after the MAC checks and before anything else: a VM's address comes from it, and
 * a policy of drop must not leave it without one. It is asked from 0.0.0.0, which the address
 * checks therefore allow on such a port.
 *
 * Then each network's rules on the ports of that network, then the instance's own: a network
 * rule that matches decides. Sets are per table (a bridge-family table cannot name another's),
 * so each table holds a copy of the sets its rules name.
 */
export function firewallScript(
  table: string,
  ports: readonly Port[],
  fw: FirewallSettings,
  shared: Shared,
): string {
  const onPorts = (dir: 'iifname' | 'oifname', of: readonly Port[]) => {
    const names = of.map((p) => `"${p.ifname}"`);
    return `${dir} ${names.length === 1 ? names[0] : `{ ${names.join(', ')} }`}`;
  };
  const out: string[] = [];
  const inn: string[] = [];
  for (const port of ports) {
    const on = `iifname "${port.ifname}"`;
    if (fw.antiSpoofing) {
      out.push(
        `${on} ether saddr != ${port.mac} counter drop comment "spoof-mac"`,
        `${on} ether type arp arp saddr ether != ${port.mac} counter drop comment "spoof-arp-mac"`,
      );
    }
    if (port.dhcp) {
      out.push(
        `${on} ether type ip meta l4proto udp udp sport 68 udp dport 67 accept comment "dhcp"`,
      );
      inn.push(
        `oifname "${port.ifname}" ether type ip meta l4proto udp udp sport 67 udp dport 68 accept comment "dhcp"`,
      );
    }
    if (fw.antiSpoofing) {
      const own = !port.ipv4 ? '0.0.0.0' : port.dhcp ? `{ ${port.ipv4}, 0.0.0.0 }` : port.ipv4;
      out.push(
        `${on} ether type arp arp saddr ip != ${own} counter drop comment "spoof-arp-ip"`,
        `${on} ether type ip ip saddr != ${own} counter drop comment "spoof-ip"`,
      );
    }
    if (fw.antiSpoofing) {
      // Link-local is any fe80::/64 (guests may derive it other than from the MAC) and :: is
      // duplicate address detection's source, so neighbour discovery and RS work.
      const own6 = ['fe80::/64', '::', ...port.ipv6].join(', ');
      out.push(`${on} ether type ip6 ip6 saddr != { ${own6} } counter drop comment "spoof-ip6"`);
    }
  }
  const used: FirewallRule[] = [];
  const add = (rules: readonly FirewallRule[], of: readonly Port[], tag: (i: number) => string) => {
    used.push(...rules);
    rules.forEach((rule, i) => {
      for (const match of matchesOf(rule)) {
        const line = `${onPorts(rule.direction === 'in' ? 'oifname' : 'iifname', of)} ${match} counter ${rule.action} comment "${tag(i)}"`;
        (rule.direction === 'in' ? inn : out).push(line.replace(/ +/g, ' '));
      }
    });
  };
  for (const network of [...new Set(ports.map((p) => p.network))]) {
    const rules = shared.networks.get(network);
    if (rules?.enabled) {
      add(
        rules.rules,
        ports.filter((p) => p.network === network),
        (i) => networkRuleTag(network, i),
      );
    }
  }
  const from = onPorts('iifname', ports);
  const to = onPorts('oifname', ports);
  if (fw.enabled) {
    add(fw.rules, ports, ruleTag);
    // IPv4 and IPv6 fall to the default, ARP, neighbour discovery and DHCPv6 do not: without
    // them nothing, allowed or not, could be reached, nor an IPv6 address or route be had.
    const policy = (dir: 'in' | 'out') => {
      const on = dir === 'out' ? from : to;
      const [client, server] = dir === 'out' ? [546, 547] : [547, 546];
      return [
        `${on} ether type ip counter drop comment "policy"`,
        `${on} ether type ip6 icmpv6 type { ${ND} } accept comment "ndp"`,
        `${on} ether type ip6 udp sport ${client} udp dport ${server} accept comment "dhcp6"`,
        `${on} ether type ip6 counter drop comment "policy"`,
      ];
    };
    if (fw.policy.out === 'drop') out.push(...policy('out'));
    if (fw.policy.in === 'drop') inn.push(...policy('in'));
  }
  const sets = setsNamedBy(used).flatMap((name) => typedSets(name, shared.sets.get(name) ?? []));
  return [
    `table bridge ${table}`,
    `delete table bridge ${table}`,
    `table bridge ${table} {`,
    ...sets,
    '  chain from_instance {',
    '    type filter hook prerouting priority filter; policy accept;',
    ...out.map((l) => `    ${l}`),
    '  }',
    '  chain to_instance {',
    '    type filter hook postrouting priority filter; policy accept;',
    ...inn.map((l) => `    ${l}`),
    '  }',
    '}',
    '',
  ].join('\n');
}
