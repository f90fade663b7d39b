import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Me } from '@berth/contracts';
import { browserSession } from './browser-session.js';
import { ADMIN_PASSWORD, startStack, type Stack } from './harness.js';

describe('authentication, tokens, audit and the OpenAPI document', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack('auth');
  });
  after(async () => stack?.close());

  const anonymous = (
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${stack.baseUrl}${url}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });

  test('health needs no login; everything else does', async () => {
    assert.equal((await anonymous('GET', '/api/health')).status, 200);
    const res = await anonymous('GET', '/api/v1/instances');
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'unauthorized');
  });

  test('a wrong password is refused with a clear JSON error and audited as a failure', async () => {
    const res = await anonymous('POST', '/api/v1/auth/login', {
      username: 'admin',
      password: 'nope',
    });
    assert.equal(res.status, 401);
    assert.match(
      ((await res.json()) as { error: { message: string } }).error.message,
      /wrong username or password/,
    );
    const audit = await stack.call<{
      items: Array<{ action: string; outcome: string; targetId: string }>;
    }>('GET', '/api/v1/audit');
    assert.ok(
      audit.body.items.some(
        (e) => e.action === 'auth.login' && e.outcome === 'denied' && e.targetId === 'admin',
      ),
    );
  });

  test('login sets an httpOnly session cookie that works until logout', async () => {
    const res = await anonymous('POST', '/api/v1/auth/login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
    });
    assert.equal(res.status, 200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/i);
    const browser = browserSession(res, stack.baseUrl);
    const cookie = browser.cookie as string;
    const me = await anonymous('GET', '/api/v1/auth/me', undefined, { cookie });
    assert.equal(me.status, 200);
    const mine = (await me.json()) as Me;
    assert.equal(mine.id, (await stack.call<{ id: string }>('GET', '/api/v1/auth/me')).body.id);
    assert.equal(mine.username, 'admin');
    assert.equal(mine.via, 'session');
    assert.deepEqual(
      mine.grants.map((g) => [g.role, g.scope]),
      [['admin', 'all']],
    );
    assert.ok(mine.permissions.includes('user.manage'));
    assert.equal((await anonymous('POST', '/api/v1/auth/logout', undefined, browser)).status, 204);
    assert.equal((await anonymous('GET', '/api/v1/auth/me', undefined, { cookie })).status, 401);
  });

  test('API tokens authenticate scripts; a revoked or made-up token does not', async () => {
    const res = await anonymous('GET', '/api/v1/instances', undefined, {
      authorization: 'Bearer berth_made_up',
    });
    assert.equal(res.status, 401);
    const me = await stack.call<{ via: string }>('GET', '/api/v1/auth/me');
    assert.equal(me.body.via, 'token');
    // A token cannot mint further tokens: those come from a logged-in session.
    const minted = await stack.call('POST', '/api/v1/auth/tokens', { name: 'second' });
    assert.equal(minted.status, 403);
  });

  test('an unauthenticated mutation is refused and lands in the audit log as denied', async () => {
    const res = await anonymous('POST', '/api/v1/instances', {
      template: 'busybox',
      name: 'sneaky',
    });
    assert.equal(res.status, 401);
    const audit = await stack.call<{
      items: Array<{ action: string; outcome: string; actor: string }>;
    }>('GET', '/api/v1/audit');
    assert.ok(
      audit.body.items.some(
        (e) =>
          e.actor === 'anonymous' &&
          e.outcome === 'denied' &&
          e.action.includes('/api/v1/instances'),
      ),
    );
  });

  test('the OpenAPI 3.1 document is generated from the contracts', async () => {
    const res = await anonymous('GET', '/api/docs/json');
    assert.equal(res.status, 200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    assert.equal(doc.openapi, '3.1.0');
    for (const p of [
      '/api/v1/instances',
      '/api/v1/instances/{id}/actions/{action}',
      '/api/v1/tasks/{id}',
      '/api/v1/templates',
      '/api/v1/hosts',
    ]) {
      assert.ok(doc.paths[p], `${p} is documented`);
    }
    assert.ok(
      doc.paths['/api/v1/instances']?.post?.requestBody,
      'create has a request body schema',
    );
  });

  test('the local host is registered with its virtualization facts', async () => {
    const hosts = await stack.call<{
      items: Array<{
        isLocal: boolean;
        status: string;
        facts: { lxcVersion: string; virtualization: string };
      }>;
    }>('GET', '/api/v1/hosts');
    assert.equal(hosts.body.items.length, 1);
    const local = hosts.body.items[0]!;
    assert.equal(local.isLocal, true);
    assert.equal(local.status, 'online');
    assert.match(local.facts.lxcVersion, /^\d+\.\d+/);
    assert.ok(['kvm', 'tcg'].includes(local.facts.virtualization));
  });
});
