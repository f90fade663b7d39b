import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Instance, Network } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { execIn, runningContainer } from '../running-container.js';

/** Host commands of the test itself (the namespace, veths); failures are the test's to see. */
const host = (...args: string[]) =>
  execFileSync(args[0] as string, args.slice(1), { stdio: 'pipe', encoding: 'utf8' });
const inNs = (ns: string, ...args: string[]) => host('ip', 'netns', 'exec', ns, ...args);
const quiet = (...args: string[]) => {
  try {
    host(...args);
  } catch {
    // already gone
  }
};

interface VxlanLink {
  ifindex: number;
  mtu: number;
  master?: string;
  flags: string[];
  linkinfo: { info_kind: string; info_data: Record<string, unknown> };
}
/** The device as iproute2 sees it, or null when there is none. */
const device = (name: string): VxlanLink | null => {
  try {
    return (JSON.parse(host('ip', '-d', '-j', 'link', 'show', 'dev', name)) as VxlanLink[])[0]!;
  } catch {
    return null;
  }
};
/** The peers a device floods to: its all-zero fdb entries. */
const peers = (name: string) =>
  (JSON.parse(host('bridge', '-j', 'fdb', 'show', 'dev', name)) as { mac: string; dst?: string }[])
    .filter((e) => e.mac === '00:00:00:00:00:00' && e.dst)
    .map((e) => e.dst)
    .sort();

/**
 * A network stretched over VXLAN to a network namespace playing another host: a veth pair is
 * the underlay (a /30 each side), and inside the namespace a bridge with a VXLAN device of the
 * same VNI pointing back at this host, and a second namespace on a veth into that bridge playing
 * a container there with an address of the Berth network's subnet. A busybox container on the
 * network pings that one across the overlay; the overlay is checked for bad
 * input, peers changed live, put back by the agent's start after it was deleted or changed by
 * hand, removed by an update, made whole after a kill between the saved settings and the host,
 * and gone with the network. Every device made here goes in the teardown.
 */
