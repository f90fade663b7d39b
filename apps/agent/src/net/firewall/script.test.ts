import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FirewallSettings } from '@berth/contracts';
import { firewallScript, tableName } from './script.js';

const port = { ifname: 'vcabcdef12', mac: '02:11:22:33:44:55', ipv4: '10.9.8.7', dhcp: false };

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
    /oifname "vcabcdef12" ether type ip meta l4proto tcp tcp dport \{ 22, 8000-8080 \} counter accept comment "berth-rule-0"\n.*oifname "vcabcdef12" ether type ip counter drop comment "policy"/,
  );
  assert.doesNotMatch(from, /"policy"/);
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
  );
  assert.doesNotMatch(script, /vcabcdef12/);
});

test("a VM's taps: DHCP passes after the MAC checks, 0.0.0.0 is its own while it asks, rules cover every tap", () => {
  const taps = [
    { ifname: 'vtabcdef120', mac: '02:00:00:00:00:01', ipv4: '10.9.8.50', dhcp: true },
    { ifname: 'vtabcdef121', mac: '02:00:00:00:00:02', ipv4: null, dhcp: true },
  ];
  const script = firewallScript(
    't',
    taps,
    FirewallSettings.parse({
      policy: { in: 'drop', out: 'drop' },
      rules: [{ direction: 'in', action: 'accept', protocol: 'icmp' }],
    }),
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
  assert.doesNotMatch(
    from,
    /iifname "vtabcdef121" ether type ip ip saddr/,
    'no address to hold a DHCP-only tap to',
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
