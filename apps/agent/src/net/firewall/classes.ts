import { type ClassCounter, type NetworkClass, OTHER_CLASS } from '@berth/contracts';
import { typedSets, v6SetName, type Port } from './script.js';
import { nftListTables } from '../nft.js';

const counterName = (cls: string, dir: 'in' | 'out') => `cls_${cls}_${dir}`;
const COUNTER = /^cls_([a-z][a-z0-9-]*)_(in|out)$/;
/** IPv6 peers that are on the link only: traffic with them is not counted in any class. */
const ON_LINK6 = '{ fe80::/10, ff00::/8 }';

/**
 * The class counters of an instance's table, added to it in the same transaction as its rules
 * (a second `table` block merges into the first). Their own base chains at a priority before
 * the rules' (filter - 10): a packet is counted as sent or addressed, whether the rules then
 * drop it or not, and the counting chains have no verdict but `return`, so the rules see every
 * packet.
 *
 * First match: each direction jumps to a chain with one rule per class in order, each counting
 * and returning, then `other` counting the rest; a packet is counted once. A class's ranges are
 * two typed sets, `cls_<name>` and `cls_<name>_v6` (either may be empty), counted into the same
 * counters. Not counted, as they never leave the link: ARP, and IPv6 to or from link-local and
 * multicast peers (neighbour discovery, router advertisements).
 */
export function classCountingScript(
  table: string,
  ports: readonly Pick<Port, 'ifname'>[],
  classes: readonly NetworkClass[],
  family: 'bridge' | 'inet' = 'bridge',
): string {
  if (ports.length === 0) return '';
  const names = ports.map((p) => `"${p.ifname}"`).join(', ');
  // A host-routed container's veth is on no bridge: its counters are in its inet table.
  const [ip, ip6] =
    family === 'bridge'
      ? ['ether type ip', 'ether type ip6']
      : ['meta nfproto ipv4', 'meta nfproto ipv6'];
  const all = [...classes.map((c) => c.name), OTHER_CLASS];
  const chain = (dir: 'in' | 'out') => {
    const peer = dir === 'out' ? 'daddr' : 'saddr';
    return [
      `  chain cls_${dir} {`,
      ...classes.flatMap((c) => [
        `    ip ${peer} @cls_${c.name} counter name ${counterName(c.name, dir)} return`,
        `    ip6 ${peer} @${v6SetName(`cls_${c.name}`)} counter name ${counterName(c.name, dir)} return`,
      ]),
      `    counter name ${counterName(OTHER_CLASS, dir)}`,
      '  }',
    ];
  };
  return [
    `table ${family} ${table} {`,
    ...all.flatMap((c) => [
      `  counter ${counterName(c, 'in')} {}`,
      `  counter ${counterName(c, 'out')} {}`,
    ]),
    ...classes.flatMap((c) => typedSets(`cls_${c.name}`, c.ranges)),
    ...chain('out'),
    ...chain('in'),
    '  chain cls_from_instance {',
    '    type filter hook prerouting priority filter - 10; policy accept;',
    `    iifname { ${names} } ${ip} jump cls_out`,
    `    iifname { ${names} } ${ip6} ip6 daddr != ${ON_LINK6} jump cls_out`,
    '  }',
    // In the inet family what it gets is forwarded or the host's own (the hooks its rules are
    // in), each counted before them as in the bridge family's postrouting.
    ...(family === 'bridge'
      ? [['cls_to_instance', 'postrouting']]
      : [
          ['cls_to_instance_routed', 'forward'],
          ['cls_to_instance_local', 'output'],
        ]
    ).flatMap(([name, hook]) => [
      `  chain ${name} {`,
      `    type filter hook ${hook} priority filter - 10; policy accept;`,
      `    oifname { ${names} } ${ip} jump cls_in`,
      `    oifname { ${names} } ${ip6} ip6 saddr != ${ON_LINK6} jump cls_in`,
      '  }',
    ]),
    '}',
    '',
  ].join('\n');
}

interface NftCounter {
  counter?: { name: string; packets: number; bytes: number };
}

/**
 * The class counters of the tables named, by table name (one nft process per hundred tables,
 * see `nftListTables`); each table's classes in the order given, `other` last. A table that is
 * not there, or counts no classes, is left out.
 */
export async function readClassCounters(
  tables: readonly string[],
  classes: readonly NetworkClass[],
): Promise<Map<string, ClassCounter[]>> {
  const byTable = new Map<string, Map<string, ClassCounter>>();
  const listed = [
    ...(await nftListTables('bridge', tables)),
    ...(await nftListTables('inet', tables)),
  ];
  for (const [table, objects] of listed) {
    for (const { counter: c } of objects as NftCounter[]) {
      const m = c ? COUNTER.exec(c.name) : null;
      if (!c || !m) continue;
      const of = byTable.get(table) ?? new Map<string, ClassCounter>();
      byTable.set(table, of);
      const cls = of.get(m[1]!) ?? {
        class: m[1]!,
        inBytes: 0,
        outBytes: 0,
        inPackets: 0,
        outPackets: 0,
      };
      of.set(m[1]!, cls);
      // Summed: a host-routed container with bridged adapters counts in both families' tables.
      if (m[2] === 'in') {
        cls.inBytes += c.bytes;
        cls.inPackets += c.packets;
      } else {
        cls.outBytes += c.bytes;
        cls.outPackets += c.packets;
      }
    }
  }
  const order = [...classes.map((c) => c.name), OTHER_CLASS];
  return new Map(
    [...byTable].map(([table, of]) => [
      table,
      order.map(
        (name) =>
          of.get(name) ?? { class: name, inBytes: 0, outBytes: 0, inPackets: 0, outPackets: 0 },
      ),
    ]),
  );
}
