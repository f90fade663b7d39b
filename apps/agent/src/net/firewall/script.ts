import {
  cidrFamily,
  type FirewallRule,
  type FirewallSettings,
  type NetworkFirewallSettings,
  setNamed,
} from '@berth/contracts';
import { bridgeMac } from '../bridge.js';

/** What the script needs to know about one of an instance's adapters. */
export interface Port {
  /** The bridge of its network: a frame a rule rejects is handed up to the host there. */
  bridge: string;
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

type Family = 'ipv4' | 'ipv6';

/** A frame's match without its family's `ether type`; a null family matches any frame. */
interface Match {
  family: Family | null;
  text: string;
}

const ETHER = { ipv4: 'ether type ip', ipv6: 'ether type ip6' } as const;
const inBridge = (m: Match) => (m.family ? `${ETHER[m.family]} ${m.text}` : m.text);

/**
 * A rule's matches, one per family it concerns: a CIDR fixes the family; a set or a protocol
 * without one makes two (an address set holds both, and a port rule must hold over IPv6 too);
 * protocol any without addresses is one match for every frame, ARP included, unless it rejects:
 * only IP can be answered, so ARP goes on to the next rule.
 */
function matchesOf(rule: FirewallRule): Match[] {
  const fixed = cidrFamily(rule.source) ?? cidrFamily(rule.destination);
  const named = setNamed(rule.source) !== null || setNamed(rule.destination) !== null;
  if (!fixed && !named && rule.protocol === 'any' && rule.action !== 'reject') {
    return [{ family: null, text: '' }];
  }
  const families = fixed ? [fixed] : (['ipv4', 'ipv6'] as const);
  return families.map((family) => {
    const v6 = family === 'ipv6';
    const ip = v6 ? 'ip6' : 'ip';
    const address = (a: string) => {
      const set = setNamed(a);
      return set === null ? a : `@${v6 ? v6SetName(set) : set}`;
    };
    const parts: string[] = [];
    if (rule.source) parts.push(`${ip} saddr ${address(rule.source)}`);
    if (rule.destination) parts.push(`${ip} daddr ${address(rule.destination)}`);
    if (rule.protocol === 'icmp' && v6) parts.push(`icmpv6 type != { ${ND} }`);
    else if (rule.protocol !== 'any') parts.push(`meta l4proto ${rule.protocol}`);
    if (rule.ports.length > 0) parts.push(`${rule.protocol} dport { ${rule.ports.join(', ')} }`);
    return { family, text: parts.join(' ') };
  });
}

/**
 * The mark of a frame a rule rejects. The bridge family cannot answer a frame itself (that needs
 * nft_reject_bridge, which this kernel lacks), so the rule marks it and hands it to the host's
 * own stack, readdressed to the bridge's MAC; there the instance's inet table answers every
 * frame so marked (`rejectTable`): a TCP reset, else ICMP port unreachable. A value no one else
 * sets, matched whole: a mark the host uses for its own traffic never matches it.
 */
export const REJECT_MARK = '0x62657274';

/** The answer to a packet a rule rejects: a TCP reset, else ICMP port unreachable. */
const rejectingChain = (name: string) => [
  `  chain ${name} {`,
  '    meta l4proto tcp reject with tcp reset',
  '    reject',
  '  }',
];

/** What a rule that rejects does in the bridge family: the frame goes up to the host, marked. */
const handUp = (bridge: string) =>
  `meta mark set ${REJECT_MARK} ether daddr set ${bridgeMac(bridge)} meta pkttype set host accept`;

function baseChain(name: string, hook: string, priority: string, lines: readonly string[]) {
  return [
    `  chain ${name} {`,
    `    type filter hook ${hook} priority ${priority}; policy accept;`,
    ...lines.map((l) => `    ${l}`),
    '  }',
  ];
}

/** One line of the chain for what is sent to the instance, kept whole to be written three ways. */
interface InLine {
  ports: readonly Port[];
  match: Match;
  verdict: 'accept' | 'drop' | 'reject';
  counted: boolean;
  tag: string;
}

function byBridge(ports: readonly Port[]): Port[][] {
  const groups = new Map<string, Port[]>();
  for (const p of ports) groups.set(p.bridge, [...(groups.get(p.bridge) ?? []), p]);
  return [...groups.values()];
}
const nftList = (items: readonly string[]) =>
  items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
const tidy = (line: string) => line.replace(/ +/g, ' ').trim();

/**
 * The lines for what is sent to an instance, up to the last that rejects, as they are written
 * before the frame's way is known: in the bridge family's prerouting, for a frame from another
 * port addressed to the instance's MAC, and in the inet family's output and forward, for a
 * packet of the host's own or routed by it, addressed to the instance's addresses. There a
 * rejecting line answers (and counts); every other line accepts, uncounted: the frame goes on
 * to the instance's postrouting chain, where the same line decides and counts it. So a rule's
 * order holds, and each frame is counted once.
 */
function inLinesBefore(inn: readonly InLine[], at: 'bridge' | 'inet'): string[] {
  const last = inn.map((l) => l.verdict).lastIndexOf('reject');
  return inn.slice(0, last + 1).flatMap((line) =>
    byBridge(line.ports).flatMap((ports) => {
      const bridge = ports[0]!.bridge;
      const verdict =
        line.verdict !== 'reject'
          ? 'accept'
          : `counter ${at === 'bridge' ? handUp(bridge) : 'goto rejecting'} comment "${line.tag}"`;
      if (at === 'bridge') {
        const to = `ether daddr ${nftList(ports.map((p) => p.mac))}`;
        return [tidy(`${to} ${inBridge(line.match)} ${verdict}`)];
      }
      const families = line.match.family ? [line.match.family] : (['ipv4', 'ipv6'] as const);
      return families.flatMap((family) => {
        const addresses =
          family === 'ipv4' ? ports.flatMap((p) => p.ipv4 ?? []) : ports.flatMap((p) => p.ipv6);
        if (addresses.length === 0) return [];
        const to = `${family === 'ipv4' ? 'ip' : 'ip6'} daddr ${nftList(addresses)}`;
        return [tidy(`oifname "${bridge}" ${to} ${line.match.text} ${verdict}`)];
      });
    }),
  );
}

/**
 * An instance's inet table when its rules reject: the answer to the frames its bridge table
 * marked (at raw, before the host's NAT could readdress them), and the inbound lines for what
 * the host sends or routes to it (see inLinesBefore); none otherwise.
 */
function rejectTable(
  table: string,
  inn: readonly InLine[],
  rejectsOut: boolean,
  sets: readonly string[],
): string[] {
  const inbound = inn.some((l) => l.verdict === 'reject');
  if (!inbound && !rejectsOut) return [];
  const toInstance = inLinesBefore(inn, 'inet');
  return [
    `table inet ${table} {`,
    ...(inbound ? sets : []),
    ...rejectingChain('rejecting'),
    ...baseChain('marked', 'prerouting', 'raw', [`meta mark ${REJECT_MARK} goto rejecting`]),
    ...(inbound
      ? [
          ...baseChain('to_instance_local', 'output', 'filter', toInstance),
          ...baseChain('to_instance_routed', 'forward', 'filter', toInstance),
        ]
      : []),
    '}',
  ];
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
  /** The inet table of the same name was made afresh by routedScript (a routed eth0): join it. */
  inetMadeAlready = false,
): string {
  const onPorts = (dir: 'iifname' | 'oifname', of: readonly Port[]) =>
    `${dir} ${nftList(of.map((p) => `"${p.ifname}"`))}`;
  const out: string[] = [];
  const inn: InLine[] = [];
  let rejectsOut = false;
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
      inn.push({
        ports: [port],
        match: { family: 'ipv4', text: 'meta l4proto udp udp sport 67 udp dport 68' },
        verdict: 'accept',
        counted: false,
        tag: 'dhcp',
      });
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
        if (rule.direction === 'in') {
          inn.push({ ports: of, match, verdict: rule.action, counted: true, tag: tag(i) });
        } else if (rule.action === 'reject') {
          rejectsOut = true;
          for (const group of byBridge(of)) {
            const hand = handUp(group[0]!.bridge);
            out.push(
              tidy(
                `${onPorts('iifname', group)} ${inBridge(match)} counter ${hand} comment "${tag(i)}"`,
              ),
            );
          }
        } else {
          out.push(
            tidy(
              `${onPorts('iifname', of)} ${inBridge(match)} counter ${rule.action} comment "${tag(i)}"`,
            ),
          );
        }
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
  if (fw.enabled) {
    add(fw.rules, ports, ruleTag);
    // IPv4 and IPv6 fall to the default, ARP, neighbour discovery and DHCPv6 do not: without
    // them nothing, allowed or not, could be reached, nor an IPv6 address or route be had.
    if (fw.policy.out === 'drop') {
      out.push(
        `${from} ether type ip counter drop comment "policy"`,
        `${from} ether type ip6 icmpv6 type { ${ND} } accept comment "ndp"`,
        `${from} ether type ip6 udp sport 546 udp dport 547 accept comment "dhcp6"`,
        `${from} ether type ip6 counter drop comment "policy"`,
      );
    }
    if (fw.policy.in === 'drop') {
      const line = (family: Family, text: string, verdict: 'accept' | 'drop', tag: string) => ({
        ports,
        match: { family, text },
        verdict,
        counted: verdict === 'drop',
        tag,
      });
      inn.push(
        line('ipv4', '', 'drop', 'policy'),
        line('ipv6', `icmpv6 type { ${ND} }`, 'accept', 'ndp'),
        line('ipv6', 'udp sport 547 udp dport 546', 'accept', 'dhcp6'),
        line('ipv6', '', 'drop', 'policy'),
      );
    }
  }
  // A frame that reaches the instance's port still matching a rejecting rule (one broadcast, or
  // sent by the host to an address the tables do not know) can only be dropped there.
  const toInstance = inn.map((l) => {
    const verdict = l.verdict === 'reject' ? 'drop' : l.verdict;
    const counter = l.counted ? 'counter ' : '';
    return tidy(
      `${onPorts('oifname', l.ports)} ${inBridge(l.match)} ${counter}${verdict} comment "${l.tag}"`,
    );
  });
  const early = inLinesBefore(inn, 'bridge');
  const sets = setsNamedBy(used).flatMap((name) => typedSets(name, shared.sets.get(name) ?? []));
  return [
    `table bridge ${table}`,
    `delete table bridge ${table}`,
    `table bridge ${table} {`,
    ...sets,
    ...baseChain('from_instance', 'prerouting', 'filter', out),
    ...baseChain('to_instance', 'postrouting', 'filter', toInstance),
    ...(early.length > 0 ? baseChain('to_instance_early', 'prerouting', 'filter', early) : []),
    '}',
    // Rules that no longer reject leave no inet table behind.
    ...(inetMadeAlready ? [] : [`table inet ${table}`, `delete table inet ${table}`]),
    ...rejectTable(table, inn, rejectsOut, sets),
    '',
  ].join('\n');
}

/** A host-routed container's adapter: its veth (on no bridge), its one address, its network. */
export interface RoutedPort {
  ifname: string;
  ipv4: string;
  /** Its IPv6 address, on a network with IPv6; null on one without. */
  ipv6: string | null;
  network: string;
}

/**
 * A host-routed container's table: its adapter is on no bridge, so the bridge family never sees
 * its traffic; it is in an inet table of the same name as a bridged instance's (so the leftover
 * check and the start's sweep see it). It sends from its own addresses or not at all, whatever
 * antiSpoofing says (a routed adapter cannot change its address: that is the mode); on a network
 * without IPv6 it has none. Then its network's rules and its own, as for a bridged instance and stateless like
 * them: what it sends in prerouting (to the host or beyond), what it gets in forward and in
 * output (from the host itself), each packet in one of them. Here reject is the kernel's own.
 */
export function routedScript(
  table: string,
  port: RoutedPort,
  fw: FirewallSettings,
  shared: Shared,
): string {
  const out: string[] = [];
  const inn: string[] = [];
  const used: FirewallRule[] = [];
  const add = (rules: readonly FirewallRule[], tag: (i: number) => string) => {
    used.push(...rules);
    rules.forEach((rule, i) => {
      const [lines, dir] = rule.direction === 'in' ? [inn, 'oifname'] : [out, 'iifname'];
      const verdict = rule.action === 'reject' ? 'goto routed_rejecting' : rule.action;
      for (const m of matchesOf(rule)) {
        const family = m.family ? `meta nfproto ${m.family}` : '';
        lines.push(
          tidy(
            `${dir} "${port.ifname}" ${family} ${m.text} counter ${verdict} comment "${tag(i)}"`,
          ),
        );
      }
    });
  };
  const network = shared.networks.get(port.network);
  if (network?.enabled) add(network.rules, (i) => networkRuleTag(port.network, i));
  if (fw.enabled) {
    add(fw.rules, ruleTag);
    if (fw.policy.out === 'drop')
      out.push(`iifname "${port.ifname}" counter drop comment "policy"`);
    if (fw.policy.in === 'drop') inn.push(`oifname "${port.ifname}" counter drop comment "policy"`);
  }
  const rejects = used.some((r) => r.action === 'reject');
  return [
    `table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    ...setsNamedBy(used).flatMap((name) => typedSets(name, shared.sets.get(name) ?? [])),
    ...baseChain('spoofing', 'prerouting', 'raw', [
      `iifname "${port.ifname}" ip saddr != ${port.ipv4} counter drop`,
      // Link-local and :: for neighbour discovery with the host's end and duplicate detection.
      port.ipv6
        ? `iifname "${port.ifname}" ip6 saddr != { ${port.ipv6}, fe80::/64, :: } counter drop`
        : `iifname "${port.ifname}" meta nfproto ipv6 counter drop`,
    ]),
    ...(out.length > 0 ? baseChain('routed_from', 'prerouting', 'filter', out) : []),
    ...(inn.length > 0
      ? [
          ...baseChain('routed_to_forwarded', 'forward', 'filter', inn),
          ...baseChain('routed_to_local', 'output', 'filter', inn),
        ]
      : []),
    ...(rejects ? rejectingChain('routed_rejecting') : []),
    '}',
    '',
  ].join('\n');
}
