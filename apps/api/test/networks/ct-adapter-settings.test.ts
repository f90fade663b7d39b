import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { Instance, InstanceNics, Network, Task, VmNicChange } from '@berth/contracts';
import { apiCalls } from '../api-calls.js';
import { untilFailpoint } from '../failpoint.js';
import { startStack, waitTask, type Stack } from '../harness.js';
import { execIn, runningContainer } from '../running-container.js';

type TaskReply = { task: Task };

const quiet = (...args: string[]) => {
  try {
    execFileSync(args[0] as string, args.slice(1), { stdio: 'pipe' });
  } catch {
    // gone already
  }
};

/**
 * A container adapter's settings after its create, on the real stack: a stopped container's
 * eth1 moved to another network with a MAC of its own, its gateway, DNS servers and search
 * domain edited stopped (resolv.conf in its image) and running (live), eth1 moved live, bad
 * input refused with nothing changed, and kills between the record and the live change (a move,
 * a MAC) finished by the next start.
 */
describe('a container adapter’s MAC, network, gateway and resolver edited', () => {
  let stack: Stack;
  const { call, ok, task } = apiCalls(() => stack);
  const o = 20 + Math.floor(Math.random() * 200);
  const nets = {
    ma: `10.235.${o}.1/24`,
    mb: `10.236.${o}.1/24`,
    mc: `10.237.${o}.1/24`,
  };
  const bridges = ['bt-ctset-a', 'bt-ctset-b', 'bt-ctset-c'];
  const cts: Record<string, Instance> = {};

  const settings = (name: string, nic: number, body: unknown) =>
    call<TaskReply>('PATCH', `/api/v1/instances/${cts[name]!.id}/nics/${nic}/settings`, body);
  const settled = async (name: string, nic: number, body: unknown) => {
    const res = await call<TaskReply>(
      'PATCH',
      `/api/v1/instances/${cts[name]!.id}/nics/${nic}/settings?sync=true`,
      body,
    );
    assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
    return res.body.task.result as VmNicChange;
  };
  const nics = (name: string) => ok<InstanceNics>('GET', `/api/v1/instances/${cts[name]!.id}/nics`);
  const addressOf = async (ct: string, net: string) => {
    const member = (await ok<Network>('GET', `/api/v1/networks/${net}`)).instances.find(
      (i) => i.name === ct,
    );
    assert.ok(member?.ipv4, `${ct} on ${net}`);
    return member.ipv4.split('/')[0] as string;
  };
  const run = async (ct: string, command: string[]) =>
    (await execIn(stack, cts[ct]!.id, command)).stdout;
  const pings = async (ct: string, ip: string) =>
    (await execIn(stack, cts[ct]!.id, ['ping', '-c', '1', '-W', '2', ip])).exitCode === 0;
  const macInside = async (ct: string, n: number) =>
    (await run(ct, ['cat', `/sys/class/net/eth${n}/address`])).trim();

  before(async () => {
    stack = await startStack('ctset');
    for (const [i, [name, ipv4]] of Object.entries(nets).entries()) {
      await ok('POST', '/api/v1/networks', { name, bridge: bridges[i], ipv4 }, 201);
    }
    cts.pa = await runningContainer(stack, { name: 'pa', network: 'ma' });
    cts.pb = await runningContainer(stack, { name: 'pb', network: 'mb' });
    const made = await task('/api/v1/instances?sync=true', {
      template: 'busybox',
      name: 'mover',
      network: 'mc',
    });
    cts.mover = made.result as Instance;
    await task(`/api/v1/instances/${cts.mover.id}/nics?sync=true`, { network: 'ma' });
  });

  after(async () => {
    if (stack) {
      for (const ct of Object.values(cts)) {
        await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
      }
      for (const n of Object.keys(nets)) await call('DELETE', `/api/v1/networks/${n}`);
      await stack.close();
    }
    for (const b of bridges) quiet('ip', 'link', 'del', b);
  });

  test('bad input is a 4xx naming the field, and nothing changes', async () => {
    const before = await nics('mover');
    const pbAddress = await addressOf('pb', 'mb');
    const paMac = (await nics('pa')).nics[0]!.mac;
    for (const [body, status, field] of [
      [{ network: 'mb', ipv4: `10.238.${o}.9/24` }, 409, /ipv4/],
      [{ network: 'mb', ipv4: `${pbAddress}/24` }, 409, /in use/],
      [{ network: 'mc' }, 409, /network/],
      [{ network: 'nowhere' }, 400, /network/],
      [{ mac: '01:00:5e:00:00:01' }, 400, /mac/],
      [{ mac: paMac }, 409, /pa/],
      [{ gateway: `10.237.${o}.1` }, 400, /gateway/],
      [{ dnsSearch: 'Not A Domain' }, 400, /dnsSearch/],
      [{ mac: '02:aa:00:00:00:01', mode: 'routed' }, 400, /mode/],
    ] as const) {
      const res = await settings('mover', 1, body);
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.match(JSON.stringify(res.body), field);
    }
    assert.deepEqual(await nics('mover'), before);
  });

  test('stopped: eth1 moved to another network with its MAC, eth0’s resolver edited; started, it has them', async () => {
    const mac = `02:c7:5e:${o.toString(16).padStart(2, '0')}:00:01`;
    const moved = await settled('mover', 1, { network: 'mb', mac });
    assert.deepEqual(moved, {
      nic: 1,
      live: false,
      note: 'the container has it from its next start',
    });
    const resolver = await settled('mover', 0, {
      dns: [`10.237.${o}.1`, '10.237.0.53'],
      dnsSearch: 'lab.ctset',
    });
    assert.equal(resolver.note, null, 'resolv.conf is written in its image at once');
    const eth1 = (await nics('mover')).nics.find((n) => n.nic === 1)!;
    assert.equal(eth1.network, 'mb');
    assert.equal(eth1.mac, mac);
    await task(`/api/v1/instances/${cts.mover!.id}/actions/start?sync=true`);
    assert.equal(await macInside('mover', 1), mac);
    const onB = await addressOf('mover', 'mb');
    assert.match(await run('mover', ['ip', '-4', '-o', 'addr', 'show', 'eth1']), new RegExp(onB));
    assert.ok(await pings('mover', await addressOf('pb', 'mb')), 'eth1 → pb on its new network');
    assert.equal(await pings('mover', await addressOf('pa', 'ma')), false, 'not pa on its old one');
    assert.equal(
      (await ok<Network>('GET', '/api/v1/networks/ma')).instances.some((i) => i.name === 'mover'),
      false,
    );
    const resolv = await run('mover', ['cat', '/etc/resolv.conf']);
    assert.equal(resolv, `search lab.ctset\nnameserver 10.237.${o}.1\nnameserver 10.237.0.53\n`);
  });

  test('running: gateway, DNS and search domain live, in its routes and resolv.conf', async () => {
    const gateway = `10.237.${o}.254`;
    const res = await settled('mover', 0, { gateway, dns: ['10.237.0.54'], dnsSearch: null });
    assert.deepEqual(res, { nic: 0, live: true, note: null });
    assert.match(
      await run('mover', ['ip', 'route']),
      new RegExp(`default via ${gateway} dev eth0`),
    );
    assert.equal(await run('mover', ['cat', '/etc/resolv.conf']), 'nameserver 10.237.0.54\n');
    assert.deepEqual((await nics('mover')).resolver, {
      gateway,
      dns: ['10.237.0.54'],
      dnsSearch: null,
    });
  });

  test('running: eth1 moved live to another network and back across a kill; traffic follows', async () => {
    const moved = await settled('mover', 1, { network: 'ma' });
    assert.deepEqual(moved, { nic: 1, live: true, note: null });
    const onA = await addressOf('mover', 'ma');
    assert.match(await run('mover', ['ip', '-4', '-o', 'addr', 'show', 'eth1']), new RegExp(onA));
    assert.ok(await pings('mover', await addressOf('pa', 'ma')), 'eth1 → pa on its new network');
    assert.equal(await pings('mover', await addressOf('pb', 'mb')), false, 'not pb on its old one');

    await stack.restartAgent({
      env: { BERTH_AGENT_FAILPOINT: 'ct.settings.apply' },
      upTimeoutMs: 120_000,
    });
    const res = await settings('mover', 1, { network: 'mb' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await untilFailpoint(stack, res.body.task.id);
    await stack.restartAgent({ env: {}, upTimeoutMs: 120_000 });
    const ended = await waitTask(stack, res.body.task.id);
    assert.match(
      ended.error?.message ?? '',
      /has the adapter settings its record holds \(running\)/,
    );
    const onB = await addressOf('mover', 'mb');
    assert.match(await run('mover', ['ip', '-4', '-o', 'addr', 'show', 'eth1']), new RegExp(onB));
    assert.ok(await pings('mover', await addressOf('pb', 'mb')), 'eth1 → pb after the replay');
  });

  test('a kill between the record and the live MAC is finished by the next start; traffic follows', async () => {
    const mac = `02:c7:5e:${o.toString(16).padStart(2, '0')}:00:02`;
    // Slow under a loaded host: it rediscovers its containers and firewall tables first.
    await stack.restartAgent({
      env: { BERTH_AGENT_FAILPOINT: 'ct.settings.apply' },
      upTimeoutMs: 120_000,
    });
    const res = await settings('mover', 1, { mac });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await untilFailpoint(stack, res.body.task.id);
    await stack.restartAgent({ env: {}, upTimeoutMs: 120_000 });
    const ended = await waitTask(stack, res.body.task.id);
    assert.match(ended.error?.message ?? '', /has the adapter settings its record holds/);
    assert.equal(await macInside('mover', 1), mac);
    assert.equal((await nics('mover')).nics.find((n) => n.nic === 1)!.mac, mac);
    assert.ok(await pings('mover', await addressOf('pb', 'mb')), 'its firewall table took the MAC');
  });
});
