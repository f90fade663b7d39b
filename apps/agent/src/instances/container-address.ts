import { badRequest, conflict } from '@berth/contracts';
import { dhcpRange, inSubnet, intToIp, ipToInt, nextFreeAddress, parseCidr } from '../net/ipv4.js';

/**
 * The address/prefix a new container gets on the bridge: the one asked for once it is checked,
 * else the next free one. Addresses from the DHCP range are the VMs', never a container's.
 */
export function containerAddress(
  asked: string | undefined,
  bridgeCidr: string,
  used: Iterable<string>,
): string {
  const bridge = parseCidr(bridgeCidr);
  const taken = new Set([bridge.ip, ...used]);
  if (!asked) {
    const ip = nextFreeAddress(bridge.subnet, taken);
    if (!ip) throw conflict(`no free address left in ${bridgeCidr}`);
    return `${ip}/${bridge.subnet.prefix}`;
  }
  const { ip, subnet } = parseCidr(asked);
  if (subnet.prefix !== bridge.subnet.prefix || !inSubnet(ip, bridge.subnet)) {
    throw badRequest(
      `ipv4 ${asked} is not a host address in the default network ${bridgeCidr}`,
      'ipv4',
    );
  }
  if (taken.has(ip)) throw conflict(`address ${ip} is in use`, 'ipv4');
  const dhcpFirst = dhcpRange(bridge.subnet).first;
  if (ipToInt(ip) >= dhcpFirst) {
    throw badRequest(
      `ipv4 ${ip} is in the range DHCP hands out to VMs; pick one below ${intToIp(dhcpFirst)}`,
      'ipv4',
    );
  }
  return asked;
}
