import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { FirewallSettings } from '@berth/contracts';
import { classCountingScript } from './classes.js';
import { firewallScript, routedScript } from './script.js';

const port = {
  ifname: 'vcabcdef12',
  mac: '02:11:22:33:44:55',
  ipv4: '10.9.8.7',
  ipv6: [] as string[],
  dhcp: false,
  network: 'default',
  bridge: 'berth0',
};
const classes = [
  { name: 'local', ranges: ['10.0.0.0/8', 'fd00::/8', '10.1.0.0/16'] },
  { name: 'my-world', ranges: ['0.0.0.0/0'] },
];

test('each class counts and returns in order, other takes the rest, before the rules', () => {
  const script = classCountingScript('t1', [port], classes);
  const out = script.slice(script.indexOf('chain cls_out'), script.indexOf('chain cls_in'));
  assert.deepEqual(
    out
      .split('\n')
      .slice(1, 6)
      .map((l) => l.trim()),
    [
      'ip daddr @cls_local counter name cls_local_out return',
      'ip6 daddr @cls_local_v6 counter name cls_local_out return',
      'ip daddr @cls_my-world counter name cls_my-world_out return',
      'ip6 daddr @cls_my-world_v6 counter name cls_my-world_out return',
      'counter name cls_other_out',
    ],
  );
  assert.match(script, /chain cls_in \{\n\s+ip saddr @cls_local counter name cls_local_in return/);
  assert.match(script, /hook prerouting priority filter - 10;.*\n\s+iifname \{ "vcabcdef12" \}/);
  assert.match(script, /hook postrouting priority filter - 10;.*\n\s+oifname \{ "vcabcdef12" \}/);
  assert.equal(classCountingScript('t1', [], classes), '');
});

test("a class's IPv6 ranges are a set of their own; link-local and multicast peers are not counted", () => {
  const script = classCountingScript('t1', [port], classes);
  assert.match(
    script,
    /set cls_local \{ type ipv4_addr; flags interval; auto-merge; elements = \{ 10\.0\.0\.0\/8, 10\.1\.0\.0\/16 \} \}/,
  );
  assert.match(
    script,
    /set cls_local_v6 \{ type ipv6_addr; flags interval; auto-merge; elements = \{ fd00::\/8 \} \}/,
  );
  // A class of one family has an empty set of the other, which matches nothing.
  assert.match(script, /set cls_my-world_v6 \{ type ipv6_addr; flags interval; auto-merge; \}/);
  assert.match(script, /ether type ip6 ip6 daddr != \{ fe80::\/10, ff00::\/8 \} jump cls_out/);
  assert.match(script, /ether type ip6 ip6 saddr != \{ fe80::\/10, ff00::\/8 \} jump cls_in/);
});

test('the rules and the counting in one script pass nft -c (when nft is there)', () => {
  const script =
    firewallScript('berth_unit_cls', [port], FirewallSettings.parse({}), {
      networks: new Map(),
      sets: new Map(),
    }) + classCountingScript('berth_unit_cls', [port], classes);
  const checked = spawnSync('nft', ['-c', '-f', '-'], { input: script, encoding: 'utf8' });
  if (checked.error) return;
  assert.equal(checked.status, 0, checked.stderr + script);
});

test("a host-routed container's counters are in its inet table, counted where its rules are, and pass nft -c", () => {
  const routed = { ifname: 'vcabcdef12', ipv4: '10.9.8.7', ipv6: null, network: 'default' };
  const counting = classCountingScript('berth_unit_rcls', [routed], classes, 'inet');
  assert.match(counting, /^table inet berth_unit_rcls \{/);
  assert.match(counting, /iifname \{ "vcabcdef12" \} meta nfproto ipv4 jump cls_out/);
  for (const hook of ['forward', 'output']) {
    assert.match(
      counting,
      new RegExp(
        `hook ${hook} priority filter - 10; policy accept;\\n {4}oifname \\{ "vcabcdef12" \\} meta nfproto ipv4 jump cls_in`,
      ),
    );
  }
  assert.doesNotMatch(counting, /ether type/);
  const script =
    routedScript('berth_unit_rcls', routed, FirewallSettings.parse({}), {
      networks: new Map(),
      sets: new Map(),
    }) + counting;
  const checked = spawnSync('nft', ['-c', '-f', '-'], { input: script, encoding: 'utf8' });
  if (checked.error) return;
  assert.equal(checked.status, 0, checked.stderr + script);
});
