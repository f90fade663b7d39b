import { writeFile } from 'node:fs/promises';
import type { Log } from '../log.js';
import { exec, run } from '../run.js';
import { ensureGuard } from './firewall.js';
import { parseCidr, intToIp } from './ipv4.js';

/** The NAT table of one bridge (ip family: the masquerade is IPv4). */
export const natTable = (bridge: string): string => `berth_${bridge.replace(/-/g, '_')}`;

/**
 * A network's bridge: the host's address on it, its MTU, NAT for its subnet when asked (so
 * instances get a way out), and a firewall that keeps them off the host's guarded ports (the
 * API's and the agent's; none when allowed). Idempotent.
 */
export async function ensureBridge(
  name: string,
  cidr: string,
  guardedPorts: readonly number[],
  log: Log,
  opts: { nat: boolean; mtu: number },
): Promise<void> {
  const exists = (await exec('ip', ['link', 'show', 'dev', name])).code === 0;
  if (!exists) await run('ip', ['link', 'add', 'name', name, 'type', 'bridge']);
  const addrs = await run('ip', ['-4', '-o', 'addr', 'show', 'dev', name]);
  if (!addrs.stdout.includes(` ${cidr} `)) await run('ip', ['addr', 'add', cidr, 'dev', name]);
  await run('ip', ['link', 'set', 'dev', name, 'mtu', String(opts.mtu), 'up']);
  const table = natTable(name);
  try {
    // One table per bridge, replaced whole, so a restart never stacks duplicate rules.
    await exec('nft', ['delete', 'table', 'ip', table]);
    if (!opts.nat) return;
    await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
    const { subnet } = parseCidr(cidr);
    const source = `${intToIp(subnet.network)}/${subnet.prefix}`;
    await run('nft', ['-f', '-'], {
      input: `table ip ${table} {\n  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n    ip saddr ${source} ip daddr != ${source} masquerade\n  }\n}\n`,
    });
  } catch (err) {
    log.warn({ bridge: name, err: (err as Error).message }, 'NAT for the bridge is not set up');
  } finally {
    await ensureGuard(name, guardedPorts, log);
  }
}
