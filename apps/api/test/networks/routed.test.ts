import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Firewall, Instance, InstanceNics, Network, Task } from '@berth/contracts';
import { replayedAfterKill } from '../failpoint.js';
import { startStack, type Stack } from '../harness.js';
import { execIn, runningContainer } from '../running-container.js';
import { until } from '../wait.js';

const host = (...args: string[]) =>
  execFileSync(args[0] as string, args.slice(1), { encoding: 'utf8', stdio: 'pipe' });
const vethOf = (ct: Instance) => `vc${ct.id.slice(0, 8)}`;

/** What a TCP listener at ip:port sends to a client from the host, or null when none answers. */
const readFrom = (ip: string, port: number) =>
  new Promise<string | null>((resolve) => {
    let got = '';
    const socket = connect({ host: ip, port, timeout: 3000 });
    socket.on('data', (d) => (got += d.toString()));
    socket.on('end', () => resolve(got));
    socket.on('timeout', () => (socket.destroy(), resolve(null)));
    socket.on('error', () => resolve(null));
  });

/** Whether a connect from the host to ip:port is refused within a second (a reset came back). */
const refusedFromHost = (ip: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: ip, port, timeout: 1000 });
    socket.on('connect', () => (socket.destroy(), resolve(false)));
    socket.on('timeout', () => (socket.destroy(), resolve(false)));
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });

/**
 * Host-routed containers (Parallels' venet) on the real stack: the host reaches one through a /32
 * route to its veth, which is on no bridge; it reaches the host, and it and a bridged neighbour
 * reach each other; it cannot send from an address it was not given; its firewall rules hold,
 * and they and its guard come back after an agent kill; it moves live to another network.
 */
