import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type {
  ErrorBody,
  Firewall,
  Instance,
  InstanceTraffic,
  Network,
  NetworkFirewall,
} from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { execIn, runningContainer } from '../running-container.js';
import { buildTinyTemplate, createTinyVm } from '../vm-guest.js';
import { until } from '../wait.js';
import { assertCounted } from './counted.js';

const host = (...args: string[]) =>
  execFileSync(args[0] as string, args.slice(1), { encoding: 'utf8', stdio: 'pipe' });
const quiet = (...args: string[]) => {
  try {
    host(...args);
  } catch {
    // already gone
  }
};

/**
 * The host's IPv6 settings the agent may change (forwarding, accept_ra per interface), read
 * before and written back after: the test leaves the host's routing as it found it.
 */
const SYSCTL = '/proc/sys/net/ipv6/conf';
const readSysctls = () =>
  new Map(
    readdirSync(SYSCTL).flatMap((dev) =>
      ['forwarding', 'accept_ra'].map(
        (key) =>
          [`${SYSCTL}/${dev}/${key}`, readFileSync(`${SYSCTL}/${dev}/${key}`, 'utf8')] as const,
      ),
    ),
  );

/**
 * accept_ra first, then forwarding (the host never forwards while ignoring an RA it needs), `all`
 * before each interface's since writing `all` sets every interface's.
 */
function restoreSysctls(saved: Map<string, string>): void {
  const order = (k: string) => (!k.endsWith('forwarding') ? 0 : k.includes('/all/') ? 1 : 2);
  const keys = [...saved.keys()].sort((a, b) => order(a) - order(b));
  for (const key of keys) {
    try {
      if (readFileSync(key, 'utf8') !== saved.get(key)) writeFileSync(key, saved.get(key)!);
    } catch {
      // an interface of the test's, gone with it
    }
  }
}

/**
 * IPv6 on a virtual network with busybox containers: static addresses from the network's /64,
 * pings between them and to the gateway, firewall rules and a set naming IPv6 addresses (the
 * IPv4 path untouched), a spoofed source dropped by the instance's table, NAT to a namespace
 * playing the outside world over IPv6, and a kill in the middle of an update that adds IPv6
 * finished by the next start.
 */
