import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { HostAdapter, Instance, Network, Task } from '@berth/contracts';
import { apiCalls } from '../api-calls.js';
import { startStack, type Stack } from '../harness.js';

type TaskReply = { task: Task };

/** Host commands of the test itself (namespaces, veths); failures are the test's to see. */
const host = (...args: string[]) =>
  execFileSync(args[0] as string, args.slice(1), { stdio: 'pipe' });
const quiet = (...args: string[]) => {
  try {
    host(...args);
  } catch {
    // already gone
  }
};
const linkExists = (name: string) => {
  try {
    host('ip', 'link', 'show', 'dev', name);
    return true;
  } catch {
    return false;
  }
};
const dnsmasqOn = (bridge: string) =>
  execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
    .split('\n')
    .some((l) => l.startsWith('dnsmasq') && l.includes(`--interface=${bridge} `));

/**
 * Virtual networks on the real stack: two networks made through the API, busybox containers on
 * them, a network namespace playing the outside world behind a veth pair, and the agent killed
 * in the middle of a create and restarted after its bridge was deleted by hand. Every bridge,
 * namespace, veth and table made here goes in the teardown.
 */
describe('virtual networks with busybox containers and a namespace as the outside world', () => {
  let stack: Stack;
  const o = 20 + Math.floor(Math.random() * 200);
  const A = `10.214.${o}.1/24`;
  const B = `10.215.${o}.1/24`;
  const OUT = `10.224.${o}`;
  const NS = 'bt-nets-out';
  const V0 = 'bt-nets-o0';
  const V1 = 'bt-nets-o1';
  const bridges = ['bt-nets-a', 'bt-nets-b', 'bt-nets-k'];
  const cts: Record<string, Instance> = {};

  const { call, ok, task } = apiCalls(() => stack);
  const create = async (name: string, network: string) => {
    const t = await task('/api/v1/instances?sync=true', { template: 'busybox', name, network });
    cts[name] = t.result as Instance;
    await task(`/api/v1/instances/${cts[name].id}/actions/start?sync=true`);
  };
  const network = (name: string) => ok<Network>('GET', `/api/v1/networks/${name}`);
  const addressOf = async (ct: string, net: string) => {
    const member = (await network(net)).instances.find((i) => i.name === ct);
    assert.ok(member?.ipv4, `${ct} on ${net}`);
    return member.ipv4.split('/')[0] as string;
  };
  /** Whether a container's ping gets an answer (exit status of busybox ping). */
  const pings = async (ct: string, ip: string) => {
    const res = await ok<{ exitCode: number }>('POST', `/api/v1/instances/${cts[ct]!.id}/exec`, {
      command: ['ping', '-c', '1', '-W', '2', ip],
      timeoutSeconds: 30,
    });
    return res.exitCode === 0;
  };
  const eventually = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; i < 10; i++) if (await check()) return;
    assert.fail(what);
  };

  before(async () => {
    stack = await startStack('nets');
    await ok('POST', '/api/v1/networks', { name: 'na', bridge: 'bt-nets-a', ipv4: A }, 201);
    await ok(
      'POST',
      '/api/v1/networks',
      { name: 'nb', bridge: 'bt-nets-b', ipv4: B, nat: false, mtu: 1400 },
      201,
    );
    await create('c1', 'na');
    await create('c2', 'na');
    await create('c3', 'nb');
    // The outside world: a namespace behind a veth pair, with no route back to the networks,
    // so only masqueraded traffic gets an answer.
    host('ip', 'netns', 'add', NS);
    host('ip', 'link', 'add', V0, 'type', 'veth', 'peer', 'name', V1);
    host('ip', 'link', 'set', V1, 'netns', NS);
    host('ip', 'addr', 'add', `${OUT}.1/24`, 'dev', V0);
    host('ip', 'link', 'set', V0, 'up');
    host('ip', 'netns', 'exec', NS, 'ip', 'addr', 'add', `${OUT}.2/24`, 'dev', V1);
    host('ip', 'netns', 'exec', NS, 'ip', 'link', 'set', V1, 'up');
  });

  after(async () => {
    if (stack) {
      const list = await call<{ items: Instance[] }>('GET', '/api/v1/instances');
      for (const i of list.body.items ?? []) {
        await call('DELETE', `/api/v1/instances/${i.id}?force=true&sync=true`);
      }
      for (const n of ['na', 'nb', 'nk']) await call('DELETE', `/api/v1/networks/${n}`);
      await stack.close();
    }
    quiet('ip', 'netns', 'del', NS);
    quiet('ip', 'link', 'del', V0);
    for (const b of bridges) {
      quiet('ip', 'link', 'del', b);
      quiet('nft', 'delete', 'table', 'ip', `berth_${b.replace(/-/g, '_')}`);
      quiet('nft', 'delete', 'table', 'inet', `berth_${b.replace(/-/g, '_')}_guard`);
    }
  });

  test('networks list their bridge, settings and the instances with their addresses', async () => {
    const { items } = await ok<{ items: Network[] }>('GET', '/api/v1/networks');
    assert.deepEqual(
      items.map((n) => [n.name, n.default]),
      [
        ['default', true],
        ['na', false],
        ['nb', false],
      ],
    );
    const na = items.find((n) => n.name === 'na')!;
    assert.equal(na.up, true);
    assert.equal(na.nat, true);
    assert.deepEqual(na.instances.map((i) => i.name).sort(), ['c1', 'c2']);
    assert.ok(na.instances.every((i) => i.ipv4?.startsWith(`10.214.${o}.`)));
    assert.equal(dnsmasqOn('bt-nets-a'), true, 'dnsmasq serves na');
    const nb = items.find((n) => n.name === 'nb')!;
    assert.equal(nb.mtu, 1400);
    assert.match(
      execFileSync('ip', ['link', 'show', 'dev', 'bt-nets-b'], { encoding: 'utf8' }),
      /mtu 1400/,
    );
  });

  test('two containers on one network ping each other, and not one on another network', async () => {
    assert.equal(await pings('c1', await addressOf('c2', 'na')), true, 'c1 -> c2');
    assert.equal(await pings('c1', await addressOf('c3', 'nb')), false, 'c1 -> c3');
    assert.equal(await pings('c3', await addressOf('c1', 'na')), false, 'c3 -> c1');
  });

  test('NAT gives a way out to the outside namespace; without it there is no answer', async () => {
    assert.equal(await pings('c1', `${OUT}.2`), true, 'with NAT');
    assert.equal(await pings('c3', `${OUT}.2`), false, 'nb has no NAT');
    const off = await ok<Network>('PATCH', '/api/v1/networks/na', { nat: false });
    assert.equal(off.nat, false);
    assert.equal(await pings('c1', `${OUT}.2`), false, 'NAT turned off');
    await ok('PATCH', '/api/v1/networks/na', { nat: true });
    assert.equal(await pings('c1', `${OUT}.2`), true, 'NAT back on');
  });

  test('addresses: none twice, none outside the subnet, none on an unknown network', async () => {
    const used = await addressOf('c1', 'na');
    for (const [body, status, pattern] of [
      [{ ipv4: `${used}/24` }, 409, /in use/],
      [{ ipv4: `10.99.${o}.5/24` }, 409, /not a host address in network na/],
    ] as const) {
      const res = await call<TaskReply>('POST', '/api/v1/instances?sync=true', {
        template: 'busybox',
        name: 'cx',
        network: 'na',
        ...body,
      });
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(res.body.error.message, pattern);
    }
    const unknown = await call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      template: 'busybox',
      name: 'cx',
      network: 'nowhere',
    });
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    assert.match(unknown.body.error.message, /no network named nowhere/);
  });

  test('a network in use is not deleted nor renumbered; the refusal names its instances', async () => {
    const del = await call('DELETE', '/api/v1/networks/na');
    assert.equal(del.status, 409);
    assert.match(del.body.error.message, /c1/);
    assert.match(del.body.error.message, /c2/);
    const renumber = await call('PATCH', '/api/v1/networks/na', { ipv4: `10.225.${o}.1/24` });
    assert.equal(renumber.status, 409);
    assert.match(renumber.body.error.message, /c1/);
    const overlap = await call('POST', '/api/v1/networks', {
      name: 'nx',
      ipv4: `10.214.${o}.1/16`,
    });
    assert.equal(overlap.status, 409, JSON.stringify(overlap.body));
    const bad = await call('POST', '/api/v1/networks', { name: 'nx', ipv4: A, mtu: 20 });
    assert.equal(bad.status, 400);
    assert.equal((await call('DELETE', '/api/v1/networks/default')).status, 409);
    assert.equal(linkExists('bt-nets-a'), true);
  });

  test("a stopped container's adapter moves to another network with an address there", async () => {
    const id = cts.c3!.id;
    const running = await call('PUT', `/api/v1/instances/${id}/network`, { network: 'na' });
    assert.equal(running.status, 409, JSON.stringify(running.body));
    await task(`/api/v1/instances/${id}/actions/stop?sync=true`);
    await ok('PUT', `/api/v1/instances/${id}/network`, { network: 'na' });
    await task(`/api/v1/instances/${id}/actions/start?sync=true`);
    assert.match(await addressOf('c3', 'na'), new RegExp(`^10\\.214\\.${o}\\.`));
    assert.equal(await pings('c3', await addressOf('c1', 'na')), true, 'c3 -> c1 on na');
    assert.equal((await network('nb')).instances.length, 0);
  });

  test('a network deleted while nothing uses it takes its bridge, table and dnsmasq', async () => {
    await ok('DELETE', '/api/v1/networks/nb', undefined, 204);
    assert.equal(linkExists('bt-nets-b'), false);
    assert.equal(dnsmasqOn('bt-nets-b'), false);
    const tables = execFileSync('nft', ['list', 'tables'], { encoding: 'utf8' });
    assert.doesNotMatch(tables, /berth_bt_nets_b\b/);
  });

  test('the agent killed in the middle of a create: the next start makes the network whole', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'network.create' } });
    const res = await call('POST', '/api/v1/networks', {
      name: 'nk',
      bridge: 'bt-nets-k',
      ipv4: `10.226.${o}.1/24`,
    });
    assert.ok(res.status >= 500, JSON.stringify(res.body));
    const { signal } = await stack.agent.exited;
    assert.equal(signal, 'SIGKILL');
    assert.equal(linkExists('bt-nets-k'), true, 'the bridge was made before the kill');
    assert.equal(dnsmasqOn('bt-nets-k'), false, 'no dnsmasq yet');
    await stack.restartAgent({ env: {} });
    const nk = await network('nk');
    assert.equal(nk.up, true);
    assert.equal(dnsmasqOn('bt-nets-k'), true, 'dnsmasq started by the next agent');
    await ok('DELETE', '/api/v1/networks/nk', undefined, 204);
    assert.equal(linkExists('bt-nets-k'), false);
  });

  test('a bridge deleted by hand is back after an agent kill -9, with its containers on it', async () => {
    host('ip', 'link', 'del', 'bt-nets-a');
    assert.equal(await pings('c1', await addressOf('c2', 'na')), false, 'no bridge, no ping');
    await stack.restartAgent({ kill: true });
    assert.equal(linkExists('bt-nets-a'), true);
    assert.equal((await network('na')).up, true);
    await eventually('c1 reaches c2 again', async () => pings('c1', await addressOf('c2', 'na')));
    // The NAT path settles with the new bridge too (its neighbour entries are new).
    await eventually('c1 reaches the outside through NAT again', async () =>
      pings('c1', `${OUT}.2`),
    );
  });

  test("the host's adapters are listed; a VLAN without 802.1Q is a clear refusal", async (t) => {
    const { items } = await ok<{ items: HostAdapter[] }>('GET', '/api/v1/host/adapters');
    const br = items.find((a) => a.name === 'bt-nets-a');
    assert.equal(br?.kind, 'bridge');
    assert.ok(br?.addresses.includes(A));
    const lo = items.find((a) => a.name === 'lo');
    assert.equal(lo?.kind, 'loopback');
    const vlan = await call<HostAdapter>('POST', '/api/v1/host/vlans', { parent: V0, vlanId: 7 });
    if (vlan.status === 201) {
      quiet('ip', 'link', 'del', `${V0}.7`);
      return;
    }
    assert.equal(vlan.status, 409, JSON.stringify(vlan.body));
    assert.match(vlan.body.error.message, /802\.1Q/);
    t.skip('this kernel has no 802.1Q: the VLAN is refused as it should be, not made');
  });
});
