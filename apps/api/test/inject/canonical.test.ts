import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

// Issue 11, finding 4: numbers and addresses are accepted in one spelling only.
describe('non-canonical numbers and addresses are 400s before any agent is asked', () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi();
    t.agent.add({ kind: 'ct', ctid: 101 });
  });
  after(() => t.close());

  async function expect400(method: 'GET' | 'POST', url: string, field: string, payload?: object) {
    const before = t.agent.calls.length;
    const res = await t.inject({ method, url, payload, headers: await t.as('admin') });
    assert.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`);
    const { error } = res.json<ErrorBody>();
    assert.ok(
      error.issues?.some((i) => i.path === field),
      `an issue for ${field} in ${JSON.stringify(error.issues)}`,
    );
    assert.deepEqual(t.agent.calls.slice(before), [], 'the agent was not asked');
  }

  test('a CT ID in a create body is a JSON number only', async () => {
    for (const ctid of [' 151', '1e3', '0o235', '151', [152]])
      await expect400('POST', '/api/v1/instances', 'ctid', {
        template: 'busybox',
        name: 'c1',
        ctid,
      });
  });

  test('a path id with leading zeros does not name CT 101', async () => {
    const ok = await t.inject({ url: '/api/v1/instances/101', headers: await t.as('admin') });
    assert.equal(ok.statusCode, 200, ok.body);
    await expect400('GET', '/api/v1/instances/00000000101', 'id');
    await expect400('GET', '/api/v1/instances/0101', 'id');
  });

  test('addresses with leading zeros are refused', async () => {
    const body = { template: 'busybox', name: 'c1' };
    await expect400('POST', '/api/v1/instances', 'ipv4', { ...body, ipv4: '010.210.0.060/24' });
    await expect400('POST', '/api/v1/instances', 'gateway', { ...body, gateway: '010.210.0.1' });
  });

  test('query-string numbers are canonical decimal text', async () => {
    for (const limit of ['1e2', '%2010', '0x10', '010', '-1'])
      await expect400('GET', `/api/v1/audit?limit=${limit}`, 'limit');
    const ok = await t.inject({ url: '/api/v1/audit?limit=10', headers: await t.as('admin') });
    assert.equal(ok.statusCode, 200, ok.body);
  });
});

// Issue 11, finding 5.
test('a root password with NUL or another control character is a 400 that says why', async () => {
  const t = await buildTestApi();
  try {
    for (const rootPassword of ['secret\u0000word', 'secret\nword', 'secret\u007fword']) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/instances',
        payload: { template: 'busybox', name: 'c1', rootPassword },
        headers: await t.as('admin'),
      });
      assert.equal(res.statusCode, 400, res.body);
      const issue = res.json<ErrorBody>().error.issues?.find((i) => i.path === 'rootPassword');
      assert.match(issue?.message ?? '', /control characters/, res.body);
      assert.deepEqual(t.agent.calls, []);
    }
  } finally {
    await t.close();
  }
});
