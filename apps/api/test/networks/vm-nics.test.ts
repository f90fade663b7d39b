import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  ErrorBody,
  Instance,
  InstanceNics,
  Network,
  Task,
  VmNicChange,
} from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';
import { replayedAfterKill, untilFailpoint } from '../failpoint.js';
import { act, bootTinyVm, guest } from '../vm-guest.js';
import { until } from '../wait.js';
import { spoofDrops } from './counted.js';

type TaskReply = { task: Task };

const linkExists = (name: string) => {
  try {
    execFileSync('ip', ['link', 'show', 'dev', name], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
};
const masterOf = (name: string) =>
  (
    JSON.parse(
      execFileSync('ip', ['-j', 'link', 'show', 'dev', name], { encoding: 'utf8' }),
    ) as Array<{
      master?: string;
    }>
  )[0]?.master;

/**
 * NICs after the create on a running tiny VM: one hot-plugged on a second network, which the
 * guest sees and gets a lease on; its cable pulled and plugged back; one on a network without
 * DHCP, whose set address is the only one the guest may send from; suspended and resumed with
 * it; moved to another network live; removed live; the agent killed in the middle of a
 * hot-plug, a move and a removal. A stopped VM's NICs, MACs and static leases. And a
 * container's adapter taken down and up.
 */
describe('VM NICs hot-plugged and removed, links up and down', () => {
  let stack: Stack;
  let vm: Instance;
  let ct: Instance | undefined;
  const o = Math.floor(Math.random() * 200) + 20;
  const subnet = `10.229.${o}`;
  const gw = `${subnet}.1`;
  // A second network with no DHCP: its NICs have the address set on them, or none.
  const fixed = `10.229.${o + 1}`;
  const nics = async (id: string) =>
    (await stack.call<InstanceNics>('GET', `/api/v1/instances/${id}/nics`)).body;
  const sh = async (id: string, script: string) => guest(stack, id, ['sh', '-c', script]);
  /** The guest's interfaces other than lo, from /sys. */
  const guestIfaces = async () =>
    (await sh(vm.id, 'ls /sys/class/net')).stdout.split(/\s+/).filter((i) => i && i !== 'lo');
  const addNic = async (body: object) => {
    const res = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${vm.id}/nics?sync=true`,
      body,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    return res.body.task.result as VmNicChange;
  };
  const removeNic = async (n: number) => {
    const res = await stack.call<TaskReply>(
      'DELETE',
      `/api/v1/instances/${vm.id}/nics/${n}?sync=true`,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
  };
  const setLink = async (id: string, n: number, link: 'up' | 'down') => {
    const res = await stack.call<InstanceNics & ErrorBody>(
      'PATCH',
      `/api/v1/instances/${id}/nics/${n}`,
      {
        link,
      },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  let iface = '';
  let tap = '';
  /** The VM's firewall table (named after its first NIC's bridge); empty while there is none. */
  const fwRules = () => {
    try {
      return execFileSync(
        'nft',
        ['list', 'table', 'bridge', `berth_bt_vmnics_fw_${vm.id.slice(0, 8)}`],
        { encoding: 'utf8', stdio: 'pipe' },
      );
    } catch {
      return '';
    }
  };
  /** Whether the VM's firewall table matches on a tap. */
  const fwHas = (name: string) => fwRules().includes(`"${name}"`);
  const leases = () => {
    try {
      return readFileSync(
        path.join(stack.agent.dataDir, 'networks', 'nb', 'dnsmasq.hosts'),
        'utf8',
      );
    } catch {
      return '';
    }
  };

  before(async () => {
    stack = await startStack('vmnics');
    const net = await stack.call('POST', '/api/v1/networks', {
      name: 'nb',
      bridge: 'bt-vmnics-b',
      ipv4: `${gw}/24`,
    });
    assert.equal(net.status, 201, JSON.stringify(net.body));
    const noDhcp = await stack.call('POST', '/api/v1/networks', {
      name: 'nc',
      bridge: 'bt-vmnics-c',
      ipv4: `${fixed}.1/24`,
      dhcp: { enabled: false },
    });
    assert.equal(noDhcp.status, 201, JSON.stringify(noDhcp.body));
    vm = await bootTinyVm(stack, 'nicky');
  });
  after(async () => {
    if (ct) await stack?.call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
    if (vm) await stack?.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack?.call('DELETE', '/api/v1/networks/nb');
    await stack?.call('DELETE', '/api/v1/networks/nc');
    await stack?.close();
  });

  test('a NIC hot-plugged on a second network: the guest sees it, gets a lease and reaches the bridge', async () => {
    const before = await guestIfaces();
    const change = await addNic({ network: 'nb' });
    assert.deepEqual([change.nic, change.live], [1, true]);
    const list = await nics(vm.id);
    const added = list.nics.find((n) => n.nic === 1)!;
    assert.equal(added.network, 'nb');
    tap = added.hostDevice;
    assert.equal(masterOf(tap), 'bt-vmnics-b', 'the tap is on the network’s bridge');
    await until(
      'the guest to see the new NIC',
      async () => (await guestIfaces()).length > before.length,
      60_000,
      1000,
    );
    iface = (await guestIfaces()).find((i) => !before.includes(i))!;
    const lease = await sh(
      vm.id,
      `ip link set ${iface} up; udhcpc -i ${iface} -n -q -t 10 -T 2 -s /etc/udhcpc/default.script >/dev/null 2>&1; ip -4 -o addr show dev ${iface}`,
    );
    assert.match(
      lease.stdout,
      new RegExp(`inet ${subnet.replace(/\./g, '\\.')}\\.\\d+/24`),
      lease.stdout,
    );
    assert.equal(
      (await sh(vm.id, `ping -c 2 -W 2 ${gw}`)).exitCode,
      0,
      'the guest pings the bridge',
    );
    await until(
      'the VM firewall table to take the tap as a port',
      async () => fwHas(tap),
      15_000,
      250,
    );
    // The guest agent reports it too (guest-network-get-interfaces, the instance's ips).
    await until(
      'the instance to show the new address',
      async () =>
        (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body.ips.some((ip) =>
          ip.startsWith(`${subnet}.`),
        ),
      60_000,
      2000,
    );
  });

  test('link down: the guest loses the bridge; up: it is back', async () => {
    const down = await setLink(vm.id, 1, 'down');
    assert.equal(down.nics.find((n) => n.nic === 1)!.link, 'down');
    assert.equal((await sh(vm.id, `cat /sys/class/net/${iface}/carrier`)).stdout.trim(), '0');
    assert.notEqual(
      (await sh(vm.id, `ping -c 2 -W 1 ${gw}`)).exitCode,
      0,
      'no ping with the cable out',
    );
    await setLink(vm.id, 1, 'up');
    await until(
      'the ping to pass again',
      async () => (await sh(vm.id, `ping -c 1 -W 1 ${gw}`)).exitCode === 0,
      30_000,
      1000,
    );
  });

  test('a running VM’s NIC moves network live, also across a kill', async () => {
    const settings = (body: object, sync = true) =>
      stack.call<TaskReply & ErrorBody>(
        'PATCH',
        `/api/v1/instances/${vm.id}/nics/1/settings${sync ? '?sync=true' : ''}`,
        body,
      );
    const moved = await settings({ network: 'default' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.task.status, 'succeeded', JSON.stringify(moved.body.task.error));
    const change = moved.body.task.result as VmNicChange;
    assert.equal(change.live, true);
    assert.match(change.note ?? '', /keeps its address on nb until it asks DHCP again/);
    assert.equal(masterOf(tap), stack.agent.bridge, 'the tap is on the default bridge');
    assert.equal((await nics(vm.id)).nics.find((n) => n.nic === 1)!.network, 'default');
    assert.ok(fwHas(tap), 'the tap is still a port of the VM’s firewall');

    const gateway = await settings({ gateway: gw });
    assert.equal(gateway.status, 400, JSON.stringify(gateway.body));
    const same = await settings({ network: 'default' });
    assert.equal(same.status, 409, JSON.stringify(same.body));

    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.nic.move' } });
    const back = await settings({ network: 'nb' }, false);
    assert.equal(back.status, 202, JSON.stringify(back.body));
    await untilFailpoint(stack, back.body.task.id);
    assert.equal(masterOf(tap), stack.agent.bridge, 'killed after the record, before the move');
    await stack.restartAgent({ env: {} });
    const task = await waitTask(stack, back.body.task.id);
    assert.match(
      task.error?.message ?? '',
      /at vm\.nic\.move; finished: NIC 1's tap .* is on bt-vmnics-b/,
    );
    assert.equal(masterOf(tap), 'bt-vmnics-b');
    assert.equal((await nics(vm.id)).nics.find((n) => n.nic === 1)!.network, 'nb');
    await until(
      'the guest to reach the nb bridge again',
      async () => (await sh(vm.id, `ping -c 1 -W 1 ${gw}`)).exitCode === 0,
      30_000,
      1000,
    );
  });

  test('a running VM’s NIC takes a new MAC: unplugged and plugged again, also across a kill before the plug', async () => {
    const macs = () => sh(vm.id, 'cat /sys/class/net/*/address').then((r) => r.stdout);
    const macOf1 = async () => (await nics(vm.id)).nics.find((n) => n.nic === 1)!.mac;
    const first = '02:00:00:00:7a:01';
    const res = await stack.call<TaskReply>(
      'PATCH',
      `/api/v1/instances/${vm.id}/nics/1/settings?sync=true`,
      { mac: first },
    );
    assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
    const change = res.body.task.result as VmNicChange;
    assert.equal(change.live, true);
    assert.match(change.note ?? '', /the guest sees a new NIC with MAC 02:00:00:00:7a:01/);
    assert.equal(await macOf1(), first);
    await until(
      'the guest to see the new MAC',
      async () => (await macs()).includes(first),
      30_000,
      1000,
    );
    assert.ok(fwRules().includes(first), 'the firewall lets the new MAC send');

    const second = '02:00:00:00:7a:03';
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.nic.attach' } });
    const cut = await stack.call<TaskReply>('PATCH', `/api/v1/instances/${vm.id}/nics/1/settings`, {
      mac: second,
    });
    assert.equal(cut.status, 202, JSON.stringify(cut.body));
    await untilFailpoint(stack, cut.body.task.id);
    // The guest is not reachable without the agent; the record is.
    const recorded = JSON.parse(
      readFileSync(path.join(stack.agent.dataDir, 'vms', vm.id, 'vm.json'), 'utf8'),
    ) as { nics: { mac: string }[] };
    assert.ok(
      recorded.nics.some((n) => n.mac === second),
      'killed after the unplug and the record, before the plug',
    );
    await stack.restartAgent({ env: {} });
    const task = await waitTask(stack, cut.body.task.id);
    assert.match(
      task.error?.message ?? '',
      /at vm\.nic\.attach; finished: .*plugged in again with MAC 02:00:00:00:7a:03/,
    );
    assert.equal(await macOf1(), second);
    await until(
      'the guest to see the NIC again',
      async () => (await macs()).includes(second),
      30_000,
      1000,
    );
    await until('the firewall to follow', async () => fwRules().includes(second), 15_000, 250);
    // The guest takes an address on it as on any NIC plugged in.
    const lease = await sh(
      vm.id,
      `for i in /sys/class/net/*; do grep -q ${second} $i/address && n=\${i##*/}; done; ip link set $n up; udhcpc -i $n -n -q -t 10 -T 2 -s /etc/udhcpc/default.script >/dev/null 2>&1; ip -4 -o addr show dev $n`,
    );
    assert.match(
      lease.stdout,
      new RegExp(`inet ${subnet.replace(/\./g, '\\.')}\\.\\d+/24`),
      lease.stdout,
    );
  });

  test('on a network without DHCP the guest sets the NIC’s address itself; from any other address nothing passes', async () => {
    const before = await guestIfaces();
    const change = await addNic({ network: 'nc', ipv4: `${fixed}.50/24` });
    assert.deepEqual([change.nic, change.live], [2, true]);
    const port = (await nics(vm.id)).nics.find((n) => n.nic === 2)!.hostDevice;
    await until(
      'the VM firewall table to take the tap as a port',
      async () => fwHas(port),
      15_000,
      250,
    );
    assert.equal(
      execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).includes(
        '--interface=bt-vmnics-c',
      ),
      false,
      'no dnsmasq serves the network',
    );
    await until(
      'the guest to see the NIC',
      async () => (await guestIfaces()).length > before.length,
      60_000,
      1000,
    );
    const nic = (await guestIfaces()).find((i) => !before.includes(i))!;
    // No lease comes: the guest's own DHCP client asks in vain.
    const asked = await sh(
      vm.id,
      `ip link set ${nic} up; udhcpc -i ${nic} -n -q -t 2 -T 1 -s /etc/udhcpc/default.script >/dev/null 2>&1; echo $?`,
    );
    assert.notEqual(asked.stdout.trim(), '0', 'udhcpc got a lease on a network without DHCP');
    await sh(vm.id, `ip addr add ${fixed}.50/24 dev ${nic}`);
    await until(
      'the guest to reach the gateway from the address set on its NIC',
      async () => (await sh(vm.id, `ping -c 1 -W 2 -I ${fixed}.50 ${fixed}.1`)).exitCode === 0,
      30_000,
      1000,
    );
    const droppedBefore = spoofDrops(fwRules(), port);
    const spoofed = await sh(
      vm.id,
      `ip addr del ${fixed}.50/24 dev ${nic}; ip addr add ${fixed}.77/24 dev ${nic}; ` +
        `ping -c 3 -W 1 -I ${fixed}.77 ${fixed}.1; e=$?; ip addr del ${fixed}.77/24 dev ${nic}; exit $e`,
    );
    assert.notEqual(spoofed.exitCode, 0, `a ping from .77 got an answer: ${spoofed.stdout}`);
    const dropped = spoofDrops(fwRules(), port) - droppedBefore;
    assert.ok(dropped >= 3, `the checks dropped ${dropped}, not 3`);
    await removeNic(2);
    await until(
      'the guest to lose it',
      async () => (await guestIfaces()).length === before.length,
      30_000,
      1000,
    );
  });

  test('suspended and resumed, the VM keeps the hot-plugged NIC (the start lays it out where it was)', async () => {
    await act(stack, vm.id, 'suspend');
    await act(stack, vm.id, 'resume');
    assert.ok((await guestIfaces()).includes(iface));
    await until(
      'the ping to pass after the resume',
      async () => (await sh(vm.id, `ping -c 1 -W 1 ${gw}`)).exitCode === 0,
      30_000,
      1000,
    );
  });

  test('an agent killed after the hot-plug and before the record: the restarted agent keeps the NIC', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.nic.record' } });
    const res = await stack.call<TaskReply>('POST', `/api/v1/instances/${vm.id}/nics`, {
      network: 'default',
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const task = await replayedAfterKill(stack, res.body.task.id);
    assert.match(
      task.error?.message ?? '',
      /at vm\.nic\.record; finished: NIC 2 was in the running VM/,
    );
    assert.deepEqual(
      (await nics(vm.id)).nics.map((n) => n.nic),
      [0, 1, 2],
    );
  });

  test('an agent killed before the plug: the restarted agent rolls the NIC and its tap back', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.nic.attach' } });
    const res = await stack.call<TaskReply>('POST', `/api/v1/instances/${vm.id}/nics`, {
      network: 'default',
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await untilFailpoint(stack, res.body.task.id);
    const half = `${tap.slice(0, -1)}3`;
    assert.ok(linkExists(half), 'the tap was made before the kill');
    await stack.restartAgent({ env: {} });
    const task = await waitTask(stack, res.body.task.id);
    assert.match(task.error?.message ?? '', /rolled back: NIC 3 was not added/);
    assert.equal(linkExists(half), false);
    assert.deepEqual(
      (await nics(vm.id)).nics.map((n) => n.nic),
      [0, 1, 2],
    );
  });

  test('removed live: gone from the guest and the host, also when the agent is killed before the tap goes', async () => {
    const before = await guestIfaces();
    await removeNic(1);
    assert.equal(linkExists(tap), false, 'the tap is gone');
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.nic.tap' } });
    const res = await stack.call<TaskReply>('DELETE', `/api/v1/instances/${vm.id}/nics/2`);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await untilFailpoint(stack, res.body.task.id);
    const second = `${tap.slice(0, -1)}2`;
    assert.ok(linkExists(second), 'the record had let it go, its tap not yet');
    await stack.restartAgent({ env: {} });
    const task = await waitTask(stack, res.body.task.id);
    assert.match(task.error?.message ?? '', /at vm\.nic\.tap; finished: NIC 2 is removed, its tap/);
    assert.equal(linkExists(second), false);
    await until('the firewall table to drop the port', async () => !fwHas(tap), 15_000, 250);
    await until(
      'the guest to lose them',
      async () => (await guestIfaces()).length === before.length - 2,
      30_000,
      1000,
    );
    assert.ok(!(await guestIfaces()).includes(iface));
    assert.deepEqual(
      (await nics(vm.id)).nics.map((n) => n.nic),
      [0],
    );
  });

  test('a stopped VM takes a NIC into its record, its lease with it; a 9th, a MAC in use and an unknown network are refused', async () => {
    await act(stack, vm.id, 'stop');
    const newMac = await stack.call<TaskReply>(
      'PATCH',
      `/api/v1/instances/${vm.id}/nics/0/settings?sync=true`,
      { mac: '02:00:00:00:7a:02' },
    );
    assert.equal(newMac.body.task?.status, 'succeeded', JSON.stringify(newMac.body));
    assert.equal((newMac.body.task.result as VmNicChange).live, false);
    assert.equal((await nics(vm.id)).nics[0]!.mac, '02:00:00:00:7a:02');
    const change = await addNic({ network: 'nb', ipv4: `${subnet}.50/24` });
    assert.deepEqual([change.nic, change.live], [1, false]);
    const mac = (await nics(vm.id)).nics.find((n) => n.nic === 1)!.mac;
    assert.equal(leases(), `${mac},${subnet}.50\n`, 'its static lease is the network’s');
    await removeNic(1);
    assert.equal(leases(), '', 'the lease went with it');
    await addNic({ network: 'nb' });
    for (let i = 2; i < 8; i++) await addNic({ network: 'default' });
    const ninth = await stack.call<ErrorBody>('POST', `/api/v1/instances/${vm.id}/nics`, {
      network: 'nb',
    });
    assert.equal(ninth.status, 409, JSON.stringify(ninth.body));
    const taken = (await nics(vm.id)).nics[0]!.mac;
    await removeNic(7);
    const twin = await stack.call<ErrorBody>('POST', `/api/v1/instances/${vm.id}/nics`, {
      network: 'default',
      mac: taken,
    });
    assert.equal(twin.status, 409, JSON.stringify(twin.body));
    assert.match(twin.body.error.message, /MAC .* is taken by nicky/);
    const unknown = await stack.call<ErrorBody>('POST', `/api/v1/instances/${vm.id}/nics`, {
      network: 'nowhere',
    });
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
  });

  test('a VM from before NIC hot-plug keeps its layout and changes NICs only while stopped', async () => {
    const file = path.join(stack.agent.dataDir, 'vms', vm.id, 'vm.json');
    const record = JSON.parse(readFileSync(file, 'utf8')) as { nicPorts?: boolean };
    delete record.nicPorts;
    writeFileSync(file, JSON.stringify(record, null, 2));
    await stack.restartAgent({ env: {} });
    assert.equal((await nics(vm.id)).liveAdd, false);
    await act(stack, vm.id, 'start');
    const add = await stack.call<ErrorBody>('POST', `/api/v1/instances/${vm.id}/nics`, {
      network: 'default',
    });
    assert.equal(add.status, 409, JSON.stringify(add.body));
    assert.match(add.body.error.message, /created before NIC hot-plug/);
    const del = await stack.call<ErrorBody>('DELETE', `/api/v1/instances/${vm.id}/nics/1`);
    assert.equal(del.status, 409, JSON.stringify(del.body));
    await act(stack, vm.id, 'stop');
  });

  test("a container's adapter down: its ping to the bridge fails, also after a restart; up: it passes", async () => {
    const made = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      template: 'busybox',
      name: 'linky',
    });
    assert.equal(made.body.task.status, 'succeeded', JSON.stringify(made.body.task.error));
    ct = made.body.task.result as Instance;
    const bridge = (await stack.call<Network>('GET', '/api/v1/networks/default')).body.ipv4.split(
      '/',
    )[0]!;
    await act(stack, ct.id, 'start');
    const ping = async () =>
      (
        await stack.call<{ exitCode: number }>('POST', `/api/v1/instances/${ct!.id}/exec`, {
          command: ['ping', '-c', '1', '-W', '2', bridge],
        })
      ).body.exitCode;
    await until('the container to reach the bridge', async () => (await ping()) === 0, 20_000, 500);
    assert.equal((await setLink(ct.id, 0, 'down')).nics[0]!.link, 'down');
    assert.notEqual(await ping(), 0);
    await act(stack, ct.id, 'restart');
    assert.notEqual(await ping(), 0, 'still down after a restart');
    await setLink(ct.id, 0, 'up');
    await until('the ping to pass again', async () => (await ping()) === 0, 20_000, 500);
  });
});
