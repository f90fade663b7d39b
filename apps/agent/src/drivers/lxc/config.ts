import { createHash } from 'node:crypto';
import { intToIp, parseCidr } from '../../net/ipv4.js';
import { SECCOMP_POLICY } from '../../host/security.js';
import type { IdRange } from '../../storage/id-shift.js';
import { idmapLines } from './idmap.js';

/** What LXC's config needs to know of a container. */
export interface LxcContainer {
  /** Seeds the container's MAC, so it must not change over the container's life. */
  id: string;
  hostname: string;
  /** address/prefix on the bridge */
  ipv4: string;
  gateway: string;
  /** Static IPv6 address/prefix and gateway on eth0; absent for none. */
  ipv6?: string;
  gateway6?: string;
  /** 'routed': host-routed (venet), no bridge; absent: bridged. */
  networkMode?: 'routed';
  /** eth0's MAC when set; absent: macFor(id). */
  mac?: string;
  /** Adapters beside eth0 (bridged, without a gateway), each on its network's bridge. */
  adapters?: ReadonlyArray<{ index: number; network: string; ipv4: string; mac?: string }>;
  /** Whether LXC's own autostart may start it. */
  onboot: boolean;
  /** The host ids the container's run as; absent for a privileged container. */
  idmap?: IdRange;
}

export interface RenderOptions {
  image: string;
  bridge: string;
  /** The bridge of an adapter beside eth0, by its network. */
  bridgeFor: (network: string) => string;
  haltSignal: string;
  consoleLog: string;
  /** Whether the host enforces AppArmor profiles. */
  apparmor: boolean;
  /** Resource limits as cgroup files, for LXC to write when it makes the container's cgroup. */
  cgroup: { version: 'v1' | 'v2'; settings: ReadonlyArray<{ key: string; value: string }> };
}

/**
 * The host end of a container's veth: at most 15 characters, from its id like a VM's taps;
 * eth1-eth3 add `n<index>` (12 characters).
 */
export const vethFor = (id: string, index = 0): string =>
  `vc${id.slice(0, 8)}${index > 0 ? `n${index}` : ''}`;

/** A stable locally-administered MAC, so a container keeps its MACs across restarts. */
export function macFor(id: string, index = 0): string {
  // eth0's seed is the id alone, as before several adapters.
  const seed = index > 0 ? `${id}/eth${index}` : id;
  const bytes = createHash('sha256').update(seed).digest().subarray(0, 5);
  return ['02', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/**
 * What keeps root in the container from being root on the host. Unprivileged containers take
 * common.conf as it is (its capability drops, device allowlist and mount modes) but not
 * userns.conf: that one empties the device allowlist because an unprivileged *user* cannot set
 * it, while the agent, as root, can, and it keeps device nodes found on the image unusable.
 */
function confinement(record: LxcContainer, opts: RenderOptions): string[] {
  // Stated here too, so the policy holds even if a packaged common.conf stops naming it.
  const seccomp = `lxc.seccomp.profile = ${SECCOMP_POLICY}`;
  if (!record.idmap) return [seccomp, 'lxc.apparmor.profile = unconfined'];
  return [
    ...idmapLines(record.idmap),
    seccomp,
    // LXC generates a profile per container; asking for one without AppArmor fails the start.
    ...(opts.apparmor
      ? ['lxc.apparmor.profile = generated', 'lxc.apparmor.allow_nesting = 0']
      : []),
  ];
}

/**
 * Bridged: the host end on the network's bridge. Routed (Parallels' venet): on no bridge; LXC
 * routes the container's /32 to the host end and answers ARP there for the gateway, which the
 * container reaches through a route LXC adds on its side, so its subnet's broadcast domain
 * never sees it.
 */
function adapterLines(record: LxcContainer, bridge: string): string[] {
  return record.networkMode === 'routed'
    ? ['lxc.net.0.veth.mode = router']
    : [`lxc.net.0.link = ${bridge}`];
}

/**
 * The adapters beside eth0, numbered on from lxc.net.1 whatever their ethN (LXC wants no gaps),
 * bridged and without a gateway: only eth0 routes the container's default traffic.
 */
function extraAdapterLines(record: LxcContainer, opts: RenderOptions): string[] {
  return (record.adapters ?? []).flatMap((a, i) => {
    const net = `lxc.net.${i + 1}`;
    const { subnet } = parseCidr(a.ipv4);
    return [
      `${net}.type = veth`,
      `${net}.link = ${opts.bridgeFor(a.network)}`,
      `${net}.flags = up`,
      `${net}.name = eth${a.index}`,
      `${net}.veth.pair = ${vethFor(record.id, a.index)}`,
      `${net}.hwaddr = ${a.mac ?? macFor(record.id, a.index)}`,
      `${net}.ipv4.address = ${a.ipv4} ${intToIp(subnet.broadcast)}`,
    ];
  });
}

/** LXC's config file for a container, derived entirely from what Berth knows of it. */
export function renderLxcConfig(record: LxcContainer, opts: RenderOptions): string {
  const { subnet } = parseCidr(record.ipv4);
  return [
    '# Written by the Berth agent from berth.json; edits here are overwritten.',
    'lxc.include = /usr/share/lxc/config/common.conf',
    `lxc.uts.name = ${record.hostname}`,
    `lxc.rootfs.path = loop:${opts.image}`,
    ...confinement(record, opts),
    'lxc.autodev = 1',
    'lxc.tty.max = 2',
    'lxc.pty.max = 256',
    `lxc.signal.halt = ${opts.haltSignal}`,
    `lxc.console.logfile = ${opts.consoleLog}`,
    `lxc.start.auto = ${record.onboot ? 1 : 0}`,
    'lxc.net.0.type = veth',
    ...adapterLines(record, opts.bridge),
    'lxc.net.0.flags = up',
    'lxc.net.0.name = eth0',
    // A name the agent knows, so it can put the veth back on a bridge re-made under it.
    `lxc.net.0.veth.pair = ${vethFor(record.id)}`,
    `lxc.net.0.hwaddr = ${record.mac ?? macFor(record.id)}`,
    record.networkMode === 'routed'
      ? `lxc.net.0.ipv4.address = ${record.ipv4.split('/')[0]}/32`
      : `lxc.net.0.ipv4.address = ${record.ipv4} ${intToIp(subnet.broadcast)}`,
    `lxc.net.0.ipv4.gateway = ${record.gateway}`,
    ...(record.ipv6 && record.gateway6
      ? [
          record.networkMode === 'routed'
            ? `lxc.net.0.ipv6.address = ${record.ipv6.split('/')[0]}/128`
            : `lxc.net.0.ipv6.address = ${record.ipv6}`,
          `lxc.net.0.ipv6.gateway = ${record.gateway6}`,
        ]
      : []),
    ...extraAdapterLines(record, opts),
    ...opts.cgroup.settings.map(
      ({ key, value }) => `lxc.cgroup${opts.cgroup.version === 'v2' ? '2' : ''}.${key} = ${value}`,
    ),
    '',
  ].join('\n');
}
