import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BUILTIN_ROLES, BuiltinRole, Permission, type ErrorBody } from '@berth/contracts';
import type { WebSocket } from 'ws';
import { buildTestApi, type TestApi } from './build-test-api.js';
import { UUID, concrete } from './route-paths.js';

// A stream that stays open: allowed, it never answers, so only its refusal is checked here.
const STREAMS = new Set(['GET /api/v1/events']);

/**
 * The route × permission matrix, from the route table itself: a route added without a
 * permission, or with one nobody checks, fails here without anyone listing it.
 */
describe('permissions: every route declares one and refuses whoever lacks it', () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi();
  });
  after(() => t.close());

  const guarded = () => t.routes.filter((r) => !r.public);

  test('every route that is not public declares a permission', () => {
    const missing = guarded()
      .filter((r) => !r.permission)
      .map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(missing, [], 'routes with no config.permission');
    for (const r of guarded()) {
      if (r.permission !== 'self')
        assert.ok(Permission.safeParse(r.permission).success, `${r.url}: ${r.permission}`);
    }
  });

  test('a user holding everything but the permission gets 403 naming it, before the body is read', async () => {
    const headersWithout = new Map<string, Record<string, string>>();
    for (const p of Permission.options) {
      const role = await t.db.role.create({
        data: {
          name: `all-but-${p}`,
          permissions: JSON.stringify(Permission.options.filter((x) => x !== p)),
        },
      });
      const { headers } = await t.userWith(`without-${p}`, [{ role: role.id, scope: 'all' }]);
      headersWithout.set(p, headers);
    }
    const callsBefore = t.agent.calls.length;
    for (const route of guarded()) {
      if (!route.permission || route.permission === 'self') continue;
      const res = await t.inject({
        method: route.method as 'GET',
        url: concrete(route.url),
        headers: headersWithout.get(route.permission)!,
      });
      const what = `${route.method} ${route.url} without ${route.permission}`;
      assert.equal(res.statusCode, 403, `${what}: ${res.body}`);
      assert.match(res.json<ErrorBody>().error.message, new RegExp(route.permission), what);
    }
    assert.equal(t.agent.calls.length, callsBefore, 'no refused call reached an agent');
  });

  test('the built-in roles get exactly what BUILTIN_ROLES gives them', async () => {
    for (const role of BuiltinRole.options) {
      const headers = await t.as(role);
      for (const route of guarded()) {
        const key = `${route.method} ${route.url}`;
        if (!route.permission || route.permission === 'self' || STREAMS.has(key)) continue;
        const allowed = BUILTIN_ROLES[role].permissions.includes(route.permission as Permission);
        const res = await t.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers,
        });
        const refused =
          res.statusCode === 403 &&
          res.json<ErrorBody>().error.message.includes(`${route.permission} permission`);
        assert.equal(
          refused,
          !allowed,
          `${role} ${key} (${route.permission}): ${res.statusCode} ${res.body}`,
        );
      }
    }
  });

  test('WebSocket routes are reached only with a one-time ticket: without one they close 4401', async () => {
    const sockets = t.routes.filter((r) => r.websocket);
    assert.ok(sockets.length > 0);
    const app = t.app as unknown as {
      injectWS(path: string, upgradeContext: object): Promise<WebSocket>;
    };
    const box = t.agent.add({ kind: 'ct' });
    for (const route of sockets) {
      const ws = await app.injectWS(concrete(route.url).replace(UUID, box.id), {
        socket: { remoteAddress: '127.0.0.1' },
        headers: await t.as('admin'),
      });
      const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
      assert.equal(code, 4401, `${route.url}: even an admin's token is no ticket`);
    }
  });

  test('the event stream refuses a user without instance.view', async () => {
    const { headers } = await t.userWith('no-view', []);
    const res = await t.inject({ method: 'GET', url: '/api/v1/events', headers });
    assert.equal(res.statusCode, 403, res.body);
  });
});