describe('a VXLAN overlay to a namespace playing another host', () => {
  let stack: Stack;
  const o = 20 + Math.floor(Math.random() * 200);
  const VNI = 100_000 + Math.floor(Math.random() * 1_000_000);
  const HOST = `10.230.${o}.1`;
  const PEER = `10.230.${o}.2`;
  /** An address routed to the underlay where no host answers: a second peer that is away. */
  const AWAY = `10.230.${o}.6`;
  const NET = `10.231.${o}`;
  const FAR = `${NET}.200`;
  const NS = 'bt-vx-ns';
  /** A container on the other host: a namespace on a veth into that host's bridge. */
  const CT = 'bt-vx-ct';
  const U0 = 'bt-vx-u0';
  const U1 = 'bt-vx-u1';
  const BRIDGE = 'bt-vx-ov';
  const DEV = 'bt-vx-ov-vx';
  const CLASH = 'bt-vx-clash-vx';
  const overlay = { id: VNI, remotes: [PEER], local: HOST };
  let ct: Instance | null = null;

  const call = <T>(method: string, url: string, body?: unknown) =>
    stack.call<T & ErrorBody>(method, url, body);
  const ok = async <T>(method: string, url: string, body?: unknown, status = 200) => {
    const res = await call<T>(method, url, body);
    assert.equal(res.status, status, `${method} ${url}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const pings = async () =>
    (await execIn(stack, ct!.id, ['ping', '-c', '1', '-W', '2', FAR])).exitCode === 0;
  /** The first packets after a device is made wait for ARP across the overlay. */
  const eventually = async (what: string) => {
    for (let i = 0; i < 5; i++) if (await pings()) return;
    assert.fail(what);
  };
  const whole = (at: VxlanLink | null) => {
    assert.ok(at, `${DEV} exists`);
    assert.equal(at.linkinfo.info_kind, 'vxlan');
    assert.equal(at.linkinfo.info_data.id, VNI);
    assert.equal(at.linkinfo.info_data.port, 4789);
    assert.equal(at.linkinfo.info_data.local, HOST);
    assert.equal(at.linkinfo.info_data.learning, false);
    assert.equal(at.master, BRIDGE);
    assert.equal(at.mtu, 1450);
    assert.ok(at.flags.includes('UP'));
    assert.deepEqual(peers(DEV), [PEER]);
  };

  before(async () => {
    stack = await startStack('vx');
    // The other host: the underlay on a veth pair, and its half of the overlay.
    host('ip', 'netns', 'add', NS);
    host('ip', 'link', 'add', U0, 'type', 'veth', 'peer', 'name', U1);
    host('ip', 'link', 'set', U1, 'netns', NS);
    host('ip', 'addr', 'add', `${HOST}/30`, 'dev', U0);
    host('ip', 'addr', 'add', `10.230.${o}.5/30`, 'dev', U0);
    host('ip', 'link', 'set', U0, 'up');
    inNs(NS, 'ip', 'addr', 'add', `${PEER}/30`, 'dev', U1);
    inNs(NS, 'ip', 'link', 'set', U1, 'up');
    inNs(NS, 'ip', 'link', 'add', 'bt-vx-nbr', 'type', 'bridge');
    const vx = ['vxlan', 'id', String(VNI), 'dstport', '4789', 'local', PEER, 'nolearning'];
    inNs(NS, 'ip', 'link', 'add', 'bt-vx-nvx', 'type', ...vx);
    inNs(NS, 'bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'bt-vx-nvx', 'dst', HOST);
    inNs(NS, 'ip', 'link', 'set', 'bt-vx-nvx', 'mtu', '1450', 'master', 'bt-vx-nbr', 'up');
    inNs(NS, 'ip', 'link', 'set', 'bt-vx-nbr', 'mtu', '1450', 'up');
    host('ip', 'netns', 'add', CT);
    inNs(
      NS,
      'ip',
      'link',
      'add',
      'bt-vx-c0',
      'mtu',
      '1450',
      'type',
      'veth',
      'peer',
      'name',
      'bt-vx-c1',
    );
    inNs(NS, 'ip', 'link', 'set', 'bt-vx-c1', 'netns', CT);
    inNs(NS, 'ip', 'link', 'set', 'bt-vx-c0', 'master', 'bt-vx-nbr', 'up');
    inNs(CT, 'ip', 'addr', 'add', `${FAR}/24`, 'dev', 'bt-vx-c1');
    inNs(CT, 'ip', 'link', 'set', 'bt-vx-c1', 'up');
    const made = await ok<Network>(
      'POST',
      '/api/v1/networks',
      { name: 'ov', bridge: BRIDGE, ipv4: `${NET}.1/24`, nat: false, mtu: 1450, vxlan: overlay },
      201,
    );
    assert.deepEqual(made.vxlan, { ...overlay, port: 4789, device: DEV, up: true });
    ct = await runningContainer(stack, { name: 'c1', network: 'ov' });
  });

  after(async () => {
    if (stack) {
      if (ct) await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
      for (const n of ['ov', 'clash']) await call('DELETE', `/api/v1/networks/${n}`);
      await stack.close();
    }
    quiet('ip', 'netns', 'del', CT);
    quiet('ip', 'netns', 'del', NS);
    for (const link of [U0, CLASH, DEV, BRIDGE, 'bt-vx-clash']) quiet('ip', 'link', 'del', link);
    for (const b of [BRIDGE, 'bt-vx-clash']) {
      quiet('nft', 'delete', 'table', 'ip', `berth_${b.replace(/-/g, '_')}`);
      quiet('nft', 'delete', 'table', 'inet', `berth_${b.replace(/-/g, '_')}_guard`);
    }
  });

  test('a bad overlay is refused naming the field, and nothing is made', async () => {
    const body = (vxlan: unknown, more: object = {}) => ({
      name: 'clash',
      bridge: 'bt-vx-clash',
      ipv4: `10.232.${o}.1/24`,
      mtu: 1450,
      vxlan,
      ...more,
    });
    for (const [vxlan, status, field, more] of [
      [{ ...overlay, id: 0 }, 400, 'vxlan.id'],
      [{ ...overlay, id: 16_777_216 }, 400, 'vxlan.id'],
      [{ ...overlay, remotes: [] }, 400, 'vxlan.remotes'],
      [{ ...overlay, remotes: [PEER, PEER] }, 400, 'vxlan.remotes'],
      [{ ...overlay, remotes: ['10.0.0'] }, 400, 'vxlan.remotes.0'],
      [{ ...overlay, port: 0 }, 400, 'vxlan.port'],
      [{ ...overlay, ttl: 4 }, 400, 'vxlan.ttl'],
      // Refused by the agent: these need the host.
      [{ ...overlay, id: VNI + 1, local: '192.0.2.7' }, 400, 'vxlan.local'],
      [{ ...overlay, id: VNI + 1, remotes: [HOST] }, 400, 'vxlan.remotes'],
      [{ ...overlay, id: VNI + 1 }, 400, 'mtu', { mtu: 1500 }],
      [overlay, 409, 'vxlan.id'],
    ] as const) {
      const res = await call('POST', '/api/v1/networks', body(vxlan, more));
      assert.equal(res.status, status, `${JSON.stringify(vxlan)}: ${JSON.stringify(res.body)}`);
      const named = res.body.error.issues?.map((i) => i.path) ?? [];
      assert.ok(named.includes(field), `${field}: ${JSON.stringify(res.body)}`);
    }
    // A link with the name the overlay's device would take is someone else's.
    host('ip', 'link', 'add', CLASH, 'type', 'veth', 'peer', 'name', 'bt-vx-clp');
    const clash = await call('POST', '/api/v1/networks', body({ ...overlay, id: VNI + 1 }));
    quiet('ip', 'link', 'del', CLASH);
    assert.equal(clash.status, 409, JSON.stringify(clash.body));
    assert.match(clash.body.error.message, new RegExp(CLASH));
    const { items } = await ok<{ items: Network[] }>('GET', '/api/v1/networks');
    assert.deepEqual(items.map((n) => n.name).sort(), ['default', 'ov']);
    assert.equal(device('bt-vx-clash'), null, 'no bridge was left');
    const patch = await call('PATCH', '/api/v1/networks/ov', { mtu: 1500 });
    assert.equal(patch.status, 400, JSON.stringify(patch.body));
    assert.equal(device(DEV)?.mtu, 1450);
    // A peer behind the overlay itself would carry the overlay inside it.
    const inside = { ...overlay, remotes: [`${NET}.50`] };
    const loop = await call('PATCH', '/api/v1/networks/ov', { vxlan: inside });
    assert.equal(loop.status, 400, JSON.stringify(loop.body));
    assert.deepEqual(loop.body.error.issues?.[0]?.path, 'vxlan.remotes');
    assert.deepEqual(peers(DEV), [PEER]);
  });

  test('a container on the network pings the other host across the overlay', async () => {
    whole(device(DEV));
    await eventually('c1 reaches the namespace over VXLAN');
  });

  test('peers change live: the device stays, its flood entries follow', async () => {
    const before = device(DEV)!.ifindex;
    const two = await ok<Network>('PATCH', '/api/v1/networks/ov', {
      vxlan: { ...overlay, remotes: [PEER, AWAY] },
    });
    assert.deepEqual(two.vxlan?.remotes, [PEER, AWAY]);
    assert.deepEqual(peers(DEV), [PEER, AWAY].sort());
    assert.equal(device(DEV)!.ifindex, before, 'not made again');
    assert.equal(await pings(), true, 'still reached with a peer away');
    await ok('PATCH', '/api/v1/networks/ov', { vxlan: overlay });
    assert.deepEqual(peers(DEV), [PEER]);
    assert.equal(device(DEV)!.ifindex, before);
  });

  test("the agent's start brings back a device deleted by hand and remakes one changed", async () => {
    host('ip', 'link', 'del', DEV);
    assert.equal(await pings(), false, 'no device, no overlay');
    await stack.restartAgent({ kill: true });
    whole(device(DEV));
    await eventually('c1 reaches the namespace again');
    // Someone made it again with another VNI and learning on.
    host('ip', 'link', 'del', DEV);
    host('ip', 'link', 'add', DEV, 'type', 'vxlan', 'id', String(VNI + 7), 'dstport', '4789');
    host('ip', 'link', 'set', DEV, 'master', BRIDGE, 'up');
    await stack.restartAgent({ kill: true });
    whole(device(DEV));
    await eventually('c1 reaches the namespace over the remade device');
  });

  test('removed by an update, the other host is out of reach', async () => {
    const off = await ok<Network>('PATCH', '/api/v1/networks/ov', { vxlan: null });
    assert.equal(off.vxlan, null);
    assert.equal(device(DEV), null);
    assert.equal(await pings(), false);
  });

  test('the agent killed between saving the overlay and making it: the next start makes it', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'network.vxlan' } });
    const res = await call('PATCH', '/api/v1/networks/ov', { vxlan: overlay });
    assert.ok(res.status >= 500, JSON.stringify(res.body));
    const { signal } = await stack.agent.exited;
    assert.equal(signal, 'SIGKILL');
    assert.equal(device(DEV), null, 'killed before the host was touched');
    await stack.restartAgent({ env: {} });
    whole(device(DEV));
    const ov = await ok<Network>('GET', '/api/v1/networks/ov');
    assert.equal(ov.vxlan?.up, true);
    await eventually('c1 reaches the namespace after the restart');
  });

  test('the device goes with its network', async () => {
    const gone = await call('DELETE', `/api/v1/instances/${ct!.id}?force=true&sync=true`);
    assert.ok(gone.status < 300, JSON.stringify(gone.body));
    ct = null;
    await ok('DELETE', '/api/v1/networks/ov', undefined, 204);
    assert.equal(device(DEV), null);
    assert.equal(device(BRIDGE), null);
  });
});
