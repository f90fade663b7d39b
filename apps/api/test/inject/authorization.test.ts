import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BuiltinRole, ErrorBody } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';
import { UUID, concrete } from './route-paths.js';

/**
 * Every route the API registers, with whether it answers without a login. A new route must be
 * added here, which makes whoever adds it decide that on purpose.
 */
const ROUTES = [
  'GET /api/docs public',
  'GET /api/docs/json public',
  'GET /api/docs/yaml public',
  'GET /api/docs/static/index.html public',
  'GET /api/docs/static/swagger-initializer.js public',
  'GET /api/docs/static/* public',
  'GET /api/health public',
  'POST /api/v1/auth/login public',
  'POST /api/v1/auth/logout public',
  'GET /api/v1/auth/me',
  'POST /api/v1/auth/password',
  'POST /api/v1/auth/totp',
  'POST /api/v1/auth/totp/confirm',
  'POST /api/v1/auth/totp/disable',
  'GET /api/v1/auth/sessions',
  'DELETE /api/v1/auth/sessions/:id',
  'DELETE /api/v1/auth/sessions',
  'GET /api/v1/auth/tokens',
  'POST /api/v1/auth/tokens',
  'DELETE /api/v1/auth/tokens/:id',
  'GET /api/v1/users',
  'POST /api/v1/users',
  'PATCH /api/v1/users/:id',
  'DELETE /api/v1/users/:id',
  'POST /api/v1/users/:id/password',
  'PUT /api/v1/users/:id/grants',
  'GET /api/v1/roles',
  'POST /api/v1/roles',
  'PATCH /api/v1/roles/:id',
  'DELETE /api/v1/roles/:id',
  'GET /api/v1/hosts',
  'GET /api/v1/hosts/:hostId/leftovers',
  'DELETE /api/v1/hosts/:hostId/leftovers/:id',
  'GET /api/v1/licenses',
  'PUT /api/v1/licenses/console',
  'DELETE /api/v1/licenses/console',
  'PUT /api/v1/hosts/:hostId/license',
  'DELETE /api/v1/hosts/:hostId/license',
  'POST /api/v1/hosts/:hostId/license/transfer',
  'POST /api/v1/hosts/:hostId/problem-report',
  'GET /api/v1/hosts/:hostId/updates',
  'POST /api/v1/hosts/:hostId/updates/apply',
  'GET /api/v1/instances/:id/updates',
  'POST /api/v1/instances/:id/updates/apply',
  'POST /api/v1/updates/containers',
  'GET /api/v1/templates/:name/packages',
  'GET /api/v1/templates',
  'POST /api/v1/templates/:name/build',
  'GET /api/v1/tasks',
  'GET /api/v1/tasks/:id',
  'GET /api/v1/tasks/:id/log',
  'GET /api/v1/tasks/:id/log/download',
  'POST /api/v1/tasks/:id/cancel',
  'GET /api/v1/audit',
  'GET /api/v1/audit/verify',
  'GET /api/v1/audit/export',
  'GET /api/v1/audit/settings',
  'PUT /api/v1/audit/settings',
  'GET /api/v1/events',
  'GET /api/v1/instances',
  'GET /api/v1/instances/:id',
  'GET /api/v1/instances/:id/screenshot',
  'POST /api/v1/instances',
  'PATCH /api/v1/instances/:id',
  'POST /api/v1/instances/:id/actions/:action',
  'POST /api/v1/instances/:id/exec',
  'DELETE /api/v1/instances/:id',
  'POST /api/v1/instances/:id/unprivilege',
  'GET /api/v1/instances/:id/snapshots',
  'POST /api/v1/instances/:id/snapshots',
  'POST /api/v1/instances/:id/snapshots/:snapshot/revert',
  'DELETE /api/v1/instances/:id/snapshots/:snapshot',
  'POST /api/v1/instances/:id/disks',
  'PATCH /api/v1/instances/:id/disks/:disk',
  'PUT /api/v1/instances/:id/disks/import',
  'DELETE /api/v1/instances/:id/disks/:disk',
  'POST /api/v1/instances/:id/disks/:disk/compact',
  'PUT /api/v1/instances/:id/disks/:disk/settings',
  'POST /api/v1/instances/:id/cd-drives',
  'DELETE /api/v1/instances/:id/cd-drives/:drive',
  'PUT /api/v1/instances/:id/cd-drives/:drive',
  'GET /api/v1/instances/:id/hardware',
  'PUT /api/v1/instances/:id/hardware',
  'GET /api/v1/instances/:id/devices',
  'POST /api/v1/instances/:id/ports',
  'DELETE /api/v1/instances/:id/ports/:port',
  'GET /api/v1/instances/:id/ports/:port/log',
  'POST /api/v1/instances/:id/usb',
  'PUT /api/v1/instances/:id/usb/storage',
  'DELETE /api/v1/instances/:id/usb/:device',
  'POST /api/v1/instances/:id/clone',
  'POST /api/v1/instances/:id/move',
  'POST /api/v1/instances/:id/rename',
  'PUT /api/v1/instances/:id/disabled',
  'POST /api/v1/instances/:id/reinstall',
  'POST /api/v1/instances/:id/template',
  'DELETE /api/v1/templates/:name',
  'GET /api/v1/templates/:name/export',
  'POST /api/v1/templates/import',
  'GET /api/v1/pools',
  'POST /api/v1/pools',
  'PUT /api/v1/pools/:pool/default',
  'DELETE /api/v1/pools/:pool',
  'GET /api/v1/networks',
  'GET /api/v1/networks/:network',
  'POST /api/v1/networks',
  'PATCH /api/v1/networks/:network',
  'DELETE /api/v1/networks/:network',
  'PUT /api/v1/instances/:id/network',
  'GET /api/v1/instances/:id/nics',
  'POST /api/v1/instances/:id/nics',
  'DELETE /api/v1/instances/:id/nics/:nic',
  'PATCH /api/v1/instances/:id/nics/:nic',
  'PATCH /api/v1/instances/:id/nics/:nic/settings',
  'GET /api/v1/instances/:id/firewall',
  'PUT /api/v1/instances/:id/firewall',
  'GET /api/v1/networks/:network/firewall',
  'PUT /api/v1/networks/:network/firewall',
  'GET /api/v1/firewall/sets',
  'GET /api/v1/firewall/sets/:set',
  'POST /api/v1/firewall/sets',
  'PUT /api/v1/firewall/sets/:set',
  'DELETE /api/v1/firewall/sets/:set',
  'GET /api/v1/network-classes',
  'PUT /api/v1/network-classes',
  'GET /api/v1/instances/:id/traffic',
  'GET /api/v1/host/adapters',
  'POST /api/v1/host/vlans',
  'GET /api/v1/instances/:id/processes',
  'POST /api/v1/instances/:id/processes/:pid/signal',
  'GET /api/v1/hosts/:hostId/pids/:pid/owner',
  'GET /api/v1/instances/:id/services',
  'POST /api/v1/instances/:id/services/:name/actions/:action',
  'PUT /api/v1/instances/:id/services/:name/boot',
  'GET /api/v1/isos',
  'GET /api/v1/isos/store',
  'PUT /api/v1/isos/store',
  'PUT /api/v1/isos/:name',
  'DELETE /api/v1/isos/:name',
  'GET /api/v1/instances/:id/shells',
  'POST /api/v1/instances/:id/shells',
  'DELETE /api/v1/instances/:id/shells/:shellId',
  'POST /api/v1/instances/:id/console-tickets',
  'GET /api/v1/instances/:id/share-links',
  'POST /api/v1/instances/:id/share-links',
  'DELETE /api/v1/share-links/:linkId',
  'POST /api/v1/share/redeem public',
  'GET /api/v1/instances/:id/console/:kind public',
  'GET /api/v1/recording-policies',
  'PUT /api/v1/recording-policies/instances/:id',
  'PUT /api/v1/recording-policies/roles/:role',
  'GET /api/v1/recording-settings',
  'PUT /api/v1/recording-settings',
  'GET /api/v1/recordings',
  'GET /api/v1/recordings/:id',
  'GET /api/v1/recordings/:id/cast',
  'GET /api/v1/recordings/:id/frames',
  'GET /api/v1/recordings/:id/frames/:n',
  'DELETE /api/v1/recordings/:id',
  'GET /api/v1/samples',
  'GET /api/v1/samples/:id',
  'POST /api/v1/samples',
  'PATCH /api/v1/samples/:id',
  'DELETE /api/v1/samples/:id',
  'POST /api/v1/samples/split',
  'POST /api/v1/samples/scale',
  'GET /api/v1/instances/:id/limits/problems',
  'GET /api/v1/instances/:id/sample-diff',
  'GET /api/v1/instances/:id/metrics',
  'GET /api/v1/hosts/:hostId/metrics',
  'GET /api/v1/instances/:id/metrics/adapters',
  'GET /api/v1/hosts/:hostId/metrics/adapters',
  'GET /api/v1/metrics/top',
  'GET /api/v1/metrics/now',
  'GET /api/v1/usage',
  'GET /api/v1/alerts/rules',
  'POST /api/v1/alerts/rules',
  'PUT /api/v1/alerts/rules/:id',
  'DELETE /api/v1/alerts/rules/:id',
  'GET /api/v1/alerts',
  'GET /api/v1/instances/:id/alerts',
  'GET /metrics public',
];

