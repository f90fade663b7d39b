import { intToIp, parseCidr } from './ipv4.js';
import { exec, run } from '../run.js';
import { joinBridge } from './link.js';

/** The container's end while it is still on the host: named after the host end, `…p` for peer. */
const peerOf = (veth: string) => `${veth}p`;

/** `ip` inside the network namespace of the process `pid` (a container's init). */
const inside = (pid: number, args: readonly string[]) =>
  run('nsenter', ['-t', String(pid), '-n', 'ip', ...args]);

/**
 * Gives a running container a bridged adapter as LXC would at its start: a veth pair, the host
 * end on the bridge, the other moved into the container's network namespace, named `name`, with
 * its MAC and address and up. Idempotent: a retry starts over from a removed pair.
 */
export async function plugContainerVeth(
  pid: number,
  a: { veth: string; name: string; mac: string; ipv4: string; bridge: string },
): Promise<void> {
  await unplugContainerVeth(a.veth);
  const peer = peerOf(a.veth);
  await run('ip', ['link', 'add', 'dev', a.veth, 'type', 'veth', 'peer', 'name', peer]);
  await run('ip', ['link', 'set', 'dev', peer, 'address', a.mac]);
  await joinBridge(a.veth, a.bridge);
  await run('ip', ['link', 'set', 'dev', a.veth, 'up']);
  await run('ip', ['link', 'set', 'dev', peer, 'netns', String(pid)]);
  await inside(pid, ['link', 'set', 'dev', peer, 'name', a.name]);
  const { subnet } = parseCidr(a.ipv4);
  await inside(pid, ['addr', 'add', a.ipv4, 'broadcast', intToIp(subnet.broadcast), 'dev', a.name]);
  await inside(pid, ['link', 'set', 'dev', a.name, 'up']);
}

/**
 * A running container's bridged adapter moved to another network: the host end onto that
 * bridge, the container's end given its new address (the old network's, IPv6 ones too,
 * flushed; a default route through them goes with them). Idempotent.
 */
export async function moveContainerVeth(
  pid: number,
  a: { veth: string; name: string; ipv4: string; bridge: string },
): Promise<void> {
  await joinBridge(a.veth, a.bridge);
  await inside(pid, ['addr', 'flush', 'dev', a.name, 'scope', 'global']);
  const { subnet } = parseCidr(a.ipv4);
  await inside(pid, ['addr', 'add', a.ipv4, 'broadcast', intToIp(subnet.broadcast), 'dev', a.name]);
}

/**
 * A running host-routed container's eth0 given another address (on its network or another):
 * what LXC's router mode made at its start, made again for it. On the host, the veth's routes
 * and proxy entries are the new addresses' and gateways' alone (its link-local route stays);
 * inside, the new /32 (and /128) replace the old addresses (the IPv4 default route goes with
 * them; the caller sets it again). Idempotent: a replay makes the container match whichever
 * record it has.
 */
export async function moveRoutedVeth(
  pid: number,
  a: { veth: string; ipv4: string; gateway: string; ipv6?: string; gateway6?: string },
): Promise<void> {
  const ip = a.ipv4.split('/')[0]!;
  const ip6 = a.ipv6?.split('/')[0];
  const keep = async (family: '-4' | '-6', what: 'route' | 'neigh', wanted: string[]) => {
    const args = what === 'route' ? ['route', 'show'] : ['neigh', 'show', 'proxy'];
    const listed = JSON.parse(
      (await run('ip', [family, '-j', ...args, 'dev', a.veth])).stdout || '[]',
    ) as Array<{ dst: string }>;
    for (const { dst } of listed) {
      if (wanted.includes(dst) || dst === 'fe80::/64') continue;
      await run('ip', [
        family,
        what,
        'del',
        ...(what === 'neigh' ? ['proxy'] : []),
        dst,
        'dev',
        a.veth,
      ]);
    }
  };
  await keep('-4', 'route', [ip]);
  await keep('-6', 'route', ip6 ? [ip6] : []);
  await run('ip', ['-4', 'route', 'replace', `${ip}/32`, 'dev', a.veth]);
  if (ip6) await run('ip', ['-6', 'route', 'replace', `${ip6}/128`, 'dev', a.veth]);
  await keep('-4', 'neigh', [a.gateway]);
  await keep('-6', 'neigh', a.gateway6 ? [a.gateway6] : []);
  await run('ip', ['-4', 'neigh', 'replace', 'proxy', a.gateway, 'dev', a.veth]);
  if (a.gateway6) await run('ip', ['-6', 'neigh', 'replace', 'proxy', a.gateway6, 'dev', a.veth]);
  await inside(pid, ['addr', 'flush', 'dev', 'eth0', 'scope', 'global']);
  await inside(pid, ['addr', 'add', `${ip}/32`, 'dev', 'eth0']);
  if (ip6) await inside(pid, ['addr', 'add', `${ip6}/128`, 'dev', 'eth0', 'nodad']);
}

/** Removes a veth pair by its host end (the container's end goes with it). Idempotent. */
export async function unplugContainerVeth(veth: string): Promise<void> {
  await exec('ip', ['link', 'del', 'dev', veth]);
  await exec('ip', ['link', 'del', 'dev', peerOf(veth)]);
}

/** A running container's adapter given another MAC (a veth takes one while up). */
export async function setInsideMac(pid: number, name: string, mac: string): Promise<void> {
  await inside(pid, ['link', 'set', 'dev', name, 'address', mac]);
}

/**
 * A running container's default route through eth0 to `gateway`; onlink as LXC's routed mode
 * has it (its gateway is outside the container's /32).
 */
export async function setInsideGateway(pid: number, gateway: string): Promise<void> {
  await inside(pid, ['route', 'replace', 'default', 'via', gateway, 'dev', 'eth0', 'onlink']);
}
