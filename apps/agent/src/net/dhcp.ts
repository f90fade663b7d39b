import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cmdlineOf, readPidfile } from '../host/proc.js';
import { follow, type Followed } from '../run.js';
import { dhcpRange, intToIp, parseCidr } from './ipv4.js';

const isDnsmasq = async (pid: number) => (await cmdlineOf(pid)).startsWith('dnsmasq');

/**
 * DHCP for VMs on the bridge (containers get static addresses from LXC). One dnsmasq
 * per bridge, replaced at each agent start so its settings follow the agent's, and
 * restarted by the runner if it dies.
 */
export async function startDhcp(bridge: string, cidr: string, stateDir: string): Promise<Followed> {
  const pidfile = path.join(stateDir, 'dnsmasq.pid');
  // One left by an agent that did not stop cleanly.
  const old = await readPidfile(pidfile);
  if (old && (await isDnsmasq(old))) {
    process.kill(old, 'SIGTERM');
    // The new one cannot bind the DHCP port until the old one is gone.
    for (let i = 0; i < 50 && (await isDnsmasq(old)); i++)
      await new Promise((r) => setTimeout(r, 50));
  }
  const { ip, subnet } = parseCidr(cidr);
  const range = dhcpRange(subnet);
  const mask = intToIp(2 ** 32 - 2 ** (32 - subnet.prefix));
  return follow(
    'dnsmasq',
    [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--bind-interfaces',
      `--interface=${bridge}`,
      '--except-interface=lo',
      '--port=0',
      `--dhcp-range=${intToIp(range.first)},${intToIp(range.last)},${mask},1h`,
      `--dhcp-option=option:router,${ip}`,
      `--dhcp-leasefile=${path.join(stateDir, 'dnsmasq.leases')}`,
      '--dhcp-authoritative',
    ],
    { onStart: (pid) => void writeFile(pidfile, String(pid)) },
  );
}
