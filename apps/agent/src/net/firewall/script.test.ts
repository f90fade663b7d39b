import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { FirewallSettings, NetworkFirewallSettings } from '@berth/contracts';
import { bridgeMac } from '../bridge.js';
import { firewallScript, REJECT_MARK, routedScript, tableName } from './script.js';

const port = {
  ifname: 'vcabcdef12',
  mac: '02:11:22:33:44:55',
  ipv4: '10.9.8.7',
  ipv6: [] as string[],
  dhcp: false,
  network: 'default',
  bridge: 'berth0',
};
const none = { networks: new Map(), sets: new Map() };

test('the table is replaced whole, spoofing rules first, rules in order, then the policy', () => {
  const table = tableName('bt-x', 'abcdef12-0000');
  assert.equal(table, 'berth_bt_x_fw_abcdef12');
  const script = firewallScript(
    table,
    [port],
    FirewallSettings.parse({
      policy: { in: 'drop', out: 'accept' },
      rules: [
        { direction: 'in', action: 'accept', protocol: 'tcp', ports: ['22', '8000-8080'] },
        { direction: 'out', action: 'drop', protocol: 'any', destination: '10.0.0.0/8' },
      ],
    }),
    none,
  );
  assert.match(script, /^table bridge (\S+)\ndelete table bridge \1\ntable bridge \1 \{/);
  const from = script.slice(
    script.indexOf('chain from_instance'),
    script.indexOf('chain to_instance'),
  );
  const to = script.slice(script.indexOf('chain to_instance'));
  assert.match(from, /iifname "vcabcdef12" ether saddr != 02:11:22:33:44:55 counter drop/);
  assert.match(from, /arp saddr ip != 10\.9\.8\.7 counter drop/);
  assert.match(from, /ip saddr != 10\.9\.8\.7 counter drop/);
  assert.match(from, /ip daddr 10\.0\.0\.0\/8 counter drop comment "berth-rule-1"/);
  assert.match(
    to,
    /oifname "vcabcdef12" ether type ip meta l4proto tcp tcp dport \{ 22, 8000-8080 \} counter accept comment "berth-rule-0"\n.*oifname "vcabcdef12" ether type ip6 meta l4proto tcp tcp dport \{ 22, 8000-8080 \} counter accept comment "berth-rule-0"\n.*oifname "vcabcdef12" ether type ip counter drop comment "policy"/,
  );
  assert.doesNotMatch(from, /"policy"/);
});

test('a policy of drop holds for IPv6 too, after neighbour discovery and DHCPv6 pass', () => {
  const script = firewallScript(
    't',
    [port],
    FirewallSettings.parse({ policy: { in: 'drop', out: 'drop' }, rules: [] }),
    none,
  );
  const from = script.slice(
    script.indexOf('chain from_instance'),
    script.indexOf('chain to_instance'),
  );
  const to = script.slice(script.indexOf('chain to_instance'));
  for (const [chain, dhcp6] of [
    [from, 'udp sport 546 udp dport 547'],
    [to, 'udp sport 547 udp dport 546'],
  ] as const) {
    const nd = chain.indexOf('icmpv6 type { nd-router-solicit');
    const d6 = chain.indexOf(`ether type ip6 ${dhcp6} accept`);
    const drop6 = chain.indexOf('ether type ip6 counter drop comment "policy"');
    assert.ok(nd > 0 && d6 > 0 && drop6 > Math.max(nd, d6), chain);
    assert.match(chain, /ether type ip counter drop comment "policy"/);
  }
});

test('with spoofing protection off and rules off, the chains are empty', () => {
  const script = firewallScript(
    't',
    [port],
    FirewallSettings.parse({
      enabled: false,
      antiSpoofing: false,
      policy: { in: 'drop', out: 'drop' },
      rules: [{ direction: 'in', action: 'drop' }],
    }),
    none,
  );
  assert.doesNotMatch(script, /vcabcdef12/);
});

test("a VM's taps: DHCP passes after the MAC checks, 0.0.0.0 is its own while it asks, its lease after, rules cover every tap", () => {
  const taps = [
    {
      ifname: 'vtabcdef120',
      mac: '02:00:00:00:00:01',
      ipv4: '10.9.8.50',
      ipv6: [],
      dhcp: true,
      network: 'default',
      bridge: 'berth0',
    },
    {
      ifname: 'vtabcdef121',
      mac: '02:00:00:00:00:02',
      ipv4: null,
      ipv6: [],
      dhcp: true,
      network: 'default',
      bridge: 'berth0',
    },
  ];
  const script = firewallScript(
    't',
    taps,
    FirewallSettings.parse({
      policy: { in: 'drop', out: 'drop' },
      rules: [{ direction: 'in', action: 'accept', protocol: 'icmp' }],
    }),
    none,
  );
  const from = script.slice(
    script.indexOf('chain from_instance'),
    script.indexOf('chain to_instance'),
  );
  const to = script.slice(script.indexOf('chain to_instance'));
  assert.ok(from.indexOf('"spoof-mac"') < from.indexOf('"dhcp"'), 'MAC checked before DHCP passes');
  assert.ok(
    from.indexOf('"dhcp"') < from.indexOf('"spoof-ip"'),
    'DHCP passes before the address check',
  );
  assert.match(
    from,
    /iifname "vtabcdef120" ether type ip ip saddr != \{ 10\.9\.8\.50, 0\.0\.0\.0 \} counter drop/,
  );
  assert.match(
    from,
    /iifname "vtabcdef121" ether type ip ip saddr != 0\.0\.0\.0 counter drop/,
    'a tap given no address yet may only ask for one',
  );
  assert.match(
    from,
    /iifname "vtabcdef121" ether type arp arp saddr ip != 0\.0\.0\.0 counter drop/,
  );
  assert.match(from, /iifname "vtabcdef121" ether saddr != 02:00:00:00:00:02 counter drop/);
  assert.match(
    to,
    /oifname "vtabcdef121" ether type ip meta l4proto udp udp sport 67 udp dport 68 accept/,
  );
  assert.match(
    to,
    /oifname \{ "vtabcdef120", "vtabcdef121" \} ether type ip meta l4proto icmp counter accept/,
  );
  assert.ok(
    to.indexOf('"dhcp"') < to.indexOf('"policy"'),
    'the answers pass before the policy drops',
  );
});

test("a network's rules come after the spoofing checks and before the instance's own, on its ports only", () => {
  const taps = [
    { ...port, ifname: 'vtabcdef120', network: 'lan', bridge: 'bt-lan' },
    { ...port, ifname: 'vtabcdef121', network: 'dmz', bridge: 'bt-dmz' },
  ];
  const script = firewallScript(
    't',
    taps,
    FirewallSettings.parse({
      rules: [{ direction: 'in', action: 'accept', protocol: 'icmp' }],
    }),
    {
      networks: new Map([
        [
          'lan',
          NetworkFirewallSettings.parse({
            rules: [{ direction: 'in', action: 'drop', protocol: 'icmp', source: '@office' }],
          }),
        ],
        [
          'dmz',
          NetworkFirewallSettings.parse({
            enabled: false,
            rules: [{ direction: 'in', action: 'drop' }],
          }),
        ],
      ]),
      sets: new Map([['office', ['10.1.0.0/16', '10.2.0.7']]]),
    },
  );
  const to = script.slice(script.indexOf('chain to_instance'));
  assert.match(
    to,
    /oifname "vtabcdef120" ether type ip ip saddr @office meta l4proto icmp counter drop comment "berth-net-lan-0"\n.*oifname "vtabcdef120" ether type ip6 ip6 saddr @office_v6 icmpv6 type != \{ [a-z-, ]+ \} counter drop comment "berth-net-lan-0"\n.*oifname \{ "vtabcdef120", "vtabcdef121" \} ether type ip meta l4proto icmp counter accept comment "berth-rule-0"/,
  );
  assert.doesNotMatch(script, /berth-net-dmz/, 'a network whose rules are off adds none');
  const from = script.slice(
    script.indexOf('chain from_instance'),
    script.indexOf('chain to_instance'),
  );
  assert.ok(from.indexOf('"spoof-ip"') >= 0);
  assert.match(
    script,
    /table bridge t \{\n {2}set office \{ type ipv4_addr; flags interval; auto-merge; elements = \{ 10\.1\.0\.0\/16, 10\.2\.0\.7 \} \}\n {2}set office_v6 \{ type ipv6_addr; flags interval; auto-merge; \}\n {2}chain from_instance/,
  );
});

test('a table holds only the sets its rules name; an empty set has no elements', () => {
  const script = firewallScript(
    't',
    [port],
    FirewallSettings.parse({
      rules: [{ direction: 'out', action: 'drop', destination: '@empty' }],
    }),
    {
      networks: new Map(),
      sets: new Map([
        ['empty', []],
        ['other', ['10.0.0.1']],
      ]),
    },
  );
  assert.match(script, /set empty \{ type ipv4_addr; flags interval; auto-merge; \}/);
  assert.match(script, /ip daddr @empty counter drop/);
  assert.doesNotMatch(script, /set other/);
});

test('a v6 CIDR matches IPv6 only, a v4 one IPv4 only; a set is a typed set per family', () => {
  const script = firewallScript(
    't',
    [{ ...port, ipv6: ['fd00::7'] }],
    FirewallSettings.parse({
      rules: [
        { direction: 'in', action: 'drop', source: 'fd00::5' },
        { direction: 'in', action: 'drop', protocol: 'udp', ports: ['53'], source: '10.0.0.5' },
        { direction: 'out', action: 'drop', protocol: 'icmp', destination: '@lab' },
        { direction: 'out', action: 'accept', protocol: 'tcp', destination: 'fd00:1::/64' },
      ],
    }),
    { networks: new Map(), sets: new Map([['lab', ['10.0.0.0/8', 'fd00:9::/48', '10.1.2.3']]]) },
  );
  const lines = (tag: string) => script.split('\n').filter((l) => l.includes(`"${tag}"`));
  assert.deepEqual(lines('berth-rule-0'), [
    '    oifname "vcabcdef12" ether type ip6 ip6 saddr fd00::5 counter drop comment "berth-rule-0"',
  ]);
  assert.deepEqual(lines('berth-rule-1'), [
    '    oifname "vcabcdef12" ether type ip ip saddr 10.0.0.5 meta l4proto udp udp dport { 53 } counter drop comment "berth-rule-1"',
  ]);
  // ICMPv6 without neighbour discovery: a drop of pings must not cut the neighbour off.
  assert.deepEqual(lines('berth-rule-2'), [
    '    iifname "vcabcdef12" ether type ip ip daddr @lab meta l4proto icmp counter drop comment "berth-rule-2"',
    '    iifname "vcabcdef12" ether type ip6 ip6 daddr @lab_v6 icmpv6 type != { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect } counter drop comment "berth-rule-2"',
  ]);
  assert.deepEqual(lines('berth-rule-3'), [
    '    iifname "vcabcdef12" ether type ip6 ip6 daddr fd00:1::/64 meta l4proto tcp counter accept comment "berth-rule-3"',
  ]);
  assert.match(
    script,
    /set lab \{ type ipv4_addr; flags interval; auto-merge; elements = \{ 10\.0\.0\.0\/8, 10\.1\.2\.3 \} \}\n {2}set lab_v6 \{ type ipv6_addr; flags interval; auto-merge; elements = \{ fd00:9::\/48 \} \}/,
  );
});

test('a script with sets, network rules and rejects passes nft -c (when nft is there), also joined with others as the nft queue loads them', () => {
  const scriptOf = (table: string) =>
    firewallScript(
      table,
      [port],
      FirewallSettings.parse({
        rules: [
          { direction: 'in', action: 'drop', protocol: 'tcp', ports: ['22'], source: '@a-b' },
          { direction: 'in', action: 'drop', protocol: 'icmp', source: 'fd00::/64' },
          { direction: 'in', action: 'reject', protocol: 'tcp', ports: ['25'], source: '@a-b' },
          { direction: 'out', action: 'reject', protocol: 'udp', ports: ['53'] },
        ],
      }),
      {
        networks: new Map([
          [
            'default',
            NetworkFirewallSettings.parse({
              rules: [{ direction: 'out', action: 'accept', destination: '@a-b' }],
            }),
          ],
        ]),
        sets: new Map([['a-b', ['10.0.0.0/8', '10.1.2.3', 'fd00:1::/48', 'fd00:1::7']]]),
      },
    );
  const one = scriptOf('berth_unit_check');
  // A burst (two instances, one of them twice) is one transaction in the queue (nft.ts).
  const joined = [one, scriptOf('berth_unit_check2'), one].join('\n');
  for (const script of [one, joined]) {
    const checked = spawnSync('nft', ['-c', '-f', '-'], { input: script, encoding: 'utf8' });
    if (checked.error) return;
    assert.equal(checked.status, 0, checked.stderr + script);
  }
});

test('an outbound reject marks the frame and hands it up to the host, whose inet table answers it', () => {
  const script = firewallScript(
    't',
    [port],
    FirewallSettings.parse({
      rules: [{ direction: 'out', action: 'reject', protocol: 'tcp', ports: ['80'] }],
    }),
    none,
  );
  assert.match(
    script,
    new RegExp(
      `iifname "vcabcdef12" ether type ip meta l4proto tcp tcp dport \\{ 80 \\} counter meta mark set ${REJECT_MARK} ether daddr set ${bridgeMac('berth0')} meta pkttype set host accept comment "berth-rule-0"`,
    ),
  );
  const inet = script.slice(script.indexOf('table inet t {'));
  assert.match(
    inet,
    /type filter hook prerouting priority raw; policy accept;\n {4}meta mark 0x62657274 goto rejecting/,
  );
  assert.match(
    inet,
    /chain rejecting \{\n {4}meta l4proto tcp reject with tcp reset\n {4}reject\n/,
  );
  assert.doesNotMatch(inet, /to_instance_local/, 'nothing inbound rejects');
  assert.doesNotMatch(script, /to_instance_early/);
});

test("an inbound reject: in order before the frame's way is known, dropped at the port as a last resort, counted once", () => {
  const script = firewallScript(
    't',
    [{ ...port, ipv6: ['fd00::7'] }],
    FirewallSettings.parse({
      policy: { in: 'drop', out: 'accept' },
      rules: [
        { direction: 'in', action: 'accept', protocol: 'tcp', ports: ['22'] },
        { direction: 'in', action: 'reject', protocol: 'any' },
      ],
    }),
    none,
  );
  const chain = (name: string) => {
    const from = script.indexOf(`chain ${name} {`);
    return script.slice(from, script.indexOf('  }', from));
  };
  const lines = (text: string) =>
    text
      .split('\n')
      .slice(2)
      .map((l) => l.trim())
      .filter(Boolean);
  // Only IP can be answered: a reject of any protocol is two lines, and ARP goes on.
  assert.deepEqual(lines(chain('to_instance')).slice(2, 4), [
    'oifname "vcabcdef12" ether type ip counter drop comment "berth-rule-1"',
    'oifname "vcabcdef12" ether type ip6 counter drop comment "berth-rule-1"',
  ]);
  const hand = `meta mark set ${REJECT_MARK} ether daddr set ${bridgeMac('berth0')} meta pkttype set host accept`;
  assert.deepEqual(lines(chain('to_instance_early')), [
    'ether daddr 02:11:22:33:44:55 ether type ip meta l4proto tcp tcp dport { 22 } accept',
    'ether daddr 02:11:22:33:44:55 ether type ip6 meta l4proto tcp tcp dport { 22 } accept',
    `ether daddr 02:11:22:33:44:55 ether type ip counter ${hand} comment "berth-rule-1"`,
    `ether daddr 02:11:22:33:44:55 ether type ip6 counter ${hand} comment "berth-rule-1"`,
  ]);
  const local = [
    'oifname "berth0" ip daddr 10.9.8.7 meta l4proto tcp tcp dport { 22 } accept',
    'oifname "berth0" ip6 daddr fd00::7 meta l4proto tcp tcp dport { 22 } accept',
    'oifname "berth0" ip daddr 10.9.8.7 counter goto rejecting comment "berth-rule-1"',
    'oifname "berth0" ip6 daddr fd00::7 counter goto rejecting comment "berth-rule-1"',
  ];
  assert.deepEqual(lines(chain('to_instance_local')), local);
  assert.deepEqual(lines(chain('to_instance_routed')), local);
  assert.match(chain('to_instance_routed'), /type filter hook forward priority filter/);
});

test('rules that do not reject leave no inet table: the old one is deleted in the same load', () => {
  const script = firewallScript('t', [port], FirewallSettings.parse({}), none);
  assert.match(script, /\ntable inet t\ndelete table inet t\n$/);
  assert.doesNotMatch(script, /table inet t \{/);
});

test("a host-routed container's table: its guard, then network and own rules on its veth, rejects answered by the kernel; nft -c passes", () => {
  const routed = { ifname: 'vcabcdef12', ipv4: '10.9.8.7', ipv6: null, network: 'default' };
  const script = routedScript(
    'berth_unit_routed',
    routed,
    FirewallSettings.parse({
      policy: { in: 'drop', out: 'accept' },
      rules: [
        { direction: 'in', action: 'reject', protocol: 'tcp', ports: ['25'], source: '@a-b' },
        { direction: 'out', action: 'drop', protocol: 'udp', destination: '10.0.0.0/8' },
      ],
    }),
    {
      networks: new Map([
        [
          'default',
          NetworkFirewallSettings.parse({
            rules: [{ direction: 'in', action: 'accept', protocol: 'icmp' }],
          }),
        ],
      ]),
      sets: new Map([['a-b', ['10.1.2.3', 'fd00:1::/48']]]),
    },
  );
  const chain = (name: string) => {
    const from = script.indexOf(`chain ${name} {`);
    return script.slice(from, script.indexOf('  }', from));
  };
  assert.match(chain('spoofing'), /iifname "vcabcdef12" ip saddr != 10\.9\.8\.7 counter drop/);
  assert.match(chain('spoofing'), /iifname "vcabcdef12" meta nfproto ipv6 counter drop/);
  assert.match(
    chain('routed_from'),
    /iifname "vcabcdef12" meta nfproto ipv4 ip daddr 10\.0\.0\.0\/8 meta l4proto udp counter drop comment "berth-rule-1"/,
  );
  for (const name of ['routed_to_forwarded', 'routed_to_local']) {
    const to = chain(name);
    const network = to.indexOf('"berth-net-default-0"');
    const reject = to.indexOf(
      'oifname "vcabcdef12" meta nfproto ipv4 ip saddr @a-b meta l4proto tcp tcp dport { 25 } counter goto routed_rejecting comment "berth-rule-0"',
    );
    const policy = to.indexOf('oifname "vcabcdef12" counter drop comment "policy"');
    assert.ok(network > 0 && reject > network && policy > reject, to);
  }
  assert.match(
    script,
    /chain routed_rejecting \{\n {4}meta l4proto tcp reject with tcp reset\n {4}reject\n/,
  );
  assert.match(script, /set a-b_v6 \{ type ipv6_addr;/);
  const checked = spawnSync('nft', ['-c', '-f', '-'], { input: script, encoding: 'utf8' });
  if (checked.error) return;
  assert.equal(checked.status, 0, checked.stderr + script);
});

test('a host-routed eth0 beside bridged adapters: one inet table holds both parts, and nft -c passes', () => {
  const routed = { ifname: 'vcabcdef12', ipv4: '10.9.8.7', ipv6: null, network: 'default' };
  const bridged = { ...port, ifname: 'vcabcdef121', mac: '02:11:22:33:44:66', network: 'lan' };
  const fw = FirewallSettings.parse({
    rules: [
      { direction: 'in', action: 'reject', protocol: 'tcp', ports: ['25'], source: '@a-b' },
      { direction: 'out', action: 'reject', protocol: 'udp', ports: ['53'] },
    ],
  });
  const shared = { networks: new Map(), sets: new Map([['a-b', ['10.1.2.3', 'fd00:1::/48']]]) };
  const script =
    routedScript('berth_unit_mixed', routed, fw, shared) +
    firewallScript('berth_unit_mixed', [bridged], fw, shared, true);
  // The routed part made the inet table afresh; the bridged part joins it, not deletes it.
  assert.equal(script.match(/delete table inet berth_unit_mixed/g)?.length, 1);
  assert.match(script, /goto routed_rejecting comment "berth-rule-0"/);
  assert.match(script, /ether daddr 02:11:22:33:44:66 .*counter meta mark set 0x62657274/);
  const checked = spawnSync('nft', ['-c', '-f', '-'], { input: script, encoding: 'utf8' });
  if (checked.error) return;
  assert.equal(checked.status, 0, checked.stderr + script);
});
