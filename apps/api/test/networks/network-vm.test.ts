import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { Firewall, Instance, Network, Task } from '@berth/contracts';
import { until } from '../wait.js';
import { startStack, type Stack } from '../harness.js';
import { guest, waitForGuest } from '../vm-guest.js';

type TaskReply = { task: Task };

/**
 * A tiny VM on a network of its own: its tap joins that bridge and the network's dnsmasq hands
 * it an address from the network's own DHCP range.
 */
describe('a VM on a network gets its DHCP address from that network', () => {
  let stack: Stack;
  let vm: Instance | undefined;
  /** The address the VM had from the range. */
  let address = '';
  const o = 20 + Math.floor(Math.random() * 200);
  const BRIDGE = 'bt-netvm-a';

  const task = async (url: string, body?: unknown) => {
    const res = await stack.call<TaskReply>('POST', url, body);
    assert.ok(res.status < 300, `${url}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    return res.body.task;
  };

  before(async () => {
    stack = await startStack('netvm');
    const made = await stack.call<Network>('POST', '/api/v1/networks', {
      name: 'nv',
      bridge: BRIDGE,
      ipv4: `10.227.${o}.1/24`,
      dhcp: { first: `10.227.${o}.100`, last: `10.227.${o}.120` },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
  });
  after(async () => {
    if (!stack) return;
    if (vm) await stack.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack.call('DELETE', '/api/v1/networks/nv');
    await stack.close();
    for (const args of [
      ['ip', 'link', 'del', BRIDGE],
      ['nft', 'delete', 'table', 'ip', 'berth_bt_netvm_a'],
      ['nft', 'delete', 'table', 'inet', 'berth_bt_netvm_a_guard'],
    ]) {
      try {
        execFileSync(args[0] as string, args.slice(1), { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  });

  test("the VM's tap is on the network's bridge and its lease is from the range", async () => {
    vm = (
      await task('/api/v1/instances?sync=true', {
        kind: 'vm',
        name: 'netvm1',
        memoryMiB: 256,
        disks: [{ template: 'tiny-linux' }],
        nics: [{ network: 'nv' }],
      })
    ).result as Instance;
    await task(`/api/v1/instances/${vm.id}/actions/start?sync=true`);
    const taps = execFileSync('ip', ['-o', 'link', 'show', 'master', BRIDGE], { encoding: 'utf8' });
    assert.match(taps, /vt/, `a tap on ${BRIDGE}`);
    await waitForGuest(stack, vm.id);
    const inRange = (ip: string) => {
      const m = new RegExp(`^10\\.227\\.${o}\\.(\\d+)$`).exec(ip);
      return m !== null && Number(m[1]) >= 100 && Number(m[1]) <= 120;
    };
    let ips: string[] = [];
    await until(
      'a DHCP address from the range',
      async () => {
        ips = (await stack.call<Instance>('GET', `/api/v1/instances/${vm!.id}`)).body.ips;
        return ips.some(inRange);
      },
      90_000,
      1000,
    ).catch(() => undefined);
    assert.ok(ips.some(inRange), `address from 10.227.${o}.100-120: ${ips.join(', ')}`);
    address = ips.find(inRange)!;
    const nv = (await stack.call<Network>('GET', '/api/v1/networks/nv')).body;
    assert.deepEqual(
      nv.instances.map((i) => [i.name, i.kind, i.ipv4]),
      [['netvm1', 'vm', null]],
    );
    const refused = await stack.call<{ error: { message: string } }>(
      'DELETE',
      '/api/v1/networks/nv',
    );
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /netvm1/);
  });

  test("the VM's firewall: a drop policy stops the replies to its ping, not DHCP; a rule lets them in; its table goes with it", async () => {
    assert.ok(vm && address, 'the VM from the test before runs with an address');
    const id = vm.id;
    // The guest pings the host's address on the network: the replies come in through the table.
    const pings = async () =>
      (await guest(stack, id, ['ping', '-c', '1', '-W', '3', `10.227.${o}.1`])).exitCode === 0;
    const put = async (body: unknown) => {
      const res = await stack.call<Firewall>('PUT', `/api/v1/instances/${id}/firewall`, body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    assert.ok(await until('a ping before any rule', pings, 20_000, 500));

    const table = (await put({ policy: { in: 'drop', out: 'accept' } })).table;
    assert.equal(table, `berth_bt_netvm_a_fw_${id.slice(0, 8)}`, 'named after its bridge');
    const listed = execFileSync('nft', ['list', 'table', 'bridge', table], { encoding: 'utf8' });
    assert.match(listed, new RegExp(`iifname "vt${id.slice(0, 8)}0" ether saddr != `), listed);
    assert.equal(await pings(), false, 'inbound IPv4 is dropped');
    // A fresh DHCP exchange in the guest, in the foreground: its answer comes in past the policy.
    const renewed = await guest(stack, id, [
      'sh',
      '-c',
      'iface=$(ls /sys/class/net | grep -v lo | head -n1); killall udhcpc; ' +
        'udhcpc -i "$iface" -n -q -t 10 -T 2 -s /etc/udhcpc/default.script >/dev/null 2>&1 && echo LEASED',
    ]);
    assert.match(renewed.stdout, /LEASED/, JSON.stringify(renewed));

    await put({
      policy: { in: 'drop', out: 'accept' },
      rules: [{ direction: 'in', action: 'accept', protocol: 'icmp' }],
    });
    assert.ok(await until('a ping through the ICMP rule', pings, 20_000, 500));
    const counted = (await stack.call<Firewall>('GET', `/api/v1/instances/${id}/firewall`)).body;
    assert.ok(counted.counters[0]!.packets > 0, JSON.stringify(counted.counters));

    const gone = await stack.call('DELETE', `/api/v1/instances/${id}?force=true&sync=true`);
    assert.ok(gone.status < 300, JSON.stringify(gone.body));
    vm = undefined;
    await until(
      'its table to go',
      () =>
        !execFileSync('nft', ['list', 'tables', 'bridge'], { encoding: 'utf8' }).includes(table),
    );
  });
});