describe('a host-routed busybox container', () => {
  let stack: Stack;
  let routed: Instance;
  let bridged: Instance;
  let ip = '';
  let gateway = '';

  const call = <T>(method: string, url: string, body?: unknown) =>
    stack.call<T & ErrorBody>(method, url, body);
  const sh = async (ct: Instance, script: string) => execIn(stack, ct.id, ['sh', '-c', script], 20);
  const guardTable = () =>
    `berth_${stack.agent.bridge.replace(/-/g, '_')}_fw_${routed.id.slice(0, 8)}`;

  before(async () => {
    stack = await startStack('routed');
    routed = await runningContainer(stack, { name: 'r1', networkMode: 'routed' });
    bridged = await runningContainer(stack, { name: 'b1' });
    const net = (await call<Network>('GET', '/api/v1/networks/default')).body;
    ip = net.instances.find((m) => m.name === 'r1')!.ipv4!.split('/')[0]!;
    gateway = net.ipv4.split('/')[0]!;
  });
  after(async () => {
    for (const ct of [routed, bridged]) {
      if (ct) await stack?.call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
    }
    await stack?.call('DELETE', '/api/v1/networks/rb');
    await stack?.close();
  });

  test('its adapter is on no bridge, its /32 is routed to it, and it says so', async () => {
    const link = JSON.parse(host('ip', '-j', 'link', 'show', 'dev', vethOf(routed))) as Array<{
      master?: string;
    }>;
    assert.equal(link[0]?.master, undefined, 'the veth is on no bridge');
    assert.match(host('ip', 'route', 'show', `${ip}/32`), new RegExp(`dev ${vethOf(routed)}`));
    const shown = (await call<Instance>('GET', `/api/v1/instances/${routed.id}`)).body;
    assert.equal(shown.nics[0]?.mode, 'routed');
    const inside = await sh(routed, 'ip -4 addr show dev eth0');
    assert.match(inside.stdout, new RegExp(`inet ${ip.replace(/\./g, '\\.')}/32`));
  });

  test('the host reaches it over TCP, it reaches the host, and a bridged neighbour reaches it', async () => {
    await sh(
      routed,
      "echo hello-from-r1 > /tmp/m; setsid sh -c 'nc -l -p 7070 < /tmp/m' >/dev/null 2>&1 &",
    );
    const got = await until('the listener to answer', () => readFrom(ip, 7070), 10_000);
    assert.equal(got.trim(), 'hello-from-r1');
    assert.equal((await sh(routed, `ping -c 1 -W 2 ${gateway}`)).exitCode, 0, 'r1 → host');
    assert.equal((await sh(bridged, `ping -c 1 -W 2 ${ip}`)).exitCode, 0, 'b1 → r1');
  });

  test('it opens TCP and ICMP exchanges with a bridged neighbour, only from its own address', async () => {
    const net = (await call<Network>('GET', '/api/v1/networks/default')).body;
    const neighbour = net.instances.find((m) => m.name === 'b1')!.ipv4!.split('/')[0]!;
    await sh(
      bridged,
      "echo hello-from-b1 > /tmp/m; setsid sh -c 'nc -l -p 7071 < /tmp/m' >/dev/null 2>&1 &",
    );
    assert.equal((await sh(routed, `ping -c 1 -W 2 ${neighbour}`)).exitCode, 0, 'r1 → b1');
    // stdin held open: busybox nc stops at its end, before the answer would be read.
    const got = await until(
      'b1 to answer r1',
      async () => (await sh(routed, `sleep 2 | nc ${neighbour} 7071`)).stdout.trim() || null,
      15_000,
    );
    assert.equal(got, 'hello-from-b1');
    const other = ip.replace(/\.\d+$/, '.251');
    const spoofed = await sh(
      routed,
      `ip addr add ${other}/32 dev eth0 && ping -c 2 -W 2 -I ${other} ${neighbour}; r=$?; ip addr del ${other}/32 dev eth0; exit $r`,
    );
    assert.notEqual(spoofed.exitCode, 0, `a ping from ${other} reached b1: ${spoofed.stdout}`);
  });

  test('it cannot send from an address it was not given', async () => {
    const other = ip.replace(/\.\d+$/, '.250');
    const res = await sh(
      routed,
      `ip addr add ${other}/32 dev eth0 && ping -c 2 -W 2 -I ${other} ${gateway}; r=$?; ip addr del ${other}/32 dev eth0; exit $r`,
    );
    assert.notEqual(res.exitCode, 0, `a ping from ${other} got through: ${res.stdout}`);
    const counted = host('nft', 'list', 'table', 'inet', guardTable());
    assert.match(counted, /saddr != [0-9.]+ counter packets [1-9]/, counted);
    assert.equal(
      (await sh(routed, `ping -c 1 -W 2 ${gateway}`)).exitCode,
      0,
      'its own still works',
    );
  });

  test('its firewall: drop, reject (a reset at once) both ways, counters; rules and guard back after an agent kill', async () => {
    const setFw = async (body: object) => {
      const res = await call<Firewall>('PUT', `/api/v1/instances/${routed.id}/firewall`, body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const neighbour = (await call<Network>('GET', '/api/v1/networks/default')).body.instances
      .find((m) => m.name === 'b1')!
      .ipv4!.split('/')[0]!;
    await sh(
      routed,
      "setsid sh -c 'while true; do echo ok | nc -l -p 7072; done' </dev/null >/dev/null 2>&1 &",
    );
    await until('the listener', async () => (await readFrom(ip, 7072)) !== null, 10_000);
    await setFw({ rules: [{ direction: 'in', action: 'drop', protocol: 'icmp' }] });
    assert.notEqual((await sh(bridged, `ping -c 1 -W 2 ${ip}`)).exitCode, 0, 'b1 → r1 dropped');
    assert.equal((await readFrom(ip, 7072))?.trim(), 'ok', 'TCP still passes');
    const fw = await setFw({
      rules: [
        { direction: 'in', action: 'reject', protocol: 'tcp', ports: ['7072'] },
        { direction: 'out', action: 'reject', protocol: 'tcp', ports: ['7071'] },
      ],
    });
    assert.ok(fw.table, 'it has a table');
    assert.equal(await refusedFromHost(ip, 7072), true, 'the host is refused at once');
    const out = await sh(routed, `nc -w 5 ${neighbour} 7071 </dev/null 2>&1 | grep -q refused`);
    assert.equal(out.exitCode, 0, 'r1 is refused by its own outbound rule');
    const { counters } = (await call<Firewall>('GET', `/api/v1/instances/${routed.id}/firewall`))
      .body;
    assert.ok(counters[0]!.packets >= 1 && counters[1]!.packets >= 1, JSON.stringify(counters));
    host('nft', 'delete', 'table', 'inet', guardTable());
    await stack.restartAgent({ kill: true });
    const table = host('nft', 'list', 'table', 'inet', guardTable());
    assert.match(table, /saddr != /);
    assert.match(table, /goto routed_rejecting comment "berth-rule-0"/);
    await setFw({});
    assert.equal((await readFrom(ip, 7072))?.trim(), 'ok');
  });

  test('its eth0 moves live to another network, its route and guard with it, also across a kill', async () => {
    const o = Math.floor(Math.random() * 200) + 20;
    const newGateway = `10.234.${o}.1`;
    const net = await call('POST', '/api/v1/networks', {
      name: 'rb',
      bridge: 'bt-routed-b',
      ipv4: `${newGateway}/24`,
    });
    assert.equal(net.status, 201, JSON.stringify(net.body));
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'ct.settings.apply' } });
    const res = await call<{ task: Task }>(
      'PATCH',
      `/api/v1/instances/${routed.id}/nics/0/settings`,
      { network: 'rb' },
    );
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const task = await replayedAfterKill(stack, res.body.task.id);
    assert.match(
      task.error?.message ?? '',
      /at ct\.settings\.apply; CT \d+ has the adapter settings its record holds \(running\)/,
    );
    const rb = (await call<Network>('GET', '/api/v1/networks/rb')).body;
    const moved = rb.instances.find((m) => m.name === 'r1')!.ipv4!.split('/')[0]!;
    assert.match(host('ip', 'route', 'show', `${moved}/32`), new RegExp(`dev ${vethOf(routed)}`));
    assert.equal(host('ip', 'route', 'show', `${ip}/32`).trim(), '', 'the old /32 is gone');
    const inside = await sh(routed, 'ip -4 addr show dev eth0; ip -4 route');
    assert.match(inside.stdout, new RegExp(`inet ${moved.replace(/\./g, '\\.')}/32`));
    assert.doesNotMatch(inside.stdout, new RegExp(`inet ${ip.replace(/\./g, '\\.')}/`));
    assert.match(inside.stdout, new RegExp(`default via ${newGateway.replace(/\./g, '\\.')}`));
    assert.equal(
      (await sh(routed, `ping -c 1 -W 2 ${newGateway}`)).exitCode,
      0,
      'r1 → its gateway',
    );
    host('busybox', 'ping', '-c', '1', '-W', '2', moved);
    // Its guard is named after its network's bridge now.
    const guard = `berth_bt_routed_b_fw_${routed.id.slice(0, 8)}`;
    await until(
      'the guard to take the new address',
      async () => {
        try {
          return host('nft', 'list', 'table', 'inet', guard).includes(`saddr != ${moved} `);
        } catch {
          return false;
        }
      },
      15_000,
      250,
    );
    assert.throws(() => host('nft', 'list', 'table', 'inet', guardTable()), 'the old one is gone');
    const old = await sh(
      routed,
      `ip addr add ${ip}/32 dev eth0 && ping -c 2 -W 2 -I ${ip} ${newGateway}; r=$?; ip addr del ${ip}/32 dev eth0; exit $r`,
    );
    assert.notEqual(old.exitCode, 0, `a ping from its old address got through: ${old.stdout}`);
  });

  test('a bridged adapter beside its routed eth0: reached on both, one firewall for both', async () => {
    const add = await call<{ task: Task }>(
      'POST',
      `/api/v1/instances/${routed.id}/nics?sync=true`,
      {
        network: 'default',
      },
    );
    assert.equal(add.body.task?.status, 'succeeded', JSON.stringify(add.body));
    const listed = (await call<InstanceNics>('GET', `/api/v1/instances/${routed.id}/nics`)).body;
    const eth1 = listed.nics.find((n) => n.nic === 1)!.ipv4!.split('/')[0]!;
    const eth0 = listed.nics.find((n) => n.nic === 0)!.ipv4!.split('/')[0]!;
    const hostPings = (ip: string) => {
      try {
        host('busybox', 'ping', '-c', '1', '-W', '2', ip);
        return true;
      } catch {
        return false;
      }
    };
    assert.equal((await sh(bridged, `ping -c 1 -W 2 ${eth1}`)).exitCode, 0, 'b1 → its eth1');
    assert.ok(hostPings(eth0), 'the host → its routed eth0');
    const dropped = await call('PUT', `/api/v1/instances/${routed.id}/firewall`, {
      rules: [{ direction: 'in', action: 'drop', protocol: 'icmp' }],
    });
    assert.equal(dropped.status, 200, JSON.stringify(dropped.body));
    assert.notEqual((await sh(bridged, `ping -c 1 -W 2 ${eth1}`)).exitCode, 0, 'dropped on eth1');
    assert.equal(hostPings(eth0), false, 'dropped on eth0');
    const fw = (await call<Firewall>('GET', `/api/v1/instances/${routed.id}/firewall`)).body;
    assert.ok(fw.counters[0]!.packets >= 2, JSON.stringify(fw.counters));
    await call('PUT', `/api/v1/instances/${routed.id}/firewall`, {});
    assert.equal((await sh(bridged, `ping -c 1 -W 2 ${eth1}`)).exitCode, 0);
    assert.ok(hostPings(eth0));
  });
});
