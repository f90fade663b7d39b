/** Pure IPv4 arithmetic for the agent's address management. */

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface Subnet {
  network: number;
  prefix: number;
  broadcast: number;
}

export function parseCidr(cidr: string): { ip: string; subnet: Subnet } {
  const [ip, prefixText] = cidr.split('/') as [string, string];
  const prefix = Number(prefixText);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(ipToInt(ip) / size) * size;
  return { ip, subnet: { network, prefix, broadcast: network + size - 1 } };
}

export function inSubnet(ip: string, subnet: Subnet): boolean {
  const n = ipToInt(ip);
  return n > subnet.network && n < subnet.broadcast;
}

/**
 * The top quarter of the subnet is handed out by DHCP (VMs); static addresses
 * (containers) come from below it, so the two never collide.
 */
export function dhcpRange(subnet: Subnet): { first: number; last: number } {
  const size = subnet.broadcast - subnet.network + 1;
  return { first: subnet.broadcast - Math.floor(size / 4) + 1, last: subnet.broadcast - 1 };
}

/** The lowest free static address outside the DHCP range, skipping the first few (the gateway lives there). */
export function nextFreeAddress(
  subnet: Subnet,
  used: ReadonlySet<string>,
  skip = 10,
  range = dhcpRange(subnet),
): string | null {
  for (let n = subnet.network + skip; n < subnet.broadcast; n++) {
    if (n >= range.first && n <= range.last) continue;
    const ip = intToIp(n);
    if (!used.has(ip)) return ip;
  }
  return null;
}
