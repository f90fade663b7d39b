import { readFile } from 'node:fs/promises';
import type { CreateVlan, HostAdapter } from '@berth/contracts';
import { badRequest, conflict, unsupported } from '@berth/contracts';
import { exec, run } from '../../run.js';

interface IpLink {
  ifname: string;
  flags?: string[];
  mtu: number;
  operstate: string;
  link_type?: string;
  address?: string;
  master?: string;
  linkinfo?: { info_kind?: string };
  stats64?: { rx: { bytes: number }; tx: { bytes: number } };
}

interface IpAddr {
  ifname: string;
  addr_info?: Array<{ local: string; prefixlen: number }>;
}

/** Read from sysfs: virtual links and links that are down answer -1 or an error. */
async function speedOf(name: string): Promise<number | null> {
  const text = await readFile(`/sys/class/net/${name}/speed`, 'utf8').catch(() => '');
  const speed = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(speed) && speed > 0 ? speed : null;
}

/** The host's adapters as iproute2 sees them (read-only). */
export async function hostAdapters(): Promise<HostAdapter[]> {
  const links = JSON.parse(
    (await run('ip', ['-j', '-d', '-s', 'link', 'show'])).stdout,
  ) as IpLink[];
  const addrs = JSON.parse((await run('ip', ['-j', 'addr', 'show'])).stdout) as IpAddr[];
  const byName = new Map(addrs.map((a) => [a.ifname, a.addr_info ?? []]));
  return Promise.all(
    links.map(async (l) => ({
      name: l.ifname,
      kind: l.linkinfo?.info_kind ?? (l.link_type === 'loopback' ? 'loopback' : 'ethernet'),
      state: l.operstate === 'UNKNOWN' && l.flags?.includes('UP') ? 'UP' : l.operstate,
      mtu: l.mtu,
      mac: l.address ?? null,
      addresses: (byName.get(l.ifname) ?? []).map((a) => `${a.local}/${a.prefixlen}`),
      speedMbps: await speedOf(l.ifname),
      rxBytes: l.stats64?.rx.bytes ?? 0,
      txBytes: l.stats64?.tx.bytes ?? 0,
      master: l.master ?? null,
    })),
  );
}

/**
 * An 802.1Q adapter `<parent>.<id>` on a host adapter. A kernel without 802.1Q (no 8021q
 * module, as on this project's test host) answers with a clear refusal instead of iproute2's
 * "Unknown device type".
 */
export async function createVlan(req: CreateVlan): Promise<HostAdapter> {
  const name = `${req.parent}.${req.vlanId}`;
  if (name.length > 15) throw badRequest(`${name} is longer than 15 characters`, 'parent');
  if ((await exec('ip', ['link', 'show', 'dev', req.parent])).code !== 0) {
    throw badRequest(`the host has no adapter ${req.parent}`, 'parent');
  }
  if ((await exec('ip', ['link', 'show', 'dev', name])).code === 0) {
    throw conflict(`${name} exists already`, 'vlanId');
  }
  await exec('modprobe', ['8021q']);
  const made = await exec('ip', [
    'link',
    'add',
    'link',
    req.parent,
    'name',
    name,
    'type',
    'vlan',
    'id',
    String(req.vlanId),
  ]);
  if (made.code !== 0) {
    if (/unknown device type|not supported/i.test(made.stderr)) {
      throw unsupported('this kernel has no 802.1Q VLAN support (the 8021q module is missing)');
    }
    throw badRequest(`ip link add failed: ${made.stderr.trim()}`, 'parent');
  }
  await run('ip', ['link', 'set', 'dev', name, 'up']);
  const adapter = (await hostAdapters()).find((a) => a.name === name);
  if (!adapter) throw conflict(`${name} vanished right after it was made`);
  return adapter;
}
