import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent, ErrorBody, HostAdapter, Network } from '@berth/contracts';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';

/** Networks and host adapters against the fake agent: shapes, permissions, audit. */
describe('virtual networks through the API', () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi();
  });
  after(() => t.close());

  const send = async (
    method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    role: 'admin' | 'auditor' = 'admin',
  ) => t.inject({ method, url, payload: payload as object, headers: await t.as(role) });

  test('networks and adapters are listed for whoever holds host.view', async () => {
    const res = await t.inject({ url: '/api/v1/networks', headers: await t.as('auditor') });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      res.json<{ items: Network[] }>().items.map((n) => [n.name, n.default]),
      [['default', true]],
    );
    const adapters = await t.inject({
      url: '/api/v1/host/adapters',
      headers: await t.as('auditor'),
    });
    assert.equal(adapters.statusCode, 200, adapters.body);
    assert.equal(adapters.json<{ items: HostAdapter[] }>().items[0]?.name, 'eth0');
  });

  test('bad bodies are a 400 naming the field, and reach no agent', async () => {
    const calls = t.agent.calls.length;
    for (const [body, field] of [
      [{ name: 'n1', ipv4: '10.5.0.1/24', extra: 1 }, ''],
      [{ name: 'bad name', ipv4: '10.5.0.1/24' }, 'name'],
      [{ name: 'n1', ipv4: '10.5.0.1' }, 'ipv4'],
      [{ name: 'n1', ipv4: '10.5.0.1/24', mtu: 100 }, 'mtu'],
      [{ name: 'n1', ipv4: '10.5.0.1/24', bridge: 'Way-too-long-bridge' }, 'bridge'],
      [{ name: 'n1', ipv4: '10.5.0.1/24', dhcp: { first: 'x' } }, 'dhcp.first'],
    ] as const) {
      const res = await send('POST', '/api/v1/networks', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      const error = res.json<ErrorBody>().error;
      if (field)
        assert.ok(
          error.issues?.some((i) => i.path === field),
          res.body,
        );
      else assert.match(error.message, /extra/);
    }
    const patch = await send('PATCH', '/api/v1/networks/default', { subnet: '10.0.0.0/8' });
    assert.equal(patch.statusCode, 400, patch.body);
    assert.equal(t.agent.calls.length, calls);
  });

  test('create, update and delete need host.manage and are audited', async () => {
    const body = { name: 'n1', ipv4: '10.5.0.1/24' };
    assert.equal((await send('POST', '/api/v1/networks', body, 'auditor')).statusCode, 403);
    const made = await send('POST', '/api/v1/networks', body);
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json<Network>().ipv4, '10.5.0.1/24');
    assert.equal((await send('POST', '/api/v1/networks', body)).statusCode, 409);
    const updated = await send('PATCH', '/api/v1/networks/n1', { mtu: 1400, nat: false });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.equal(updated.json<Network>().mtu, 1400);
    assert.equal((await send('DELETE', '/api/v1/networks/nope')).statusCode, 404);
    assert.equal(
      (await send('DELETE', '/api/v1/networks/n1', undefined, 'auditor')).statusCode,
      403,
    );
    assert.equal((await send('DELETE', '/api/v1/networks/n1')).statusCode, 204);
    const vlan = await send('POST', '/api/v1/host/vlans', { parent: 'eth0', vlanId: 5 });
    assert.equal(vlan.statusCode, 409, vlan.body);
    assert.match(vlan.json<ErrorBody>().error.message, /802\.1Q/);
    const audit = await t.inject({ url: '/api/v1/audit', headers: await t.as('admin') });
    const actions = audit.json<{ items: AuditEvent[] }>().items.map((e) => e.action);
    for (const a of ['network.create', 'network.update', 'network.delete', 'host.vlan.create'])
      assert.ok(actions.includes(a), a);
  });

  test("moving an instance's adapter needs instance.configure and a strict body", async () => {
    const ct = t.agent.add({ name: 'mover', ctid: 160 });
    const url = `/api/v1/instances/${ct.id}/network`;
    assert.equal((await send('PUT', url, { network: 'n2', extra: 1 })).statusCode, 400);
    assert.equal((await send('PUT', url, { network: 'n2' }, 'auditor')).statusCode, 403);
    const moved = await send('PUT', url, { network: 'n2' });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.ok(t.agent.calls.includes(`setInstanceNetwork ${ct.id}`));
  });
});
