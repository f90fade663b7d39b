import { conflict } from '@berth/contracts';
import { containerAddress6 } from '../net/ipv6.js';
import type { NetworkEntry } from '../net/networks/networks.js';
import type { ContainerRecord } from './record.js';

/**
 * A new container's static IPv6 on eth0: the one asked or, on a network with IPv6, the next free
 * one; none on a network without. A host-routed adapter stays IPv4-only (its guard drops IPv6):
 * LXC's router mode would need a proxy-NDP entry per address, which is left for later.
 */
export function containerIpv6(
  asked: string | undefined,
  network: NetworkEntry,
  routed: boolean,
  used: Iterable<string>,
): Pick<ContainerRecord, 'ipv6' | 'gateway6'> {
  if (!network.ipv6) {
    if (asked) throw conflict(`network ${network.name} has no IPv6`, 'ipv6');
    return {};
  }
  if (routed) {
    if (asked) throw conflict('a host-routed adapter has IPv4 only', 'ipv6');
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
