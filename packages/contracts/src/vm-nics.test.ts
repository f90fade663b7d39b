import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AddVmNicRequest,
  InstanceNicRef,
  SetCtAdapterRequest,
  SetNicLinkRequest,
} from './index.js';

test('a NIC added names a network; a MAC is unicast, locally administered and in lower case; a model is virtio or e1000', () => {
  assert.ok(AddVmNicRequest.safeParse({ network: 'default' }).success);
  assert.ok(
    AddVmNicRequest.safeParse({ network: 'n1', ipv4: '10.0.3.50/24', mac: '52:54:00:aa:bb:cc' })
      .success,
  );
  for (const mac of ['01:00:5e:00:00:01', '00:16:3e:00:00:01', '52:54:00:AA:BB:CC', '52:54:00']) {
    assert.ok(!AddVmNicRequest.safeParse({ network: 'default', mac }).success, mac);
  }
  assert.ok(AddVmNicRequest.safeParse({ network: 'default', model: 'e1000' }).success);
  assert.ok(!AddVmNicRequest.safeParse({ network: 'default', model: 'rtl8139' }).success);
  assert.ok(!AddVmNicRequest.safeParse({}).success);
});

test('a NIC is 0 to 7; its link is up or down and nothing else', () => {
  const id = '11111111-1111-4111-8111-111111111111';
  assert.equal(InstanceNicRef.parse({ id, nic: '7' }).nic, 7);
  for (const nic of ['8', '-1', '1.5', 'x']) {
    assert.ok(!InstanceNicRef.safeParse({ id, nic }).success, nic);
  }
  assert.ok(SetNicLinkRequest.safeParse({ link: 'down' }).success);
  assert.ok(!SetNicLinkRequest.safeParse({ link: 'off' }).success);
  assert.ok(!SetNicLinkRequest.safeParse({ link: 'up', speed: 10 }).success);
});

test('a container adapter’s settings: a good MAC, network, address, gateway, DNS and search domain; bad ones, unknown fields and an empty body refused', () => {
  const ok = (body: unknown) => SetCtAdapterRequest.safeParse(body).success;
  assert.ok(ok({ mac: '02:aa:bb:cc:dd:ee' }));
  assert.ok(ok({ network: 'lab', ipv4: '10.0.5.9/24' }));
  assert.ok(ok({ gateway: '10.0.3.1', dns: ['10.0.3.1', '1.1.1.1'], dnsSearch: 'lab.internal' }));
  assert.ok(ok({ dnsSearch: null }));
  for (const mac of ['01:00:5e:00:00:01', '00:16:3e:00:00:01', '02:AA:BB:CC:DD:EE', 'x']) {
    assert.ok(!ok({ mac }), mac);
  }
  for (const dnsSearch of ['Lab.internal', 'a..b', '-a.b', 'a b', 'lab.internal.', '']) {
    assert.ok(!ok({ dnsSearch }), dnsSearch);
  }
  assert.ok(!ok({ dns: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '9.9.9.9'] }));
  assert.ok(!ok({ gateway: '10.0.3.256' }));
  assert.ok(!ok({ mac: '02:aa:bb:cc:dd:ee', model: 'virtio' }));
  assert.ok(!ok({}));
});