describe('authorization: who may call which route', () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi();
  });
  after(() => t.close());

  test('the route table: every route with its method and whether it is public', () => {
    const seen = t.routes.map((r) => `${r.method} ${r.url}${r.public ? ' public' : ''}`);
    assert.deepEqual([...seen].sort(), [...ROUTES].sort());
  });

  test('without a login every route that is not public answers 401 and never reaches an agent', async () => {
    const guarded = t.routes.filter((r) => !r.public);
    assert.ok(guarded.length > 25);
    for (const route of guarded) {
      for (const headers of [{}, { authorization: 'Bearer berth_unknown' }]) {
        const res = await t.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers,
        });
        assert.equal(res.statusCode, 401, `${route.method} ${route.url}: ${res.body}`);
        assert.equal(res.json<ErrorBody>().error.code, 'unauthorized');
      }
    }
    assert.deepEqual(t.agent.calls, []);
  });

  test('roles: auditors read, operators change, admins read the audit log', async () => {
    const cases: Array<[BuiltinRole, 'GET' | 'POST' | 'DELETE', string, number]> = [
      ['auditor', 'GET', '/api/v1/instances', 200],
      ['auditor', 'POST', `/api/v1/instances/${UUID}/actions/start`, 403],
      ['auditor', 'DELETE', `/api/v1/instances/${UUID}`, 403],
      ['auditor', 'POST', '/api/v1/templates/busybox/build', 403],
      ['auditor', 'GET', `/api/v1/instances/${UUID}/shells`, 403],
      ['operator', 'GET', '/api/v1/audit', 403],
      ['operator', 'GET', '/api/v1/hosts/x/leftovers', 403],
      ['operator', 'DELETE', '/api/v1/hosts/x/leftovers/y', 403],
      ['operator', 'DELETE', '/api/v1/licenses/console', 403],
      ['auditor', 'GET', '/api/v1/licenses', 200],
      ['operator', 'POST', `/api/v1/instances/${UUID}/unprivilege`, 403],
      ['admin', 'GET', '/api/v1/audit', 200],
    ];
    for (const [role, method, url, status] of cases) {
      const res = await t.inject({ method, url, headers: await t.as(role) });
      assert.equal(res.statusCode, status, `${role} ${method} ${url}: ${res.body}`);
    }
  });

  test('only an Administrator may create a privileged container', async () => {
    const body = { template: 'busybox', name: 'rootish', privileged: true };
    const callsBefore = t.agent.calls.length;
    const refused = await t.inject({
      method: 'POST',
      url: '/api/v1/instances',
      payload: body,
      headers: await t.as('operator'),
    });
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(refused.json<ErrorBody>().error.message, /instance.privileged/);
    assert.equal(t.agent.calls.length, callsBefore, 'the agent was not asked');
    const unprivileged = await t.inject({
      method: 'POST',
      url: '/api/v1/instances',
      payload: { ...body, privileged: false },
      headers: await t.as('operator'),
    });
    assert.equal(unprivileged.statusCode, 202, unprivileged.body);
    const byAdmin = await t.inject({
      method: 'POST',
      url: '/api/v1/instances',
      payload: { ...body, name: 'rootish2' },
      headers: await t.as('admin'),
    });
    assert.equal(byAdmin.statusCode, 202, byAdmin.body);
  });

  test('an API token cannot mint another token', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      payload: { name: 'more' },
      headers: await t.as('admin'),
    });
    assert.equal(res.statusCode, 403);
  });
});
