import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GuestInfo, type GuestIdentity } from './guest-info.js';

test("a guest's answer that lands after the VM stopped is not kept as its addresses", async () => {
  const guests = new GuestInfo();
  let answer!: (said: GuestIdentity) => void;
  guests.refresh('vm1', () => new Promise((resolve) => (answer = resolve)));
  guests.forget('vm1'); // the VM stopped while its guest agent was being asked
  answer({ ips: ['10.210.0.200'], hostname: 'tiny-linux' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(guests.ips('vm1'), []);
  assert.equal(guests.hostname('vm1'), null);
});

test("a running guest's addresses and host name are what its agent said", async () => {
  const guests = new GuestInfo();
  guests.refresh('vm1', async () => ({ ips: ['10.210.0.200'], hostname: 'tiny-linux' }));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(guests.ips('vm1'), ['10.210.0.200']);
  assert.equal(guests.hostname('vm1'), 'tiny-linux');
  assert.equal(guests.answered('vm1'), true);
});
