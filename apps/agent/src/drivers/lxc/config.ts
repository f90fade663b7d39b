import { createHash } from 'node:crypto';
import { intToIp, parseCidr } from '../../net/ipv4.js';

/** What LXC's config needs to know of a container. */
export interface LxcContainer {
  /** Seeds the container's MAC, so it must not change over the container's life. */
  id: string;
  hostname: string;
  /** address/prefix on the bridge */
  ipv4: string;
  gateway: string;
  /** Whether LXC's own autostart may start it. */
  onboot: boolean;
}

export interface RenderOptions {
  image: string;
  bridge: string;
  haltSignal: string;
  consoleLog: string;
}

/** A stable locally-administered MAC, so a container keeps its MAC across restarts. */
export function macFor(id: string): string {
  const bytes = createHash('sha256').update(id).digest().subarray(0, 5);
  return ['02', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** LXC's config file for a container, derived entirely from what Berth knows of it. */
export function renderLxcConfig(record: LxcContainer, opts: RenderOptions): string {
  const { subnet } = parseCidr(record.ipv4);
  return [
    '# Written by the Berth agent from berth.json; edits here are overwritten.',
    'lxc.include = /usr/share/lxc/config/common.conf',
    `lxc.uts.name = ${record.hostname}`,
    `lxc.rootfs.path = loop:${opts.image}`,
    'lxc.apparmor.profile = unconfined',
    'lxc.autodev = 1',
    'lxc.tty.max = 2',
    'lxc.pty.max = 256',
    `lxc.signal.halt = ${opts.haltSignal}`,
    `lxc.console.logfile = ${opts.consoleLog}`,
    `lxc.start.auto = ${record.onboot ? 1 : 0}`,
    'lxc.net.0.type = veth',
    `lxc.net.0.link = ${opts.bridge}`,
    'lxc.net.0.flags = up',
    'lxc.net.0.name = eth0',
    `lxc.net.0.hwaddr = ${macFor(record.id)}`,
    `lxc.net.0.ipv4.address = ${record.ipv4} ${intToIp(subnet.broadcast)}`,
    `lxc.net.0.ipv4.gateway = ${record.gateway}`,
    '',
  ].join('\n');
}
