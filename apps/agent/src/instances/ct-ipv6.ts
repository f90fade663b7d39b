import { conflict, DEFAULT_NETWORK } from '@berth/contracts';
import { containerAddress6 } from '../net/ipv6.js';
import type { NetworkEntry } from '../net/networks/networks.js';
import type { ContainerRecord } from './record.js';

/**
 * A new container's static IPv6 on eth0: the one asked or, on a network with IPv6, the next free
 * one; none on a network without. A host-routed adapter's too: LXC's router mode gives it as a
 * /128 routed to its veth, and the bridge answers neighbour discovery for it (RoutedNdp).
 */
export function containerIpv6(
  asked: string | undefined,
  network: NetworkEntry,
  used: Iterable<string>,
): Pick<ContainerRecord, 'ipv6' | 'gateway6'> {
  if (!network.ipv6) {
    if (asked) throw conflict(`network ${network.name} has no IPv6`, 'ipv6');
    return {};
  }
  const v6 = [...used].filter((u) => u.includes(':'));
  return {
    ipv6: containerAddress6(asked, network.ipv6, v6),
    gateway6: network.ipv6.split('/')[0] as string,
  };
}

/** The IPv6 addresses containers hold (without prefixes), to keep new ones apart. */
export const ipv6sOf = (records: readonly ContainerRecord[]): string[] =>
  records.flatMap((r) => (r.ipv6 ? [r.ipv6.split('/')[0] as string] : []));

/** The host-routed containers' IPv6 addresses, by the bridge of their network (see RoutedNdp). */
export function routedIpv6ByBridge(
  records: readonly ContainerRecord[],
  bridgeFor: (network: string) => string,
): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const r of records) {
    if (r.networkMode !== 'routed' || !r.ipv6) continue;
    const bridge = bridgeFor(r.network ?? DEFAULT_NETWORK);
    by.set(bridge, [...(by.get(bridge) ?? []), r.ipv6.split('/')[0]!]);
  }
  return by;
}
