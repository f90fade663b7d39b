import { badRequest, conflict } from '@berth/contracts';
import { inSubnet, intToIp, ipToInt, nextFreeAddress, parseCidr } from '../net/ipv4.js';

/** What an address is chosen from: a network's gateway/prefix and the range its DHCP hands out. */
export interface AddressPool {
  name: string;
  ipv4: string;
  dhcp: { first: string; last: string };
}

/**
 * The address/prefix a new container gets on its network (or a VM's static lease): the one
 * asked for once it is checked, else the next free one. Addresses from the DHCP range are for
 * VMs without a static lease, never a container's or a static lease's.
 */
export function containerAddress(
  asked: string | undefined,
  network: AddressPool,
  used: Iterable<string>,
): string {
  const gateway = parseCidr(network.ipv4);
  const taken = new Set([gateway.ip, ...used]);
  const range = { first: ipToInt(network.dhcp.first), last: ipToInt(network.dhcp.last) };
  if (!asked) {
    const ip = nextFreeAddress(gateway.subnet, taken, 10, range);
    if (!ip) throw conflict(`no free address left in network ${network.name} (${network.ipv4})`);
    return `${ip}/${gateway.subnet.prefix}`;
  }
  const { ip, subnet } = parseCidr(asked);
  if (subnet.prefix !== gateway.subnet.prefix || !inSubnet(ip, gateway.subnet)) {
    throw conflict(
      `ipv4 ${asked} is not a host address in network ${network.name} (${network.ipv4})`,
      'ipv4',
    );
  }
  if (taken.has(ip)) throw conflict(`address ${ip} is in use`, 'ipv4');
  if (ipToInt(ip) >= range.first && ipToInt(ip) <= range.last) {
    throw badRequest(
      `ipv4 ${ip} is in the range DHCP hands out to VMs (${network.dhcp.first}-${intToIp(range.last)})`,
      'ipv4',
    );
  }
  return asked;
}
