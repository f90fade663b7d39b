import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bridgeTableScript } from './bridge.js';

test("a bridge's table keeps other networks out and masquerades only with NAT", () => {
  const withNat = bridgeTableScript('bt-x', '10.9.8.1/24', true);
  // Created, deleted and made again in one transaction: never two copies, never none.
  assert.match(withNat, /^table ip berth_bt_x\ndelete table ip berth_bt_x\ntable ip berth_bt_x \{/);
  assert.match(withNat, /oifname "bt-x" iifname != "bt-x" ct state new drop/);
  assert.match(withNat, /ip saddr 10\.9\.8\.0\/24 ip daddr != 10\.9\.8\.0\/24 masquerade/);
  const without = bridgeTableScript('bt-x', '10.9.8.1/24', false);
  assert.match(without, /ct state new drop/);
  assert.doesNotMatch(without, /masquerade/);
});
