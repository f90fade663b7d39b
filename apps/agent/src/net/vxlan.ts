import { VXLAN_OVERHEAD, badRequest, conflict } from '@berth/contracts';
import type { Log } from '../log.js';
import { exec, run } from '../run.js';

/** A network's overlay as the agent keeps it: `local` null is the kernel's choice. */
export interface Vxlan {
  id: number;
  remotes: string[];
  local: string | null;
  port: number;
}

/** The all-zero MAC: an fdb entry for it is where broadcasts and unknown destinations go. */
const FLOOD = '00:00:00:00:00:00';

interface VxlanLink {
  ifname: string;
  flags?: string[];
  master?: string;
  linkinfo?: {
    info_kind?: string;
    info_data?: { id?: number; port?: number; local?: string; learning?: boolean };
  };
}

/**
 * The VXLAN device of a network's bridge: the bridge's name with `-vx`, cut so it fits Linux's
 * 15 bytes. Test bridges are `bt-*`, so a device a test leaves is `bt-*` too and seen as left.
 * Two long bridge names can meet here: a create checks that no other link has the name.
 */
export const vxlanDevice = (bridge: string): string => `${bridge.slice(0, 12)}-vx`;

async function linkOf(name: string): Promise<VxlanLink | null> {
  const res = await exec('ip', ['-d', '-j', 'link', 'show', 'dev', name]);
  return res.code === 0 ? ((JSON.parse(res.stdout) as VxlanLink[])[0] ?? null) : null;
}

/** Whether a link of this name exists and is up (for a network's description). */
export async function vxlanUp(bridge: string): Promise<boolean> {
  return (await linkOf(vxlanDevice(bridge)))?.flags?.includes('UP') === true;
}

const matches = (link: VxlanLink, want: Vxlan) => {
  const data = link.linkinfo?.info_data;
  return (
    link.linkinfo?.info_kind === 'vxlan' &&
    data?.id === want.id &&
    data.port === want.port &&
    (data.local ?? null) === want.local &&
    data.learning === false
  );
};

/**
 * The overlay of a bridge made to match, idempotently: a missing device is made, one whose VNI,
 * port or source address differ is made again (the kernel changes none of them in place), the
 * flood entries become exactly one per peer (appended or deleted live, so traffic to the other
 * peers goes on), and the device is the bridge's port, at the network's MTU, up. With `want`
 * null, a device of ours left on the bridge (an update that removed it, cut short) is deleted.
 * A link of that name that is not a VXLAN device is someone else's: it is left, and said.
 */
export async function ensureVxlan(
  bridge: string,
  want: Vxlan | null,
  mtu: number,
  log: Log,
): Promise<void> {
  const name = vxlanDevice(bridge);
  let link = await linkOf(name);
  const vxlan = link?.linkinfo?.info_kind === 'vxlan';
  if (!want) {
    if (vxlan && link?.master === bridge) await run('ip', ['link', 'del', 'dev', name]);
    return;
  }
  if (link && !vxlan) {
    log.warn({ bridge, device: name }, 'a link that is not VXLAN has the overlay device name');
    return;
  }
  if (link && !matches(link, want)) {
    log.warn({ bridge, device: name }, 'the VXLAN device differs from the network: made again');
    await run('ip', ['link', 'del', 'dev', name]);
    link = null;
  }
  if (!link) {
    await run('ip', [
      'link',
      'add',
      name,
      'type',
      'vxlan',
      'id',
      String(want.id),
      'dstport',
      String(want.port),
      ...(want.local ? ['local', want.local] : []),
      'nolearning',
    ]);
  }
  const fdb = JSON.parse(
    (await run('bridge', ['-j', 'fdb', 'show', 'dev', name])).stdout || '[]',
  ) as Array<{ mac: string; dst?: string }>;
  const have = fdb.filter((e) => e.mac === FLOOD && e.dst).map((e) => e.dst as string);
  for (const dst of want.remotes.filter((r) => !have.includes(r))) {
    await run('bridge', ['fdb', 'append', FLOOD, 'dev', name, 'dst', dst]);
  }
  for (const dst of have.filter((h) => !want.remotes.includes(h))) {
    await run('bridge', ['fdb', 'del', FLOOD, 'dev', name, 'dst', dst]);
  }
  await run('ip', ['link', 'set', 'dev', name, 'mtu', String(mtu), 'master', bridge, 'up']);
}

