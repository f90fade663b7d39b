import type { FirewallRule, FirewallSettings } from '@berth/contracts';

/** What the script needs to know about one instance's adapter. */
export interface Port {
  /** The host end of the adapter on the bridge (a container's veth). */
  ifname: string;
  mac: string;
  /** Its IPv4 address without the prefix. */
  ipv4: string;
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
 * instance's port: prerouting has all it sends (to the host or another port), postrouting all it
 * gets. There is no connection tracking in the bridge family here, so rules are stateless.
 */
export function firewallScript(table: string, port: Port, fw: FirewallSettings): string {
  const from = `iifname "${port.ifname}"`;
  const to = `oifname "${port.ifname}"`;
  const out: string[] = [];
  const inn: string[] = [];
  if (fw.antiSpoofing) {
    out.push(
      `${from} ether saddr != ${port.mac} counter drop comment "spoof-mac"`,
      `${from} ether type arp arp saddr ether != ${port.mac} counter drop comment "spoof-arp-mac"`,
      `${from} ether type arp arp saddr ip != ${port.ipv4} counter drop comment "spoof-arp-ip"`,
      `${from} ether type ip ip saddr != ${port.ipv4} counter drop comment "spoof-ip"`,
    );
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
