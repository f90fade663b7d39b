import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { Instance, InstanceNics, Network, Task } from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';
import { apiCalls } from '../api-calls.js';
import { untilFailpoint } from '../failpoint.js';
import { execIn } from '../running-container.js';

type TaskReply = { task: Task };

const quiet = (...args: string[]) => {
  try {
    execFileSync(args[0] as string, args.slice(1), { stdio: 'pipe' });
  } catch {
    // gone already
  }
};
const qdiscs = (dev: string) =>
  execFileSync('tc', ['qdisc', 'show', 'dev', dev], { encoding: 'utf8', stdio: 'pipe' });
const masterOf = (link: string): string | null => {
  try {
    const shown = JSON.parse(
      execFileSync('ip', ['-j', 'link', 'show', 'dev', link], { encoding: 'utf8', stdio: 'pipe' }),
    ) as Array<{ master?: string }>;
    return shown[0]?.master ?? '';
  } catch {
    return null;
  }
};

/**
 * Several adapters per container on the real stack: eth1-eth3 on networks of their own, added
 * and removed while it is stopped and there from its next start; each adapter reaches its own
 * network, is a port of its firewall table, and a kill in the middle of an add leaves the
 * container as it was.
 */
describe('a busybox container with several adapters', () => {
  let stack: Stack;
  const o = 20 + Math.floor(Math.random() * 200);
  const A = `10.216.${o}.1/24`;
  const B = `10.217.${o}.1/24`;
  const C = `10.218.${o}.1/24`;
  const bridges = ['bt-ctad-a', 'bt-ctad-b', 'bt-ctad-c'];
  const cts: Record<string, Instance> = {};

  // Its task checks the task's status alone and prints the whole answer, so only these are shared.
  const { call, ok } = apiCalls(() => stack);
  const task = async (url: string, body?: unknown) => {
    const res = await call<TaskReply>('POST', url, body);
    assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
    return res.body.task;
  };
  const create = async (name: string, network: string, start = true) => {
    const t = await task('/api/v1/instances?sync=true', { template: 'busybox', name, network });
    cts[name] = t.result as Instance;
    if (start) await task(`/api/v1/instances/${cts[name].id}/actions/start?sync=true`);
  };
  const act = (name: string, action: 'start' | 'stop') =>
    task(`/api/v1/instances/${cts[name]!.id}/actions/${action}?sync=true`);
  const nics = (name: string) => ok<InstanceNics>('GET', `/api/v1/instances/${cts[name]!.id}/nics`);
  const addNic = (name: string, body: Record<string, unknown>) =>
    call<TaskReply>('POST', `/api/v1/instances/${cts[name]!.id}/nics?sync=true`, body);
  const addressOf = async (ct: string, net: string) => {
    const member = (await ok<Network>('GET', `/api/v1/networks/${net}`)).instances.find(
      (i) => i.name === ct,
    );
    assert.ok(member?.ipv4, `${ct} on ${net}`);
    return member.ipv4.split('/')[0] as string;
  };
  const pings = async (ct: string, ip: string) =>
    (await execIn(stack, cts[ct]!.id, ['ping', '-c', '1', '-W', '2', ip])).exitCode === 0;
  const inside = async (ct: string) =>
    (await execIn(stack, cts[ct]!.id, ['ip', '-4', '-o', 'addr', 'show'])).stdout;
  /** The host end of ethN: `vc<id8>`, `n<N>` after it for eth1-eth3. */
  const veth = (ct: string, n: number) => `vc${cts[ct]!.id.slice(0, 8)}${n ? `n${n}` : ''}`;

  before(async () => {
    stack = await startStack('ctad');
    await ok('POST', '/api/v1/networks', { name: 'na', bridge: bridges[0], ipv4: A }, 201);
    await ok('POST', '/api/v1/networks', { name: 'nb', bridge: bridges[1], ipv4: B }, 201);
    await ok('POST', '/api/v1/networks', { name: 'nc', bridge: bridges[2], ipv4: C }, 201);
    await create('pa', 'na');
    await create('pb', 'nb');
    await create('multi', 'na', false);
  });

  after(async () => {
    if (stack) {
      for (const ct of Object.values(cts)) {
        await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
      }
      for (const n of ['na', 'nb', 'nc']) await call('DELETE', `/api/v1/networks/${n}`);
      await stack.close();
    }
    for (const b of bridges) quiet('ip', 'link', 'del', b);
  });

  test('bad adapters are refused naming why, and nothing changes', async () => {
    const unknown = await addNic('multi', { network: 'nowhere' });
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    assert.match(JSON.stringify(unknown.body), /network/);
    const outside = await addNic('multi', { network: 'nb', ipv4: `10.219.${o}.9/24` });
    assert.equal(outside.status, 409, JSON.stringify(outside.body));
    assert.match(JSON.stringify(outside.body), /ipv4/);
    const pbAddress = await addressOf('pb', 'nb');
    const taken = await addNic('multi', { network: 'nb', ipv4: `${pbAddress}/24` });
    assert.equal(taken.status, 409, JSON.stringify(taken.body));
    const same = await addNic('multi', { network: 'na' });
    assert.equal(same.status, 409, 'a second adapter on the network of eth0');
    const eth0 = await call('DELETE', `/api/v1/instances/${cts.multi!.id}/nics/0`);
    assert.equal(eth0.status, 409, JSON.stringify(eth0.body));
    assert.deepEqual(
      (await nics('multi')).nics.map((n) => n.nic),
      [0],
    );
  });

  test('up to four: eth1-eth3 on other networks, a fifth is a 409; removed ones are gone', async () => {
    for (const network of ['nb', 'default', 'nc']) {
      const res = await addNic('multi', { network });
      assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
    }
    const list = await nics('multi');
    assert.deepEqual(
      list.nics.map((n) => [n.nic, n.network]),
      [
        [0, 'na'],
        [1, 'nb'],
        [2, 'default'],
        [3, 'nc'],
      ],
    );
    assert.equal(list.max, 4);
    assert.equal(new Set(list.nics.map((n) => n.mac)).size, 4, 'a MAC each');
    const fifth = await addNic('multi', { network: 'nb' });
    assert.equal(fifth.status, 409, JSON.stringify(fifth.body));
    for (const n of [3, 2]) {
      const res = await call<TaskReply>(
        'DELETE',
        `/api/v1/instances/${cts.multi!.id}/nics/${n}?sync=true`,
      );
      assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
    }
    assert.deepEqual(
      (await nics('multi')).nics.map((n) => n.nic),
      [0, 1],
    );
  });

  test('started, eth0 and eth1 each reach an instance on their own network', async () => {
    await act('multi', 'start');
    const onB = await addressOf('multi', 'nb');
    const addrs = await inside('multi');
    assert.match(addrs, new RegExp(`eth1\\s+inet ${onB.replace(/\./g, '\\.')}/24`), addrs);
    assert.doesNotMatch(addrs, /eth2|eth3/);
    assert.equal(masterOf(veth('multi', 1)), bridges[1]);
    assert.equal(masterOf(veth('multi', 2)), null, 'a removed adapter has no veth');
    assert.ok(await pings('multi', await addressOf('pa', 'na')), 'eth0 → pa on na');
    assert.ok(await pings('multi', await addressOf('pb', 'nb')), 'eth1 → pb on nb');
    assert.ok(await pings('pb', onB), 'pb → multi on nb');
    const shown = await ok<Instance>('GET', `/api/v1/instances/${cts.multi!.id}`);
    assert.deepEqual(
      shown.nics.map((n) => n.network),
      ['na', 'nb'],
    );
  });

  test('a firewall drop rule applies on eth1 too, with its counter', async () => {
    const onB = await addressOf('multi', 'nb');
    await ok('PUT', `/api/v1/instances/${cts.multi!.id}/firewall`, {
      rules: [{ direction: 'in', action: 'drop', protocol: 'icmp' }],
    });
    assert.equal(await pings('pb', onB), false, 'the drop holds on eth1');
    assert.equal(await pings('pa', await addressOf('multi', 'na')), false, 'and on eth0');
    const fw = await ok<{ counters: Array<{ packets: number }> }>(
      'GET',
      `/api/v1/instances/${cts.multi!.id}/firewall`,
    );
    assert.ok(fw.counters[0]!.packets >= 2, JSON.stringify(fw.counters));
    await ok('PUT', `/api/v1/instances/${cts.multi!.id}/firewall`, { rules: [] });
    assert.ok(await pings('pb', onB), 'through again once the rule is gone');
  });

  test('a rate limit is on the veth of every adapter', async () => {
    const res = await call('PATCH', `/api/v1/instances/${cts.multi!.id}`, {
      limits: { network: { ingressKbps: 4000 } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const dev of [veth('multi', 0), veth('multi', 1)]) {
      assert.match(qdiscs(dev), /htb/, dev);
    }
  });

  test('added live to the running container: there inside at once, on its bridge, reaching its network; removed live', async () => {
    const res = await addNic('multi', { network: 'nc' });
    assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
    assert.deepEqual(res.body.task.result, { nic: 2, live: true, note: null });
    const onC = await addressOf('multi', 'nc');
    const addrs = await inside('multi');
    assert.match(addrs, new RegExp(`eth2\\s+inet ${onC.replace(/\./g, '\\.')}/24`), addrs);
    assert.equal(masterOf(veth('multi', 2)), bridges[2]);
    assert.match(qdiscs(veth('multi', 2)), /htb/, 'shaped like the others');
    assert.ok(await pings('multi', C.split('/')[0]!), 'eth2 → the gateway of nc');
    const mac = (await nics('multi')).nics.find((n) => n.nic === 2)!.mac;
    const link = await execIn(stack, cts.multi!.id, ['cat', '/sys/class/net/eth2/address']);
    assert.equal(link.stdout.trim(), mac);
    const removed = await call<TaskReply>(
      'DELETE',
      `/api/v1/instances/${cts.multi!.id}/nics/2?sync=true`,
    );
    assert.equal(removed.body.task?.status, 'succeeded', JSON.stringify(removed.body));
    assert.doesNotMatch(await inside('multi'), /eth2/);
    assert.equal(masterOf(veth('multi', 2)), null);
  });

  test('a kill in the middle of a live add is rolled back by the next start; a removal is gone at the next start', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'ct.nic.record' } });
    const res = await call<TaskReply>('POST', `/api/v1/instances/${cts.multi!.id}/nics`, {
      network: 'nc',
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await untilFailpoint(stack, res.body.task.id);
    assert.equal(masterOf(veth('multi', 2)), bridges[2], 'plugged before the kill');
    await stack.restartAgent({ env: {} });
    const ended = await waitTask(stack, res.body.task.id);
    assert.match(ended.error?.message ?? '', /rolled back: eth2 was not added/);
    assert.equal(masterOf(veth('multi', 2)), null);
    assert.doesNotMatch(await inside('multi'), /eth2/);
    assert.deepEqual(
      (await nics('multi')).nics.map((n) => n.nic),
      [0, 1],
    );
    await act('multi', 'stop');
    const removed = await call<TaskReply>(
      'DELETE',
      `/api/v1/instances/${cts.multi!.id}/nics/1?sync=true`,
    );
    assert.equal(removed.body.task?.status, 'succeeded', JSON.stringify(removed.body));
    await act('multi', 'start');
    const addrs = await inside('multi');
    assert.doesNotMatch(addrs, /eth1|eth2/, 'LXC’s config was written again from the record');
    assert.equal(masterOf(veth('multi', 1)), null);
    assert.equal(
      (await ok<Network>('GET', '/api/v1/networks/nb')).instances.some((i) => i.name === 'multi'),
      false,
    );
  });
});
