import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Log } from '../log.js';
import { exec, run } from '../run.js';
import { ensureGuard } from './firewall.js';
import { parseCidr, intToIp } from './ipv4.js';
import { nftLoad } from './nft.js';

/** The table of one network's bridge: isolation and NAT (ip family: both are IPv4). */
export const natTable = (bridge: string): string => `berth_${bridge.replace(/-/g, '_')}`;

/**
 * The bridge's table as one nft script, replacing the old one atomically (like the guard
 * table). New connections forwarded into the bridge from anywhere else (another network's
 * bridge, the uplink) are dropped, so networks are apart from each other; replies and the
 * host's own traffic pass. With NAT, what leaves the subnet is masqueraded.
 *
 * The exception is this network's host-routed containers: their veths (`vc…`, LXC's names) are
 * on no bridge, so what they send to a bridged neighbour arrives from outside it. It passes when
 * its source is in the subnet and routed back out the veth it came in on (the reverse-path
 * lookup): only the container the /32 is routed to can send from that address, with or without
 * its own guard table, and another network's routed containers stay out.
 */
export function bridgeTableScript(bridge: string, cidr: string, nat: boolean): string {
  const table = natTable(bridge);
  const { subnet } = parseCidr(cidr);
  const source = `${intToIp(subnet.network)}/${subnet.prefix}`;
  return [
    `table ip ${table}`,
    `delete table ip ${table}`,
    `table ip ${table} {`,
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    `    oifname "${bridge}" iifname "vc*" ip saddr ${source} fib saddr . iif oif exists accept`,
    `    oifname "${bridge}" iifname != "${bridge}" ct state new drop`,
    '  }',
    ...(nat
      ? [
          '  chain postrouting {',
          '    type nat hook postrouting priority srcnat; policy accept;',
          `    ip saddr ${source} ip daddr != ${source} masquerade`,
          '  }',
        ]
      : []),
    '}',
    '',
  ].join('\n');
}

/**
 * A bridge's MAC, from its name: locally administered, unicast, the same each time it is made.
 * Without one set, a bridge takes the lowest of its ports' MACs, which changes as instances come
 * and go, and a bridge made again (deleted by hand) would have another: instances that knew the
 * gateway by the old one lose it until their ARP entry fails (a DNS test saw 30 s without
 * answers).
 */
export function bridgeMac(name: string): string {
  const bytes = createHash('sha256').update(`berth-bridge:${name}`).digest().subarray(0, 6);
  bytes[0] = (bytes[0]! & 0xfe) | 0x02;
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

async function pinBridgeMac(name: string): Promise<void> {
  const mac = bridgeMac(name);
  const now = (await readFile(`/sys/class/net/${name}/address`, 'utf8')).trim();
  if (now !== mac) await run('ip', ['link', 'set', 'dev', name, 'address', mac]);
}

/**
 * A network's bridge: the host's address on it, its MTU, its table (isolation from other
 * networks, NAT for its subnet when asked, so instances get a way out), and a firewall that
 * keeps them off the host's guarded ports (the API's and the agent's; none when allowed).
 * Idempotent.
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
  await pinBridgeMac(name);
  // Host-routed containers hold addresses of the subnet without being on the bridge: the host
  // answers ARP for them (proxy ARP only answers for addresses routed out another interface, so
  // the bridge's own instances are left to answer for themselves).
  await writeFile(`/proc/sys/net/ipv4/conf/${name}/proxy_arp`, '1');
  try {
    if (opts.nat) await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
    await nftLoad(bridgeTableScript(name, cidr, opts.nat));
  } catch (err) {
    log.warn({ bridge: name, err: (err as Error).message }, "the bridge's NAT table is not set up");
  }
  await ensureGuard(name, guardedPorts, log);
}
