import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent, ErrorBody, Network } from '@berth/contracts';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';

/** A network's VXLAN overlay through the API against the fake agent: shapes, permission, audit. */
describe('VXLAN overlays through the API', () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi();
  });
  after(() => t.close());

  const send = async (
    method: 'POST' | 'PATCH',
    url: string,
    payload: unknown,
    role: 'admin' | 'auditor' = 'admin',
  ) => t.inject({ method, url, payload: payload as object, headers: await t.as(role) });
  const overlay = { id: 4200, remotes: ['192.0.2.10'] };

  test('a bad overlay is a 400 naming the field, and reaches no agent', async () => {
    const calls = t.agent.calls.length;
    for (const [vxlan, field] of [
      [{ ...overlay, id: 0 }, 'vxlan.id'],
      [{ ...overlay, id: 16_777_216 }, 'vxlan.id'],
      [{ ...overlay, id: 1.5 }, 'vxlan.id'],
      [{ remotes: overlay.remotes }, 'vxlan.id'],
      [{ ...overlay, remotes: [] }, 'vxlan.remotes'],
      [
        { ...overlay, remotes: Array.from({ length: 17 }, (_, i) => `192.0.2.${i + 1}`) },
        'vxlan.remotes',
      ],
      [{ ...overlay, remotes: ['192.0.2.10', '192.0.2.10'] }, 'vxlan.remotes'],
      [{ ...overlay, remotes: ['192.0.2'] }, 'vxlan.remotes.0'],
      [{ ...overlay, local: 'eth0' }, 'vxlan.local'],
      [{ ...overlay, port: 65_536 }, 'vxlan.port'],
      [{ ...overlay, group: '239.1.1.1' }, 'vxlan.group'],
      [4200, 'vxlan'],
    ] as const) {
      for (const [method, url, body] of [
        ['POST', '/api/v1/networks', { name: 'ov', ipv4: '10.5.0.1/24', mtu: 1450, vxlan }],
        ['PATCH', '/api/v1/networks/default', { vxlan }],
      ] as const) {
        const res = await send(method, url, body);
        assert.equal(res.statusCode, 400, `${method} ${JSON.stringify(vxlan)}: ${res.body}`);
        const issues = res.json<ErrorBody>().error.issues ?? [];
        assert.ok(
          issues.some((i) => i.path === field),
          `${field}: ${res.body}`,
        );
      }
    }
    assert.equal(t.agent.calls.length, calls);
  });

  test('an overlay is passed on at create, replaced and removed by updates, all audited', async () => {
    const body = { name: 'ov', ipv4: '10.5.0.1/24', mtu: 1450, vxlan: overlay };
    assert.equal((await send('POST', '/api/v1/networks', body, 'auditor')).statusCode, 403);
    const made = await send('POST', '/api/v1/networks', body);
    assert.equal(made.statusCode, 201, made.body);
    assert.deepEqual(made.json<Network>().vxlan, {
      ...overlay,
      local: null,
      port: 4789,
      device: 'bn-ov-vx',
      up: true,
    });
    const peers = { ...overlay, remotes: ['192.0.2.10', '192.0.2.11'], local: '192.0.2.1' };
    const more = await send('PATCH', '/api/v1/networks/ov', { vxlan: peers });
    assert.equal(more.statusCode, 200, more.body);
    assert.deepEqual(more.json<Network>().vxlan?.remotes, peers.remotes);
    assert.equal(more.json<Network>().vxlan?.local, '192.0.2.1');
    const mtu = await send('PATCH', '/api/v1/networks/ov', { mtu: 1400 });
    assert.deepEqual(mtu.json<Network>().vxlan?.remotes, peers.remotes, 'kept when not named');
    const off = await send('PATCH', '/api/v1/networks/ov', { vxlan: null });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json<Network>().vxlan, null);
    const audit = await t.inject({ url: '/api/v1/audit', headers: await t.as('admin') });
    const updates = audit
      .json<{ items: AuditEvent[] }>()
      .items.filter((e) => e.action === 'network.update');
    assert.equal(updates.length, 3);
  });
});
