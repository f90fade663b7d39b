import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bridgeMac, bridgeTableScript } from './bridge.js';

test("a bridge's table keeps other networks out and masquerades only with NAT", () => {
  const withNat = bridgeTableScript('bt-x', '10.9.8.1/24', true);
  // Created, deleted and made again in one transaction: never two copies, never none.
  assert.match(withNat, /^table ip berth_bt_x\ndelete table ip berth_bt_x\ntable ip berth_bt_x \{/);
  assert.match(withNat, /oifname "bt-x" iifname != "bt-x" ct state new drop/);
  assert.match(withNat, /ip saddr 10\.9\.8\.0\/24 ip daddr != 10\.9\.8\.0\/24 masquerade/);
  // Before the drop: a host-routed container of this subnet, sending from its own routed address.
  assert.match(
    withNat,
    /oifname "bt-x" iifname "vc\*" ip saddr 10\.9\.8\.0\/24 fib saddr \. iif oif exists accept\n.*ct state new drop/,
  );
  const without = bridgeTableScript('bt-x', '10.9.8.1/24', false);
  assert.match(without, /ct state new drop/);
  assert.doesNotMatch(without, /masquerade/);
});

test("a bridge's MAC is its own, the same each time, locally administered and unicast", () => {
  const mac = bridgeMac('bt-nets-a');
  assert.equal(mac, bridgeMac('bt-nets-a'));
  assert.notEqual(mac, bridgeMac('bt-nets-b'));
  assert.match(mac, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
  assert.equal(parseInt(mac.slice(0, 2), 16) & 0x03, 0x02);
});
