import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Firewall } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe("an instance's firewall: strict bodies, permissions and audit", () => {
  let t: TestApi;
  let admin: Record<string, string>;
  let ctId: string;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
    ctId = t.agent.add({ kind: 'ct', state: 'running' }).id;
  });
  after(() => t.close());

  const put = (payload: object, headers = admin) =>
    t.inject({ method: 'PUT', url: `/api/v1/instances/${ctId}/firewall`, payload, headers });

  test('defaults: enabled, accept both ways, spoofing protection on, no rules', async () => {
    const res = await t.inject({ url: `/api/v1/instances/${ctId}/firewall`, headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    const fw = res.json<Firewall>();
    assert.deepEqual(
      [fw.enabled, fw.policy, fw.antiSpoofing, fw.rules],
      [true, { in: 'accept', out: 'accept' }, true, []],
    );
  });

  test('unknown fields, bad CIDRs and ports are a 400 naming the field, and reach no agent', async () => {
    const rule = { direction: 'in', action: 'drop', protocol: 'tcp' };
    const cases: [object, string][] = [
      [{ rules: [], extra: 1 }, ''],
      [{ rules: [{ ...rule, color: 'red' }] }, 'rules.0'],
      [{ rules: [{ ...rule, source: '10.0.0.300/24' }] }, 'rules.0.source'],
      [{ rules: [{ ...rule, destination: '10.0.0.0/33' }] }, 'rules.0.destination'],
      [{ rules: [{ ...rule, ports: ['70000'] }] }, 'rules.0.ports.0'],
      [{ rules: [{ ...rule, ports: ['90-80'] }] }, 'rules.0.ports.0'],
      [{ rules: [{ ...rule, protocol: 'icmp', ports: ['80'] }] }, 'rules.0.ports'],
      [{ policy: { in: 'reject', out: 'accept' } }, 'policy.in'],
    ];
    const calls = t.agent.calls.length;
    for (const [payload, field] of cases) {
      const res = await put(payload);
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
      const body = res.json<ErrorBody>();
      if (field) assert.ok(JSON.stringify(body).includes(field), `${field} named: ${res.body}`);
    }
    assert.equal(t.agent.calls.length, calls);
  });

  test('a change is instance.configure, audited with before and after', async () => {
    const auditor = await t.as('auditor');
    const settings = {
      policy: { in: 'drop', out: 'accept' },
      rules: [{ direction: 'in', action: 'accept', protocol: 'tcp', ports: ['22', '8000-8080'] }],
    };
    assert.equal((await put(settings, auditor)).statusCode, 403);
    const res = await put(settings);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json<Firewall>().rules[0]!.ports, ['22', '8000-8080']);
    const audit = await t.db.auditEvent.findFirst({
      where: { action: 'instance.firewall' },
      orderBy: { seq: 'desc' },
    });
    const detail = JSON.parse(audit!.detail!) as {
      before: { rules: unknown[] };
      after: { rules: unknown[] };
    };
    assert.deepEqual([detail.before.rules.length, detail.after.rules.length], [0, 1]);
  });
});
