import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dhcpRange, intToIp, parseCidr } from './ipv4.js';

async function isDnsmasq(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.startsWith('dnsmasq');
}

/**
 * DHCP for VMs on the bridge (containers get static addresses from LXC). One dnsmasq
 * per bridge, replaced at each agent start so its settings follow the agent's.
 */
export async function startDhcp(
  bridge: string,
  cidr: string,
  stateDir: string,
  log: (m: string) => void,
): Promise<void> {
  const pidfile = path.join(stateDir, 'dnsmasq.pid');
  const old = Number(await readFile(pidfile, 'utf8').catch(() => '0'));
  if (old > 0 && (await isDnsmasq(old))) {
    process.kill(old, 'SIGTERM');
    // The new one cannot bind the DHCP port until the old one is gone.
    for (let i = 0; i < 50 && (await isDnsmasq(old)); i++)
      await new Promise((r) => setTimeout(r, 50));
  }
  const { ip, subnet } = parseCidr(cidr);
  const range = dhcpRange(subnet);
  const mask = intToIp(2 ** 32 - 2 ** (32 - subnet.prefix));
  const child = spawn(
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
    { detached: true, stdio: 'ignore' },
  );
  child.on('error', (err) => log(`DHCP for ${bridge} is not running: ${err.message}`));
  child.unref();
  if (child.pid) await writeFile(pidfile, String(child.pid));
}
