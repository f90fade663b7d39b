import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, FirewallSet, FirewallSetList, NetworkFirewall } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe("address sets and a network's firewall: strict bodies, permissions and audit", () => {
  let t: TestApi;
  let admin: Record<string, string>;
  let ctId: string;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
    ctId = t.agent.add({ kind: 'ct', state: 'running', name: 'web1' }).id;
  });
  after(() => t.close());

  const req = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
    headers = admin,
  ) => t.inject({ method, url, payload, headers });
  const lastAudit = async (action: string) =>
    t.db.auditEvent.findFirst({ where: { action }, orderBy: { seq: 'desc' } });

  test('bad set bodies are a 400 naming the field and reach no agent', async () => {
    const cases: [object, string][] = [
      [{ name: 'office', addresses: [], extra: 1 }, ''],
      [{ name: 'Office', addresses: [] }, 'name'],
      [{ name: '1office', addresses: [] }, 'name'],
      [{ name: 'a'.repeat(33), addresses: [] }, 'name'],
      [{ name: 'office', addresses: ['10.0.0.256'] }, 'addresses.0'],
      [{ name: 'office', addresses: ['@other'] }, 'addresses.0'],
      [{ name: 'office' }, 'addresses'],
    ];
    const calls = t.agent.calls.length;
    for (const [payload, field] of cases) {
      const res = await req('POST', '/api/v1/firewall/sets', payload);
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
      if (field) assert.ok(res.body.includes(field), `${field} named: ${res.body}`);
    }
    const bad = await req('PUT', '/api/v1/firewall/sets/office', { addresses: [], name: 'x' });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal((await req('GET', '/api/v1/firewall/sets/Bad_Name')).statusCode, 400);
    assert.equal(t.agent.calls.length, calls);
  });

  test('a set is made, listed, changed and deleted by host.manage, each audited; host.view reads', async () => {
    const operator = await t.as('operator');
    const body = { name: 'office', addresses: ['10.1.0.0/16', '10.2.0.7'] };
    assert.equal((await req('POST', '/api/v1/firewall/sets', body, operator)).statusCode, 403);
    const made = await req('POST', '/api/v1/firewall/sets', body);
    assert.equal(made.statusCode, 201, made.body);
    assert.deepEqual(made.json<FirewallSet>().usedBy, { instances: [], networks: [] });
    assert.equal((await req('POST', '/api/v1/firewall/sets', body)).statusCode, 409);
    const list = await req('GET', '/api/v1/firewall/sets', undefined, operator);
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(
      list.json<FirewallSetList>().items.map((s) => s.name),
      ['office'],
    );
    const changed = await req('PUT', '/api/v1/firewall/sets/office', {
      addresses: ['10.3.0.0/24'],
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual(changed.json<FirewallSet>().addresses, ['10.3.0.0/24']);
    const audit = await lastAudit('firewall.set.update');
    const detail = JSON.parse(audit!.detail!) as {
      before: { addresses: string[] };
      after: { addresses: string[] };
    };
    assert.deepEqual(
      [detail.before.addresses.length, detail.after.addresses],
      [2, ['10.3.0.0/24']],
    );
    assert.ok(await lastAudit('firewall.set.create'));
    assert.equal((await req('DELETE', '/api/v1/firewall/sets/office')).statusCode, 204);
    assert.ok(await lastAudit('firewall.set.delete'));
    assert.equal((await req('GET', '/api/v1/firewall/sets/office')).statusCode, 404);
  });

  test('a rule naming a set that does not exist is a 400 naming the rule and the set', async () => {
    const rules = [
      { direction: 'in', action: 'accept', protocol: 'icmp' },
      { direction: 'in', action: 'drop', source: '@missing' },
    ];
    for (const url of ['/api/v1/networks/default/firewall', `/api/v1/instances/${ctId}/firewall`]) {
      const res = await req('PUT', url, { rules });
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json<ErrorBody>();
      assert.match(body.error.message, /missing/);
      assert.ok(res.body.includes('rules.1.source'), res.body);
    }
    const bad = await req('PUT', '/api/v1/networks/default/firewall', {
      rules: [{ direction: 'in', action: 'drop', destination: '@Not-A-Name' }],
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.ok(bad.body.includes('rules.0.destination'), bad.body);
  });

  test("a network's rules: strict, host.manage, audited with before and after; a set in use is a 409 naming its users", async () => {
    const operator = await t.as('operator');
    await req('POST', '/api/v1/firewall/sets', { name: 'lab', addresses: ['10.9.0.0/16'] });
    const rules = [{ direction: 'in', action: 'drop', protocol: 'icmp', source: '@lab' }];
    const unknown = await req('PUT', '/api/v1/networks/default/firewall', { rules, policy: {} });
    assert.equal(unknown.statusCode, 400, 'no policy on a network: ' + unknown.body);
    assert.equal(
      (await req('PUT', '/api/v1/networks/default/firewall', { rules }, operator)).statusCode,
      403,
    );
    const res = await req('PUT', '/api/v1/networks/default/firewall', { rules });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<NetworkFirewall>().rules[0]!.source, '@lab');
    const read = await req('GET', '/api/v1/networks/default/firewall', undefined, operator);
    assert.deepEqual(read.json<NetworkFirewall>().counters, [{ packets: 0, bytes: 0 }]);
    const audit = await lastAudit('network.firewall');
    assert.equal(audit!.targetId, 'default');
    assert.equal((await req('GET', '/api/v1/networks/nowhere/firewall')).statusCode, 404);

    const own = await req('PUT', `/api/v1/instances/${ctId}/firewall`, {
      rules: [{ direction: 'out', action: 'drop', destination: '@lab' }],
    });
    assert.equal(own.statusCode, 200, own.body);
    const used = await req('DELETE', '/api/v1/firewall/sets/lab');
    assert.equal(used.statusCode, 409, used.body);
    assert.match(used.json<ErrorBody>().error.message, /web1.*default/);
    assert.equal((await req('GET', '/api/v1/firewall/sets/lab')).statusCode, 200);
  });
});
