import {
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
  /** Its IPv4 address without the prefix; null for a VM that has whatever DHCP gives it. */
  ipv4: string | null;
  /** It asks DHCP for its address (a VM): its requests and the answers always pass. */
  dhcp: boolean;
  /** The network it is on: that network's rules cover it. */
  network: string;
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

function matchOf(rule: FirewallRule): string {
  const parts: string[] = [];
  if (rule.source || rule.destination || rule.protocol !== 'any') parts.push('ether type ip');
  if (rule.source) parts.push(`ip saddr ${rule.source}`);
  if (rule.destination) parts.push(`ip daddr ${rule.destination}`);
  if (rule.protocol !== 'any') parts.push(`meta l4proto ${rule.protocol}`);
  if (rule.ports.length > 0) parts.push(`${rule.protocol} dport { ${rule.ports.join(', ')} }`);
  return parts.join(' ');
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
    if (fw.antiSpoofing && port.ipv4) {
      const own = port.dhcp ? `{ ${port.ipv4}, 0.0.0.0 }` : port.ipv4;
      out.push(
        `${on} ether type arp arp saddr ip != ${own} counter drop comment "spoof-arp-ip"`,
        `${on} ether type ip ip saddr != ${own} counter drop comment "spoof-ip"`,
      );
    }
  }
  const used: FirewallRule[] = [];
  const add = (rules: readonly FirewallRule[], of: readonly Port[], tag: (i: number) => string) => {
    used.push(...rules);
    rules.forEach((rule, i) => {
      const line = `${onPorts(rule.direction === 'in' ? 'oifname' : 'iifname', of)} ${matchOf(rule)} counter ${rule.action} comment "${tag(i)}"`;
      (rule.direction === 'in' ? inn : out).push(line.replace(/ +/g, ' '));
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
    // Only IPv4 falls to the default: ARP must pass or nothing, allowed or not, could be reached.
    if (fw.policy.out === 'drop') out.push(`${from} ether type ip counter drop comment "policy"`);
    if (fw.policy.in === 'drop') inn.push(`${to} ether type ip counter drop comment "policy"`);
  }
  // An interval set takes networks; auto-merge lets them overlap.
  const sets = setsNamedBy(used).map((name) => {
    const elements = shared.sets.get(name) ?? [];
    const body = elements.length > 0 ? ` elements = { ${elements.join(', ')} }` : '';
    return `  set ${name} { type ipv4_addr; flags interval; auto-merge;${body} }`;
  });
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
