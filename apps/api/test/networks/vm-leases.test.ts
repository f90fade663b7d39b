import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Instance, Network } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { act, buildTinyTemplate, createTinyVm, guest, waitForGuest } from '../vm-guest.js';
import { until } from '../wait.js';
import { spoofDrops } from './counted.js';

const ipToInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/**
 * DHCP for a tiny VM on the stack's network: an address from the range, which its firewall then
 * lets it send from and no other, and which it shows while its guest agent is silent; then a
 * static lease set while it runs and taken at its next boot, kept across an agent restart, and
 * cleared.
 */
describe('DHCP leases of a VM: from the range, then static', () => {
  let stack: Stack;
  let vm: Instance;
  let net: Network;
  /** The agent's static leases for the network, as it gives them to dnsmasq; none when no file. */
  const hosts = () => {
    const file = path.join(stack.agent.dataDir, 'dnsmasq.hosts');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };
  /** Whether the network's running dnsmasq was given the lease. */
  const dnsmasqHas = (lease: string) =>
    execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
      .split('\n')
      .some((l) => l.startsWith('dnsmasq') && l.includes(` --dhcp-host=${lease}`));
  const setNetwork = (body: unknown) =>
    stack.call<Instance & ErrorBody>('PUT', `/api/v1/instances/${vm.id}/network`, body);
  /**
   * The guest's address on the network's subnet once its agent reports one (the one wanted, when
   * given: what was reported before a reboot may linger until the guest is asked again).
   */
  const guestAddress = async (want?: string) => {
    let ip = '';
    const prefix = net.ipv4.split('.').slice(0, 3).join('.');
    await until(
      `the guest to report ${want ?? 'an address'}`,
      async () => {
        const shown = await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`);
        ip = shown.body.ips.find((a) => a.startsWith(`${prefix}.`)) ?? '';
        return want ? ip === want : ip !== '';
      },
      90_000,
      1000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last reported: ${ip || 'none'}`);
    });
    return ip;
  };

  before(async () => {
    stack = await startStack('vlease');
    await buildTinyTemplate(stack);
    vm = await createTinyVm(stack, 'leasy');
    net = (await stack.call<Network>('GET', '/api/v1/networks/default')).body;
  });
  after(async () => {
    if (vm) await stack?.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack?.close();
  });

  test('without a lease the VM gets an address from the DHCP range', async () => {
    assert.deepEqual(vm.nics, [{ network: 'default', mac: vm.nics[0]!.mac, ipv4: null }]);
    await act(stack, vm.id, 'start');
    await waitForGuest(stack, vm.id);
    const ip = ipToInt(await guestAddress());
    assert.ok(ip >= ipToInt(net.dhcp.first) && ip <= ipToInt(net.dhcp.last), String(ip));
  });

  test('its firewall learns the lease: the guest sends from it, and from another address nothing passes', async () => {
    const leased = await guestAddress();
    const gw = net.ipv4.split('/')[0]!;
    const [a, b, c] = gw.split('.');
    const other = `${a}.${b}.${c}.77`;
    const table = `berth_${stack.agent.bridge.replace(/-/g, '_')}_fw_${vm.id.slice(0, 8)}`;
    const rules = () =>
      execFileSync('nft', ['list', 'table', 'bridge', table], { encoding: 'utf8' });
    const sh = (script: string) => guest(stack, vm.id, ['sh', '-c', script]);
    // nft may print the set's two members in either order.
    const own = new RegExp(`[{ ]${leased.replace(/\./g, '\\.')}[ ,]`);
    const allows = () =>
      rules()
        .split('\n')
        .some((l) => l.includes('comment "spoof-ip"') && own.test(l));
    await until('the table to allow the lease', async () => allows(), 10_000, 250);
    await until(
      'the guest to reach the gateway from its lease',
      async () => (await sh(`ping -c 1 -W 2 ${gw}`)).exitCode === 0,
      30_000,
      1000,
    );
    const before = spoofDrops(rules());
    const iface = '$(ls /sys/class/net | grep -v lo | head -n1)';
    const spoofed = await sh(
      `ip addr add ${other}/24 dev ${iface}; ping -c 3 -W 1 -I ${other} ${gw}; e=$?; ` +
        `ip addr del ${other}/24 dev ${iface}; exit $e`,
    );
    assert.notEqual(spoofed.exitCode, 0, `a ping from ${other} got an answer: ${spoofed.stdout}`);
    const dropped = spoofDrops(rules()) - before;
    assert.ok(dropped >= 3, `the checks dropped ${dropped}, not 3`);
  });

  test('while its guest agent does not answer, the VM shows the lease DHCP gave it', async () => {
    const leased = await guestAddress();
    const prefix = net.ipv4.split('/')[1]!;
    const other = `${leased.split('.').slice(0, 3).join('.')}.77`;
    const iface = '$(ls /sys/class/net | grep -v lo | head -n1)';
    const ips = async () =>
      (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body.ips;
    await guest(stack, vm.id, ['sh', '-c', `ip addr add ${other}/${prefix} dev ${iface}`]);
    await until(
      'the guest agent to report the address it added',
      async () => (await ips()).includes(other),
      30_000,
      1000,
    );
    // Stopped, not ended (init would start it again), from the background so this exec returns;
    // resumed after 30 s.
    await guest(stack, vm.id, [
      'sh',
      '-c',
      '(sleep 1; kill -STOP $(pidof qemu-ga); sleep 30; kill -CONT $(pidof qemu-ga)) ' +
        '</dev/null >/dev/null 2>&1 &',
    ]);
    let shown: string[] = [];
    await until(
      'the lease alone to be shown',
      async () => {
        shown = await ips();
        return shown.length === 1 && shown[0] === leased;
      },
      25_000,
      500,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; shown: ${shown.join(', ')}`);
    });
    await waitForGuest(stack, vm.id);
    await guest(stack, vm.id, ['sh', '-c', `ip addr del ${other}/${prefix} dev ${iface}`]);
  });

  test('bad leases are refused and change nothing', async () => {
    const [a, b, c] = net.ipv4.split('.');
    const cases: Array<[string, number, RegExp]> = [
      [`${net.dhcp.first}/24`, 400, /in the range DHCP hands out/],
      ['192.0.2.50/24', 409, /not a host address in network default/],
      [net.ipv4, 409, /in use/],
    ];
    for (const [ipv4, status, message] of cases) {
      const res = await setNetwork({ network: 'default', ipv4 });
      assert.equal(res.status, status, `${ipv4}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error.message, message);
    }
    const unknown = await setNetwork({
      network: 'default',
      ipv4: `${a}.${b}.${c}.50/24`,
      mac: 'x',
    });
    assert.equal(unknown.status, 400, 'unknown fields are a 400');
    assert.equal(hosts(), '');
  });

  test('a static lease set while it runs is what the guest gets when it next asks, and survives an agent restart', async () => {
    const [a, b, c] = net.ipv4.split('.');
    const fixed = `${a}.${b}.${c}.50`;
    const set = await setNetwork({ network: 'default', ipv4: `${fixed}/24` });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.nics[0]!.ipv4, `${fixed}/24`);
    assert.equal(hosts(), `${vm.nics[0]!.mac},${fixed}\n`);
    assert.ok(dnsmasqHas(`${vm.nics[0]!.mac},${fixed}`), 'dnsmasq was restarted with the lease');
    const member = (await stack.call<Network>('GET', '/api/v1/networks/default')).body.instances;
    assert.deepEqual(
      member.find((m) => m.id === vm.id),
      { id: vm.id, name: 'leasy', kind: 'vm', ipv4: `${fixed}/24`, ipv6: null },
    );
    // The guest asks again now (its client's own renewal is up to an hour away): a fresh
    // DHCP exchange in the foreground, whose answer the guest's address then shows.
    const renewed = await guest(stack, vm.id, [
      'sh',
      '-c',
      'iface=$(ls /sys/class/net | grep -v lo | head -n1); killall udhcpc; ' +
        'udhcpc -i "$iface" -n -q -t 10 -T 2 -s /etc/udhcpc/default.script >/dev/null 2>&1; ' +
        'ip -4 -o addr show dev "$iface"',
    ]);
    assert.match(
      renewed.stdout,
      new RegExp(`inet ${fixed.replace(/\./g, '\\.')}/`),
      renewed.stdout,
    );
    assert.equal(await guestAddress(fixed), fixed);

    await stack.restartAgent({ env: {} });
    assert.equal(hosts(), `${vm.nics[0]!.mac},${fixed}\n`);
    const cleared = await setNetwork({ network: 'default' });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.equal(cleared.body.nics[0]!.ipv4, null);
    assert.equal(hosts(), '');
  });
});
