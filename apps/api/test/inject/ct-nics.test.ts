import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_CT_ADAPTERS, type InstanceNics, type TaskAccepted } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe("a container's adapters through /nics: what the agent refuses comes back as it says", () => {
  let t: TestApi;
  let admin: Record<string, string>;
  let stopped: string;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
    stopped = t.agent.add({ kind: 'ct', state: 'stopped' }).id;
  });
  after(() => t.close());

  const add = (id: string, payload: object) =>
    t.inject({ method: 'POST', url: `/api/v1/instances/${id}/nics`, payload, headers: admin });

  test('an unknown network is a 400 naming the field, unknown fields too', async () => {
    const unknown = await add(stopped, { network: 'nowhere' });
    assert.equal(unknown.statusCode, 400, unknown.body);
    assert.match(unknown.body, /network/);
    const extra = await add(stopped, { network: 'default', mode: 'routed' });
    assert.equal(extra.statusCode, 400, extra.body);
  });

  test(`up to ${MAX_CT_ADAPTERS} adapters, the next a 409; eth0 cannot be removed (409)`, async () => {
    for (let i = 1; i < MAX_CT_ADAPTERS; i++) {
      const res = await add(stopped, { network: 'default' });
      assert.equal(res.statusCode, 202, res.body);
    }
    const list = await t.inject({ url: `/api/v1/instances/${stopped}/nics`, headers: admin });
    assert.equal(list.json<InstanceNics>().max, MAX_CT_ADAPTERS);
    assert.equal(list.json<InstanceNics>().nics.length, MAX_CT_ADAPTERS);
    assert.equal((await add(stopped, { network: 'default' })).statusCode, 409);
    const eth0 = await t.inject({
      method: 'DELETE',
      url: `/api/v1/instances/${stopped}/nics/0`,
      headers: admin,
    });
    assert.equal(eth0.statusCode, 409, eth0.body);
    const eth1 = await t.inject({
      method: 'DELETE',
      url: `/api/v1/instances/${stopped}/nics/1`,
      headers: admin,
    });
    assert.equal(eth1.statusCode, 202, eth1.body);
  });
});

describe("an adapter's settings through PATCH …/nics/N/settings", () => {
  let t: TestApi;
  let admin: Record<string, string>;
  let ct: string;
  let other: string;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
    ct = t.agent.add({ kind: 'ct', state: 'stopped' }).id;
    other = t.agent.add({
      kind: 'ct',
      name: 'other',
      state: 'running',
      nics: [{ network: 'default', mac: '02:00:00:00:00:07', ipv4: '10.0.3.11/24' }],
    }).id;
  });
  after(() => t.close());

  const patch = (id: string, nic: number, payload: object) =>
    t.inject({
      method: 'PATCH',
      url: `/api/v1/instances/${id}/nics/${nic}/settings`,
      payload,
      headers: admin,
    });

  test('a MAC, gateway, DNS and search domain on eth0 start a task', async () => {
    const res = await patch(ct, 0, {
      mac: '02:aa:bb:cc:dd:ee',
      gateway: '10.0.3.1',
      dns: ['10.0.3.1'],
      dnsSearch: 'lab.internal',
    });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json<TaskAccepted>().task.kind, 'nic.configure');
    assert.ok(t.agent.calls.some((c) => c.startsWith(`setNicSettings ${ct} 0`)));
  });

  test('bad input is a 400 naming the field and never reaches the agent', async () => {
    const before = t.agent.calls.length;
    for (const [payload, field] of [
      [{ mac: '01:00:5e:00:00:01' }, /mac/],
      [{ mac: '02:aa:bb:cc:dd:ee', model: 'virtio' }, /model/],
      [{ dnsSearch: 'Bad Domain' }, /dnsSearch/],
      [{}, /nothing to change/],
    ] as const) {
      const res = await patch(ct, 0, payload);
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.body, field);
    }
    assert.equal(t.agent.calls.length, before);
  });

  test('what the agent refuses comes back as it says: the resolver on eth1, a MAC in use; a routed eth0 moves while running', async () => {
    const add = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ct}/nics`,
      payload: { network: 'default' },
      headers: admin,
    });
    assert.equal(add.statusCode, 202, add.body);
    const gateway = await patch(ct, 1, { gateway: '10.0.3.1' });
    assert.equal(gateway.statusCode, 400, gateway.body);
    assert.match(gateway.body, /gateway/);
    const taken = await patch(ct, 1, { mac: '02:00:00:00:00:07' });
    assert.equal(taken.statusCode, 409, taken.body);
    assert.match(taken.body, /other/);
    const routed = t.agent.add({
      kind: 'ct',
      name: 'routed',
      state: 'running',
      nics: [
        { network: 'default', mac: '02:00:00:00:00:08', ipv4: '10.0.3.12/32', mode: 'routed' },
      ],
    }).id;
    const moving = await patch(routed, 0, { network: 'default', ipv4: '10.0.3.99/24' });
    assert.equal(moving.statusCode, 202, moving.body);
    const live = await patch(other, 0, { network: 'default', ipv4: '10.0.3.98/24' });
    assert.equal(live.statusCode, 202, live.body);
    assert.equal((await patch(ct, 3, { mac: '02:aa:bb:cc:dd:01' })).statusCode, 404);
  });

  test('a running VM’s NIC moves network and takes a MAC as tasks; its resolver is its guest’s', async () => {
    const vm = t.agent.add({
      kind: 'vm',
      name: 'vm-nic',
      state: 'running',
      nics: [{ network: 'default', mac: '02:00:00:00:00:09', ipv4: null }],
    }).id;
    const move = await patch(vm, 0, { network: 'default' });
    assert.equal(move.statusCode, 202, move.body);
    const mac = await patch(vm, 0, { mac: '02:aa:bb:cc:dd:02' });
    assert.equal(mac.statusCode, 202, mac.body);
    const gateway = await patch(vm, 0, { gateway: '10.0.3.1' });
    assert.equal(gateway.statusCode, 400, gateway.body);
  });
});