/** Gone with its network (nothing when it is not there). */
export async function removeVxlan(bridge: string): Promise<void> {
  await exec('ip', ['link', 'del', 'dev', vxlanDevice(bridge)]);
}

/** This host's IPv4 addresses. */
async function hostAddresses(): Promise<string[]> {
  const addrs = JSON.parse((await run('ip', ['-4', '-j', 'addr', 'show'])).stdout) as Array<{
    addr_info?: Array<{ local: string }>;
  }>;
  return addrs.flatMap((a) => (a.addr_info ?? []).map((i) => i.local));
}

/**
 * Refuses an overlay this host cannot carry before anything is written: a source address that
 * is not this host's, a peer that is, a peer with no route or one behind the overlay itself, a VNI and port another VXLAN device
 * here has (the kernel refuses a second), a device name a link has already, and an MTU that
 * leaves no room for the encapsulation on the way to a peer. The MTU is refused rather than
 * lowered in silence: instances already on the network keep the MTU they were given.
 */
export async function checkVxlan(
  bridge: string,
  want: Vxlan,
  mtu: number,
  ours: { devices: string[]; vnis: Map<number, string> },
): Promise<void> {
  const name = vxlanDevice(bridge);
  const local = await hostAddresses();
  if (want.local && !local.includes(want.local)) {
    throw badRequest(`${want.local} is not an address of this host`, 'vxlan.local');
  }
  const self = want.remotes.find((r) => local.includes(r));
  if (self) throw badRequest(`${self} is this host's own address`, 'vxlan.remotes');
  const taken = ours.vnis.get(want.id);
  if (taken) throw conflict(`VNI ${want.id} is the overlay of network ${taken}`, 'vxlan.id');
  const link = await linkOf(name);
  if (ours.devices.includes(name) || (link && link.master !== bridge)) {
    throw conflict(`the host has a link named ${name} already`, 'vxlan');
  }
  const others = JSON.parse(
    (await run('ip', ['-d', '-j', 'link', 'show', 'type', 'vxlan'])).stdout || '[]',
  ) as VxlanLink[];
  const clash = others.find(
    (l) =>
      l.ifname !== name &&
      l.linkinfo?.info_data?.id === want.id &&
      l.linkinfo.info_data.port === want.port,
  );
  if (clash) {
    throw conflict(`the VXLAN device ${clash.ifname} has VNI ${want.id} already`, 'vxlan.id');
  }
  for (const remote of want.remotes) {
    const route = await exec('ip', [
      '-j',
      'route',
      'get',
      remote,
      ...(want.local ? ['from', want.local] : []),
    ]);
    const dev =
      route.code === 0 ? (JSON.parse(route.stdout) as Array<{ dev?: string }>)[0]?.dev : null;
    if (!dev) throw badRequest(`there is no route to the peer ${remote}`, 'vxlan.remotes');
    if (dev === bridge) {
      throw badRequest(
        `the peer ${remote} is reached through this network itself`,
        'vxlan.remotes',
      );
    }
    const uplink = JSON.parse(
      (await run('ip', ['-j', 'link', 'show', 'dev', dev])).stdout,
    ) as Array<{
      mtu: number;
    }>;
    const most = (uplink[0]?.mtu ?? 1500) - VXLAN_OVERHEAD;
    if (mtu > most) {
      throw badRequest(
        `with VXLAN over ${dev} (MTU ${uplink[0]?.mtu}) the network's MTU can be at most ${most}`,
        'mtu',
      );
    }
  }
}
