import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

// Issue 11, finding 6: authentication is decided on the route that matched, and before the body
// is validated, so neither a percent-encoded path nor a bad body gets past it.
describe('authentication follows the matched route, before validation', () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi();
  });
  after(() => t.close());

  const unauthorized = (res: { statusCode: number; body: string; json<T>(): T }, what: string) => {
    assert.equal(res.statusCode, 401, `${what}: ${res.body}`);
    const { error } = res.json<ErrorBody>();
    assert.equal(error.code, 'unauthorized', what);
    assert.equal(error.issues, undefined, `${what}: no validation details`);
  };

  test('percent-encoded spellings of an API path are 401s without a login', async () => {
    for (const url of [
      '/%61pi/v1/instances',
      '/%61%70%69/v1/instances',
      '/api/v1/%69nstances',
      '/%61pi/v1/audit',
    ]) {
      unauthorized(await t.inject({ method: 'GET', url }), `GET ${url}`);
      const authed = await t.inject({ method: 'GET', url, headers: await t.as('admin') });
      assert.equal(authed.statusCode, 200, `the same path with a login: ${authed.body}`);
    }
    assert.deepEqual(
      t.agent.calls.filter((c) => !c.startsWith('list')),
      [],
    );
  });

  test('a bad body without a login is a 401 that says nothing of the body', async () => {
    for (const url of ['/api/v1/instances', '/%61pi/v1/instances']) {
      const res = await t.inject({
        method: 'POST',
        url,
        payload: { template: 'windows', name: '; reboot', colour: 'red' },
      });
      unauthorized(res, `POST ${url}`);
    }
    const notJson = await t.inject({
      method: 'POST',
      url: '/%61pi/v1/instances',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    unauthorized(notJson, 'a body that is not JSON');
  });

  test('a refused percent-encoded mutation is audited as denied, like any other', async () => {
    await t.inject({
      method: 'DELETE',
      url: '/%61pi/v1/share-links/11111111-1111-4111-8111-111111111111',
    });
    const res = await t.inject({ url: '/api/v1/audit?limit=5', headers: await t.as('admin') });
    const rows = res.json<{ items: Array<{ action: string; outcome: string }> }>().items;
    assert.ok(
      rows.some((r) => r.action === 'DELETE /api/v1/share-links/:linkId' && r.outcome === 'denied'),
      JSON.stringify(rows),
    );
  });

  test('public routes stay public, whatever their spelling', async () => {
    const health = await t.inject({ method: 'GET', url: '/%61pi/health' });
    assert.equal(health.statusCode, 200, health.body);
    const login = await t.inject({ method: 'POST', url: '/api/v1/auth/login', payload: {} });
    assert.equal(login.statusCode, 400, 'the login form itself is validated without a login');
  });
});
