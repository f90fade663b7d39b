import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent, ErrorBody, Host, Leftover } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

const image: Leftover = {
  id: 'ct-101-image-1733050000',
  kind: 'container-image',
  description: 'disk image of CT 101',
  path: '/var/lib/berth/agent/quarantine/ct-101-image-1733050000/101.img',
  sizeBytes: 52_428_800,
  foundAt: '2026-12-01T15:00:00.000Z',
};

describe("a host's leftovers: listed for admins, deleted one by one, audited", () => {
  let t: TestApi;
  let hostId: string;
  before(async () => {
    t = await buildTestApi();
    const hosts = await t.inject({ url: '/api/v1/hosts', headers: await t.as('admin') });
    hostId = hosts.json<{ items: Host[] }>().items[0]!.id;
  });
  after(() => t.close());

  test('the list is what the agent holds', async () => {
    t.agent.quarantined.push(image);
    const res = await t.inject({
      url: `/api/v1/hosts/${hostId}/leftovers`,
      headers: await t.as('admin'),
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { items: [image] });
  });

  test('deleting one asks the agent, answers 204 and lands in the audit log', async () => {
    const admin = await t.as('admin');
    const res = await t.inject({
      method: 'DELETE',
      url: `/api/v1/hosts/${hostId}/leftovers/${image.id}`,
      headers: admin,
    });
    assert.equal(res.statusCode, 204, res.body);
    assert.deepEqual(t.agent.quarantined, []);
    assert.ok(t.agent.calls.includes(`deleteLeftover ${image.id}`));
    const audit = await t.inject({ url: '/api/v1/audit', headers: admin });
    const row = audit
      .json<{ items: AuditEvent[] }>()
      .items.find((e) => e.action === 'leftover.delete');
    assert.equal(row?.targetId, image.id);
    assert.equal(row?.outcome, 'success');
  });

  test('an unknown leftover, an unknown host, or an id that is not one are refused', async () => {
    const admin = await t.as('admin');
    const cases: Array<[string, number, string]> = [
      [`/api/v1/hosts/${hostId}/leftovers/gone`, 404, 'not_found'],
      ['/api/v1/hosts/nope/leftovers/gone', 404, 'not_found'],
      [`/api/v1/hosts/${hostId}/leftovers/..%2F..%2Fetc`, 400, 'validation_error'],
    ];
    for (const [url, status, code] of cases) {
      const res = await t.inject({ method: 'DELETE', url, headers: admin });
      assert.equal(res.statusCode, status, `${url}: ${res.body}`);
      assert.equal(res.json<ErrorBody>().error.code, code);
    }
  });
});
