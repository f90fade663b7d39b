import type { FirewallRule, FirewallSettings } from '@berth/contracts';

/** What the script needs to know about one of an instance's adapters. */
export interface Port {
  /** The host end of the adapter on the bridge (a container's veth, a VM's tap). */
  ifname: string;
  mac: string;
  /** Its IPv4 address without the prefix; null for a VM that has whatever DHCP gives it. */
  ipv4: string | null;
  /** It asks DHCP for its address (a VM): its requests and the answers always pass. */
  dhcp: boolean;
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
 */
export function firewallScript(
  table: string,
  ports: readonly Port[],
  fw: FirewallSettings,
): string {
  const names = ports.map((p) => `"${p.ifname}"`);
  const from = `iifname ${names.length === 1 ? names[0] : `{ ${names.join(', ')} }`}`;
  const to = `oifname ${names.length === 1 ? names[0] : `{ ${names.join(', ')} }`}`;
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
  if (fw.enabled) {
    fw.rules.forEach((rule, i) => {
      const line = `${rule.direction === 'in' ? to : from} ${matchOf(rule)} counter ${rule.action} comment "${ruleTag(i)}"`;
      (rule.direction === 'in' ? inn : out).push(line.replace(/ +/g, ' '));
    });
    // Only IPv4 falls to the default: ARP must pass or nothing, allowed or not, could be reached.
    if (fw.policy.out === 'drop') out.push(`${from} ether type ip counter drop comment "policy"`);
    if (fw.policy.in === 'drop') inn.push(`${to} ether type ip counter drop comment "policy"`);
  }
  return [
    `table bridge ${table}`,
    `delete table bridge ${table}`,
    `table bridge ${table} {`,
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
