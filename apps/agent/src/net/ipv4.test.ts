import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dhcpRange, inSubnet, intToIp, ipToInt, nextFreeAddress, parseCidr } from './ipv4.js';

test('round-trips addresses', () => {
  assert.equal(intToIp(ipToInt('10.210.0.17')), '10.210.0.17');
  assert.equal(intToIp(ipToInt('255.255.255.255')), '255.255.255.255');
});

test('parses a host address with its prefix into the subnet', () => {
  const { ip, subnet } = parseCidr('10.210.0.1/24');
  assert.equal(ip, '10.210.0.1');
  assert.equal(intToIp(subnet.network), '10.210.0.0');
  assert.equal(intToIp(subnet.broadcast), '10.210.0.255');
  assert.equal(inSubnet('10.210.0.200', subnet), true);
  assert.equal(inSubnet('10.210.0.255', subnet), false);
  assert.equal(inSubnet('10.211.0.5', subnet), false);
});

test('hands out the lowest free address and reports exhaustion', () => {
  const { subnet } = parseCidr('192.0.2.1/29');
  assert.equal(nextFreeAddress(subnet, new Set(), 2), '192.0.2.2');
  assert.equal(nextFreeAddress(subnet, new Set(['192.0.2.2']), 2), '192.0.2.3');
  // .6 is the DHCP quarter of a /29
  const all = new Set(['192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5']);
  assert.equal(nextFreeAddress(subnet, all, 2), null);
});

test('DHCP takes the top quarter of the subnet', () => {
  const { subnet } = parseCidr('10.210.0.1/24');
  const range = dhcpRange(subnet);
  assert.equal(intToIp(range.first), '10.210.0.192');
  assert.equal(intToIp(range.last), '10.210.0.254');
});