describe('IPv6 on a virtual network', () => {
  let stack: Stack;
  const o = (20 + Math.floor(Math.random() * 200)).toString(16);
  const V6 = `fd42:${o}:a::1/64`;
  const OUT = `fd42:${o}:f::`;
  const NS = 'bt-ipv6-out';
  const V0 = 'bt-ipv6-o0';
  const V1 = 'bt-ipv6-o1';
  const bridges = ['bt-ipv6-a', 'bt-ipv6-k'];
  const before6 = readSysctls();
  const cts: Instance[] = [];

  const call = <T>(method: string, url: string, body?: unknown) =>
    stack.call<T & ErrorBody>(method, url, body);
  const ok = async <T>(method: string, url: string, body?: unknown, status = 200) => {
    const res = await call<T>(method, url, body);
    assert.equal(res.status, status, `${method} ${url}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const sh = (ct: Instance, script: string) => execIn(stack, ct.id, ['sh', '-c', script], 30);
  const setFw = (ct: Instance, body: unknown) =>
    ok<Firewall>('PUT', `/api/v1/instances/${ct.id}/firewall`, body);
  /** Whether a ping answers within a few tries (an address is tentative for a moment). */
  const pings6 = async (ct: Instance, ip: string, from?: string, tries = 5) => {
    for (let i = 0; i < tries; i++) {
      const args = from ? `-I ${from} ` : '';
      if ((await sh(ct, `ping -6 -c 1 -W 2 ${args}${ip}`)).exitCode === 0) return true;
    }
    return false;
  };
  const addressOf = (ct: Instance) => ct.nics[0]!.ipv6!.split('/')[0]!;
  /** An instance's firewall table on n6's bridge, as nft lists it; '' while there is none. */
  const fwTable = (i: Instance) => {
    try {
      return host('nft', 'list', 'table', 'bridge', `berth_bt_ipv6_a_fw_${i.id.slice(0, 8)}`);
    } catch {
      return '';
    }
  };

  before(async () => {
    stack = await startStack('ipv6');
    const net = await ok<Network>(
      'POST',
      '/api/v1/networks',
      {
        name: 'n6',
        bridge: 'bt-ipv6-a',
        ipv4: `10.217.${parseInt(o, 16)}.1/24`,
        ipv6: V6,
        dnsDomain: 'six.internal',
      },
      201,
    );
    assert.equal(net.ipv6, V6);
    cts.push(await runningContainer(stack, { name: 'six1', network: 'n6' }));
    cts.push(
      await runningContainer(stack, { name: 'six2', network: 'n6', ipv6: `fd42:${o}:a::99/64` }),
    );
    // The outside world over IPv6: a namespace behind a veth pair with no route back to the
    // network, so only masqueraded traffic gets an answer.
    host('ip', 'netns', 'add', NS);
    host('ip', 'link', 'add', V0, 'type', 'veth', 'peer', 'name', V1);
    host('ip', 'link', 'set', V1, 'netns', NS);
    host('ip', '-6', 'addr', 'add', `${OUT}1/64`, 'dev', V0, 'nodad');
    host('ip', 'link', 'set', V0, 'up');
    host('ip', 'netns', 'exec', NS, 'ip', '-6', 'addr', 'add', `${OUT}2/64`, 'dev', V1, 'nodad');
    host('ip', 'netns', 'exec', NS, 'ip', 'link', 'set', V1, 'up');
  });

  after(async () => {
    try {
      if (stack) {
        for (const ct of cts) {
          await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`).catch(() => {});
        }
        for (const n of ['n6', 'n6k'])
          await call('DELETE', `/api/v1/networks/${n}`).catch(() => {});
        await stack.close();
      }
    } finally {
      quiet('ip', 'netns', 'del', NS);
      quiet('ip', 'link', 'del', V0);
      for (const b of bridges) {
        const table = `berth_${b.replace(/-/g, '_')}`;
        quiet('ip', 'link', 'del', b);
        quiet('nft', 'delete', 'table', 'ip', table);
        quiet('nft', 'delete', 'table', 'ip6', table);
        quiet('nft', 'delete', 'table', 'inet', `${table}_guard`);
      }
      restoreSysctls(before6);
    }
  });

  test('containers have static addresses from the /64, the bridge the gateway', async () => {
    assert.equal(addressOf(cts[0]!), `fd42:${o}:a::2`);
    assert.equal(addressOf(cts[1]!), `fd42:${o}:a::99`);
    const inside = await sh(cts[0]!, 'ip -6 addr show dev eth0; ip -6 route');
    assert.match(inside.stdout, new RegExp(`fd42:${o}:a::2/64`));
    assert.match(inside.stdout, new RegExp(`default via fd42:${o}:a::1`));
    assert.match(host('ip', '-6', 'addr', 'show', 'dev', 'bt-ipv6-a'), new RegExp(V6));
    const net = await ok<Network>('GET', '/api/v1/networks/n6');
    assert.deepEqual(net.instances.map((m) => [m.name, m.ipv6]).sort(), [
      ['six1', `fd42:${o}:a::2/64`],
      ['six2', `fd42:${o}:a::99/64`],
    ]);
    assert.match(host('ps', '-eo', 'args='), /dnsmasq .*--interface=bt-ipv6-a .*--enable-ra/);
    // AAAA beside A: the names carry both addresses (written after the instance events).
    const record = new RegExp(
      `--host-record=six2\\.six\\.internal,six2,[0-9.]+,fd42:${o}:a::99( |$)`,
      'm',
    );
    await until('the AAAA record', async () => record.test(host('ps', '-eo', 'args=')), 10_000);
    assert.equal(readFileSync(`${SYSCTL}/all/forwarding`, 'utf8').trim(), '1');
  });

  test('an address in use or outside the subnet is a 409, on a network without IPv6 too', async () => {
    for (const [body, why] of [
      [{ name: 'six3', network: 'n6', ipv6: `fd42:${o}:a::99/64` }, /in use/],
      [{ name: 'six3', network: 'n6', ipv6: `fd42:${o}:b::5/64` }, /not a host address/],
      [{ name: 'six3', ipv6: `fd42:${o}:a::5/64` }, /no IPv6/],
    ] as const) {
      const res = await call('POST', '/api/v1/instances?sync=true', {
        template: 'busybox',
        ...body,
      });
      assert.equal(res.status, 409, JSON.stringify(res.body));
      assert.match(JSON.stringify(res.body), why);
    }
  });

  test('the containers ping each other and the gateway over IPv6', async () => {
    assert.ok(await pings6(cts[0]!, addressOf(cts[1]!)), 'six1 → six2');
    assert.ok(await pings6(cts[1]!, addressOf(cts[0]!)), 'six2 → six1');
    assert.ok(await pings6(cts[0]!, `fd42:${o}:a::1`), 'six1 → the bridge');
  });

  test('a host-routed container has IPv6 too: a /128 to its veth, the bridge answers for it; it and its neighbours reach each other, from its own address only; kept across a kill', async () => {
    const r6 = await runningContainer(stack, { name: 'r6', network: 'n6', networkMode: 'routed' });
    cts.push(r6);
    const addr = addressOf(r6);
    const veth = `vc${r6.id.slice(0, 8)}`;
    const proxied = () => host('ip', '-6', 'neigh', 'show', 'proxy', 'dev', 'bt-ipv6-a');
    assert.match(host('ip', '-6', 'route', 'show', `${addr}/128`), new RegExp(`dev ${veth}`));
    await until('the bridge to answer for it', async () => proxied().includes(addr), 10_000);
    const inside = await sh(r6, 'ip -6 addr show dev eth0 scope global');
    assert.match(inside.stdout, new RegExp(`${addr}/128`));
    assert.ok(await pings6(r6, `fd42:${o}:a::1`), 'r6 → its gateway');
    assert.ok(await pings6(cts[0]!, addr), 'six1 → r6');
    assert.ok(await pings6(r6, addressOf(cts[0]!)), 'r6 → six1');
    host('busybox', 'ping', '-6', '-c', '1', '-W', '2', addr);
    const spoofed = `fd42:${o}:a::78`;
    const added = await sh(r6, `ip -6 addr add ${spoofed}/128 dev eth0 && sleep 2`);
    assert.equal(added.exitCode, 0, added.stderr);
    assert.equal(await pings6(r6, `fd42:${o}:a::1`, spoofed, 2), false, 'spoofed → dropped');
    assert.ok(await pings6(r6, `fd42:${o}:a::1`, addr), 'own → passes');
    const guard = host('nft', 'list', 'table', 'inet', `berth_bt_ipv6_a_fw_${r6.id.slice(0, 8)}`);
    assert.match(guard, /ip6 saddr != \{[^}]*\} counter packets [1-9]/, guard);

    // A kill -9 between a change of the records and the entries' sync, as the entry removed by
    // hand leaves it: the next start syncs them from the records.
    host('ip', '-6', 'neigh', 'del', 'proxy', addr, 'dev', 'bt-ipv6-a');
    await stack.restartAgent({ kill: true });
    await until('the entry back after the start', async () => proxied().includes(addr), 15_000);

    await ok('DELETE', `/api/v1/instances/${r6.id}?force=true&sync=true`);
    await until(
      'the bridge to stop answering for it',
      async () => !proxied().includes(addr),
      10_000,
    );
  });

  test('IPv6 traffic counts in the class whose IPv6 ranges hold the peer, within 5 %', async () => {
    const classes = [
      { name: 'near6', ranges: [`fd42:${o}:a::/64`] },
      { name: 'near4', ranges: ['10.0.0.0/8'] },
    ];
    await ok('PUT', '/api/v1/network-classes', { classes });
    const traffic = async () => {
      const { live } = await ok<InstanceTraffic>('GET', `/api/v1/instances/${cts[0]!.id}/traffic`);
      return new Map(live!.classes.map((c) => [c.class, c]));
    };
    // 100 echo requests of 1400 data bytes: 1400 + 8 (ICMPv6) + 40 (IPv6) = 1448 IP bytes each.
    const sent = 100 * 1448;
    const zero = await traffic();
    const own = addressOf(cts[0]!);
    const res = await sh(cts[0]!, `ping -6 -A -q -c 100 -s 1400 -I ${own} ${addressOf(cts[1]!)}`);
    assert.equal(res.exitCode, 0, JSON.stringify(res));
    const t = await traffic();
    const grew = (c: string, k: 'outBytes' | 'inBytes') => t.get(c)![k] - zero.get(c)![k];
    for (const k of ['outBytes', 'inBytes'] as const) {
      assertCounted(`near6 ${k}`, grew('near6', k), sent);
      assert.ok(grew('near4', k) < sent / 20, `near4 ${k} grew ${grew('near4', k)}`);
      assert.ok(grew('other', k) < sent / 20, `other ${k} grew ${grew('other', k)}`);
    }
    await ok('PUT', '/api/v1/network-classes', { classes: [] });
  });

  test("a drop rule naming the other's IPv6 address stops its pings over IPv6 only, and counts", async () => {
    const fw = (body: unknown) => setFw(cts[1]!, body);
    const v4Of = (ct: Instance) => ct.nics[0]!.ipv4!.split('/')[0]!;
    // From its static address: the kernel may otherwise pick its SLAAC one, which the rule
    // does not name.
    const own = addressOf(cts[0]!);
    const pings4 = async (ct: Instance, ip: string) =>
      (await sh(ct, `ping -c 1 -W 2 ${ip}`)).exitCode === 0;
    await fw({ rules: [{ direction: 'in', action: 'drop', source: `${own}/128` }] });
    assert.equal(await pings6(cts[0]!, addressOf(cts[1]!), own, 2), false, 'v6 dropped');
    assert.ok(await pings4(cts[0]!, v4Of(cts[1]!)), 'v4 untouched by the v6 rule');
    const { counters } = await ok<Firewall>('GET', `/api/v1/instances/${cts[1]!.id}/firewall`);
    assert.ok(counters[0]!.packets >= 1, JSON.stringify(counters));
    await fw({ rules: [] });
    assert.ok(await pings6(cts[0]!, addressOf(cts[1]!), own), 'v6 passes without the rule');

    // A network's rule naming a set with both families: ICMP from six1's v6 address is dropped
    // (neighbour discovery still passes), its v4 address is not in the set and passes.
    await ok('POST', '/api/v1/firewall/sets', { name: 'six', addresses: ['192.0.2.1', own] }, 201);
    await ok('PUT', '/api/v1/networks/n6/firewall', {
      rules: [{ direction: 'in', action: 'drop', protocol: 'icmp', source: '@six' }],
    });
    assert.equal(await pings6(cts[0]!, addressOf(cts[1]!), own, 2), false, 'v6 dropped by the set');
    assert.ok(await pings4(cts[0]!, v4Of(cts[1]!)), 'v4 not in the set');
    const net = await ok<NetworkFirewall>('GET', '/api/v1/networks/n6/firewall');
    assert.ok(net.counters[0]!.packets >= 1, JSON.stringify(net.counters));
    assert.match(fwTable(cts[1]!), /set six_v6 \{\s+type ipv6_addr/);
    await ok('PUT', '/api/v1/networks/n6/firewall', { rules: [] });
    await ok('DELETE', '/api/v1/firewall/sets/six', undefined, 204);
    assert.ok(await pings6(cts[0]!, addressOf(cts[1]!), own), 'v6 passes again');
  });

  test('a default policy of drop holds for IPv6 too, and counts; an accept rule still lets in', async () => {
    const fw = (body: unknown) => setFw(cts[1]!, body);
    const own = addressOf(cts[0]!);
    const closed = { policy: { in: 'drop', out: 'accept' } };
    await fw({ ...closed, rules: [] });
    assert.equal(await pings6(cts[0]!, addressOf(cts[1]!), own, 2), false, 'v6 dropped');
    assert.match(
      fwTable(cts[1]!),
      /ether type ip6 counter packets [1-9]\d* bytes \d+ drop comment "policy"/,
    );
    await fw({ ...closed, rules: [{ direction: 'in', action: 'accept', source: `${own}/128` }] });
    assert.ok(await pings6(cts[0]!, addressOf(cts[1]!), own), 'the accepted address passes');
    await fw({ rules: [] });
  });

  test('a reject rule answers IPv6 at once where drop is silent, in and out, and counts', async () => {
    const [six1, six2] = [cts[0]!, cts[1]!];
    const to = addressOf(six2);
    // A listener on the port, so a refusal is the rule's reset, not the kernel's for a port
    // nobody listens on. busybox nc listens on both families.
    await sh(six2, '(while true; do echo ok | nc -l -p 8006; done) </dev/null >/dev/null 2>&1 &');
    const connects = async () => (await sh(six1, `echo hi | nc -w 2 ${to} 8006`)).exitCode === 0;
    /** Refused (a reset came back) within a second and the exec's own time, not timed out. */
    const refused = async () => {
      const started = Date.now();
      const { exitCode } = await sh(six1, `nc -w 5 ${to} 8006 </dev/null 2>&1 | grep -q refused`);
      return exitCode === 0 && Date.now() - started < 2500;
    };
    await until('the listener', connects, 10_000);

    await setFw(six2, {
      rules: [{ direction: 'in', action: 'reject', protocol: 'tcp', ports: ['8006'] }],
    });
    assert.ok(await refused(), 'refused at once by six2’s inbound rule');
    const { counters } = await ok<Firewall>('GET', `/api/v1/instances/${six2.id}/firewall`);
    assert.ok(counters[0]!.packets >= 1, JSON.stringify(counters));
    await setFw(six2, {
      rules: [{ direction: 'in', action: 'drop', protocol: 'tcp', ports: ['8006'] }],
    });
    const started = Date.now();
    assert.equal(await connects(), false, 'dropped');
    assert.ok(Date.now() - started >= 1900, 'the client waited out its timeout: nothing came back');
    await setFw(six2, { rules: [] });

    await setFw(six1, {
      rules: [{ direction: 'out', action: 'reject', protocol: 'tcp', ports: ['8006'] }],
    });
    assert.ok(await refused(), 'refused at once by six1’s own outbound rule');
    assert.ok(
      (await ok<Firewall>('GET', `/api/v1/instances/${six1.id}/firewall`)).counters[0]!.packets >=
        1,
    );
    await setFw(six1, { rules: [] });
    assert.ok(await connects(), 'passes again without the rules');
  });

  test('a spoofed IPv6 source is dropped, and counted', async () => {
    const spoofed = `fd42:${o}:a::77`;
    // busybox's ip has no nodad: the address is usable once its duplicate detection is over.
    const added = await sh(cts[0]!, `ip -6 addr add ${spoofed}/128 dev eth0 && sleep 2`);
    assert.equal(added.exitCode, 0, added.stderr);
    assert.equal(await pings6(cts[0]!, `fd42:${o}:a::1`, spoofed, 2), false, 'spoofed → dropped');
    assert.ok(await pings6(cts[0]!, `fd42:${o}:a::1`, addressOf(cts[0]!)), 'own → passes');
    const rules = fwTable(cts[0]!);
    const counted = /ip6 saddr != \{[^}]*\} counter packets (\d+)[^\n]*spoof-ip6/.exec(rules);
    assert.ok(counted && Number(counted[1]) > 0, rules);
    await sh(cts[0]!, `ip -6 addr del ${spoofed}/128 dev eth0`);
  });

  test('with NAT a container reaches the outside world over IPv6', async () => {
    assert.ok(await pings6(cts[0]!, `${OUT}2`), 'six1 → outside through the masquerade');
    assert.match(host('nft', 'list', 'table', 'ip6', 'berth_bt_ipv6_a'), /masquerade/);
  });

  test('a kill in the middle of an update that adds IPv6 is finished by the next start', async () => {
    await ok(
      'POST',
      '/api/v1/networks',
      { name: 'n6k', bridge: 'bt-ipv6-k', ipv4: `10.218.${parseInt(o, 16)}.1/24` },
      201,
    );
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'network.update' } });
    const res = await call('PATCH', '/api/v1/networks/n6k', { ipv6: `fd42:${o}:c::1/64` });
    assert.ok(res.status >= 500, JSON.stringify(res.body));
    assert.equal((await stack.agent.exited).signal, 'SIGKILL');
    assert.doesNotMatch(host('ip', '-6', 'addr', 'show', 'dev', 'bt-ipv6-k'), /fd42/);
    await stack.restartAgent({ env: {} });
    const net = await ok<Network>('GET', '/api/v1/networks/n6k');
    assert.equal(net.ipv6, `fd42:${o}:c::1/64`);
    assert.match(host('ip', '-6', 'addr', 'show', 'dev', 'bt-ipv6-k'), /fd42:[0-9a-f]+:c::1\/64/);
    assert.match(host('nft', 'list', 'table', 'ip6', 'berth_bt_ipv6_k'), /masquerade/);
    assert.match(host('ps', '-eo', 'args='), /dnsmasq .*--interface=bt-ipv6-k .*--enable-ra/);
    // The containers kept their IPv6 through the restarts.
    assert.ok(await pings6(cts[0]!, addressOf(cts[1]!)), 'six1 → six2 after the restarts');
  });

  test("a VM's table allows the SLAAC address of its MAC (modified EUI-64) on the /64", async () => {
    await buildTinyTemplate(stack);
    const vm = await createTinyVm(stack, 'six-vm', { memoryMiB: 256, nics: [{ network: 'n6' }] });
    cts.push(vm);
    const m = vm.nics[0]!.mac!.split(':').map((x) => parseInt(x, 16));
    const hex = (a: number, b: number) => ((a << 8) | b).toString(16);
    const slaac = `fd42:${o}:a:0:${hex(m[0]! ^ 2, m[1]!)}:${hex(m[2]!, 0xff)}:${hex(0xfe, m[3]!)}:${hex(m[4]!, m[5]!)}`;
    // The table follows the create's event: there is a moment after the answer before it is in.
    await until('the VM’s table', async () => fwTable(vm) !== '', 15_000);
    const rules = fwTable(vm);
    const line = rules.split('\n').find((l) => l.includes('spoof-ip6')) ?? '';
    // nft prints the address in its short form: compare the interface identifier's groups.
    assert.ok(line.includes(slaac.split(':').slice(4).join(':')), `${slaac} in ${line}`);
  });

  test("a network's new IPv6 prefix is allowed at once in its instances' tables (SLAAC)", async () => {
    // A container made while the network has no IPv6 has no static one: SLAAC is all it gets.
    await ok('PATCH', '/api/v1/networks/n6k', { ipv6: null });
    const ct = await runningContainer(stack, { name: 'six3', network: 'n6k' });
    cts.push(ct);
    assert.equal(ct.nics[0]?.ipv6 ?? null, null);
    await ok('PATCH', '/api/v1/networks/n6k', { ipv6: `fd42:${o}:d::1/64` });
    const table = `berth_bt_ipv6_k_fw_${ct.id.slice(0, 8)}`;
    assert.match(
      host('nft', 'list', 'table', 'bridge', table),
      new RegExp(`ip6 saddr != \\{[^}]*fd42:${o}:d:[^}]*\\}[^\\n]*spoof-ip6`),
    );
  });
});
