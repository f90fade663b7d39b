import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  ApiToken,
  CreatedApiToken,
  ErrorBody,
  Me,
  RecoveryCodes,
  RoleInfo,
  SessionInfo,
  TotpEnrollment,
  User,
} from '@berth/contracts';
import { base32Decode, hotp, stepAt } from '../../src/modules/auth/totp.js';
import { buildTestApi, type TestApi } from './build-test-api.js';

const PASSWORD = 'correct horse battery';

describe('identity: users, roles, TOTP, sessions and tokens', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  const ended: Array<{ userId: string; sessionId?: string; tokenId?: string }> = [];
  before(async () => {
    t = await buildTestApi({
      config: {
        loginLimits: {
          accountFailures: 100,
          addressFailures: 1000,
          firstDelaySeconds: 1,
          maxDelaySeconds: 1,
          forgetMinutes: 1,
        },
      },
    });
    admin = await t.as('admin');
    t.auth.onCredentialEnded((e) => ended.push(e));
  });
  after(() => t.close());

  const createUser = async (username: string, grants: unknown[] = []) => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin,
      payload: { username, password: PASSWORD, grants },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<User>();
  };

  const login = (username: string, password = PASSWORD, code?: string) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password, ...(code ? { code } : {}) },
      headers: { 'user-agent': 'identity-test' },
    });

  /** Headers of a browser logged in with this answer: its cookies, Origin and CSRF token. */
  const cookieOf = (res: { cookies: Array<{ name: string; value: string }> }) => {
    const value = (name: string) => res.cookies.find((x) => x.name === name)?.value;
    const session = value('berth_session');
    const csrf = value('berth_csrf');
    assert.ok(session && csrf, 'session and CSRF cookies');
    return {
      cookie: `berth_session=${session}; berth_csrf=${csrf}`,
      origin: 'http://localhost',
      'x-csrf-token': csrf,
    };
  };

  test('a disabled user gets exactly the answer of a wrong password', async () => {
    const u = await createUser('dora', [{ role: 'operator', scope: 'all' }]);
    assert.equal((await login('dora')).statusCode, 200);
    const wrong = await login('dora', 'not the password');
    const disable = await t.inject({
      method: 'PATCH',
      url: `/api/v1/users/${u.id}`,
      headers: admin,
      payload: { disabled: true },
    });
    assert.equal(disable.statusCode, 200, disable.body);
    assert.equal(disable.json<User>().disabled, true);
    const disabled = await login('dora');
    const unknown = await login('nobody-here');
    for (const res of [disabled, unknown]) {
      assert.equal(res.statusCode, wrong.statusCode);
      assert.deepEqual(res.json(), wrong.json());
    }
    assert.equal(wrong.statusCode, 401);
  });

  test('disabling a user ends their sessions and tokens, which tells the consoles and streams', async () => {
    const u = await createUser('erin', [{ role: 'operator', scope: 'all' }]);
    const session = cookieOf(await login('erin'));
    const made = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: session,
      payload: { name: 'ci' },
    });
    assert.equal(made.statusCode, 201, made.body);
    const token = { authorization: `Bearer ${made.json<CreatedApiToken>().token}` };
    assert.equal((await t.inject({ url: '/api/v1/instances', headers: token })).statusCode, 200);
    ended.length = 0;
    await t.inject({
      method: 'PATCH',
      url: `/api/v1/users/${u.id}`,
      headers: admin,
      payload: { disabled: true },
    });
    assert.ok(ended.some((e) => e.userId === u.id && e.sessionId));
    assert.ok(ended.some((e) => e.userId === u.id && e.tokenId === made.json<ApiToken>().id));
    assert.equal((await t.inject({ url: '/api/v1/auth/me', headers: session })).statusCode, 401);
    assert.equal((await t.inject({ url: '/api/v1/instances', headers: token })).statusCode, 401);
  });

  test('the last enabled Administrator cannot be disabled, deleted or lose the role', async () => {
    const me = (await t.inject({ url: '/api/v1/auth/me', headers: admin })).json<Me>();
    const first = (await t.inject({ url: '/api/v1/users', headers: admin }))
      .json<{ items: User[] }>()
      .items.find((u) => u.username === 'admin')!;
    // Two admins so far (the first one and the test's); disable the first, then the test's is last.
    const off = await t.inject({
      method: 'PATCH',
      url: `/api/v1/users/${first.id}`,
      headers: admin,
      payload: { disabled: true },
    });
    assert.equal(off.statusCode, 200, off.body);
    for (const [method, url, payload] of [
      ['PATCH', `/api/v1/users/${me.id}`, { disabled: true }],
      ['DELETE', `/api/v1/users/${me.id}`, undefined],
      ['PUT', `/api/v1/users/${me.id}/grants`, { grants: [{ role: 'auditor', scope: 'all' }] }],
    ] as const) {
      const res = await t.inject({ method, url, headers: admin, payload });
      assert.equal(res.statusCode, 409, `${method} ${url}: ${res.body}`);
      assert.match(res.json<ErrorBody>().error.message, /last enabled Administrator/);
    }
    const back = await t.inject({
      method: 'PATCH',
      url: `/api/v1/users/${first.id}`,
      headers: admin,
      payload: { disabled: false },
    });
    assert.equal(back.statusCode, 200);
  });

  test('user.manage alone cannot hand out more than its holder has', async () => {
    const role = await t.inject({
      method: 'POST',
      url: '/api/v1/roles',
      headers: admin,
      payload: { name: 'user-desk', permissions: ['user.manage', 'instance.view'] },
    });
    assert.equal(role.statusCode, 201, role.body);
    const { headers } = await t.userWith('desk', [
      { role: role.json<RoleInfo>().id, scope: 'all' },
    ]);
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers,
      payload: {
        username: 'sneaky',
        password: PASSWORD,
        grants: [{ role: 'admin', scope: 'all' }],
      },
    });
    assert.equal(res.statusCode, 403, res.body);
    const ok = await t.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers,
      payload: { username: 'fine', password: PASSWORD, grants: [] },
    });
    assert.equal(ok.statusCode, 201, ok.body);
  });

  test('roles: built-ins are read-only, a custom role in use cannot be deleted', async () => {
    const list = (await t.inject({ url: '/api/v1/roles', headers: admin })).json<{
      items: RoleInfo[];
    }>().items;
    assert.deepEqual(
      list.filter((r) => r.builtin).map((r) => r.id),
      ['admin', 'operator', 'auditor'],
    );
    const edit = await t.inject({
      method: 'PATCH',
      url: '/api/v1/roles/operator',
      headers: admin,
      payload: { permissions: ['instance.view'] },
    });
    assert.equal(edit.statusCode, 409);
    const clash = await t.inject({
      method: 'POST',
      url: '/api/v1/roles',
      headers: admin,
      payload: { name: 'Admin', permissions: ['instance.view'] },
    });
    assert.equal(clash.statusCode, 409);
    const made = await t.inject({
      method: 'POST',
      url: '/api/v1/roles',
      headers: admin,
      payload: { name: 'viewers', description: 'look only', permissions: ['instance.view'] },
    });
    const id = made.json<RoleInfo>().id;
    const edited = await t.inject({
      method: 'PATCH',
      url: `/api/v1/roles/${id}`,
      headers: admin,
      payload: { permissions: ['instance.view', 'task.view'] },
    });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json<RoleInfo>().description, 'look only', 'what is not sent stays');
    const u = await createUser('vic', [{ role: id, scope: 'tag', scopeValue: 'web' }]);
    const inUse = await t.inject({ method: 'DELETE', url: `/api/v1/roles/${id}`, headers: admin });
    assert.equal(inUse.statusCode, 409, inUse.body);
    await t.inject({
      method: 'PUT',
      url: `/api/v1/users/${u.id}/grants`,
      headers: admin,
      payload: { grants: [] },
    });
    const gone = await t.inject({ method: 'DELETE', url: `/api/v1/roles/${id}`, headers: admin });
    assert.equal(gone.statusCode, 204, gone.body);
  });

  test('TOTP: enrol, confirm, then a password alone asks for the code; codes are single use', async () => {
    await createUser('tess', [{ role: 'auditor', scope: 'all' }]);
    const session = cookieOf(await login('tess'));
    const enrol = await t.inject({ method: 'POST', url: '/api/v1/auth/totp', headers: session });
    assert.equal(enrol.statusCode, 200, enrol.body);
    const { secret, uri } = enrol.json<TotpEnrollment>();
    assert.match(uri, /^otpauth:\/\/totp\/Berth%3Atess\?secret=[A-Z2-7]+&issuer=Berth/);
    const key = base32Decode(secret);
    const step = stepAt(Date.now());
    const confirm = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/confirm',
      headers: session,
      payload: { code: hotp(key, step) },
    });
    assert.equal(confirm.statusCode, 200, confirm.body);
    const { codes } = confirm.json<RecoveryCodes>();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);

    const bare = await login('tess');
    assert.equal(bare.statusCode, 401);
    assert.equal(bare.json<ErrorBody>().error.code, 'totp_required');
    assert.equal(
      (await login('tess', 'wrong password')).json<ErrorBody>().error.code,
      'unauthorized',
    );
    // The confirming code's step is spent: the same code again is a replay.
    const replay = await login('tess', PASSWORD, hotp(key, step));
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.json<ErrorBody>().error.code, 'unauthorized');
    const next = hotp(key, step + 1);
    const ok = await login('tess', PASSWORD, next);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json<Me>().totpEnabled, true);
    assert.equal((await login('tess', PASSWORD, next)).statusCode, 401, 'used once only');

    const recovery = await login('tess', PASSWORD, codes[0]);
    assert.equal(recovery.statusCode, 200, recovery.body);
    assert.equal((await login('tess', PASSWORD, codes[0])).statusCode, 401, 'spent');

    const badOff = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/disable',
      headers: session,
      payload: { password: 'nope' },
    });
    assert.equal(badOff.statusCode, 400);
    const off = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/totp/disable',
      headers: session,
      payload: { password: PASSWORD },
    });
    assert.equal(off.statusCode, 204, off.body);
    assert.equal((await login('tess')).statusCode, 200);
  });

  test('sessions: listed with their origin, one ended, then everywhere', async () => {
    await createUser('sam', [{ role: 'auditor', scope: 'all' }]);
    const a = cookieOf(await login('sam'));
    const b = cookieOf(await login('sam'));
    const list = (await t.inject({ url: '/api/v1/auth/sessions', headers: a })).json<{
      items: SessionInfo[];
    }>().items;
    assert.equal(list.length, 2);
    assert.equal(list.filter((s) => s.current).length, 1);
    assert.equal(list[0]?.userAgent, 'identity-test');
    assert.equal(list[0]?.ip, '127.0.0.1');
    const other = list.find((s) => !s.current)!;
    const end = await t.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${other.id}`,
      headers: a,
    });
    assert.equal(end.statusCode, 204);
    assert.equal((await t.inject({ url: '/api/v1/auth/me', headers: b })).statusCode, 401);
    const c = cookieOf(await login('sam'));
    const all = await t.inject({ method: 'DELETE', url: '/api/v1/auth/sessions', headers: a });
    assert.equal(all.statusCode, 204);
    for (const h of [a, c])
      assert.equal((await t.inject({ url: '/api/v1/auth/me', headers: h })).statusCode, 401);
  });

  test('an idle session ends after the idle timeout', async () => {
    await createUser('ida', [{ role: 'auditor', scope: 'all' }]);
    const s = cookieOf(await login('ida'));
    const user = await t.db.user.findUniqueOrThrow({ where: { username: 'ida' } });
    await t.db.session.updateMany({
      where: { userId: user.id },
      data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    });
    assert.equal((await t.inject({ url: '/api/v1/auth/me', headers: s })).statusCode, 401);
  });

  test('changing my password needs the current one and ends my other sessions', async () => {
    const u = await createUser('pat', [{ role: 'auditor', scope: 'all' }]);
    const a = cookieOf(await login('pat'));
    const b = cookieOf(await login('pat'));
    const wrong = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: a,
      payload: { currentPassword: 'nope', newPassword: 'another long one' },
    });
    assert.equal(wrong.statusCode, 400);
    ended.length = 0;
    const ok = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: a,
      payload: { currentPassword: PASSWORD, newPassword: 'another long one' },
    });
    assert.equal(ok.statusCode, 204, ok.body);
    assert.equal(ended.filter((e) => e.userId === u.id && e.sessionId).length, 2);
    assert.equal((await t.inject({ url: '/api/v1/auth/me', headers: a })).statusCode, 200);
    assert.equal((await t.inject({ url: '/api/v1/auth/me', headers: b })).statusCode, 401);
    assert.equal((await login('pat', 'another long one')).statusCode, 200);
  });

  test('tokens: minute expiry, permissions within the owner\u2019s, cut when the owner loses them', async () => {
    const u = await createUser('tom', [{ role: 'operator', scope: 'all' }]);
    const session = cookieOf(await login('tom'));
    const beyond = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: session,
      payload: { name: 'too-much', permissions: ['user.manage'] },
    });
    assert.equal(beyond.statusCode, 403, beyond.body);
    const made = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: session,
      payload: { name: 'reader', expiresInMinutes: 1, permissions: ['instance.view'] },
    });
    assert.equal(made.statusCode, 201, made.body);
    const created = made.json<CreatedApiToken>();
    const minutes = (Date.parse(created.expiresAt!) - Date.now()) / 60_000;
    assert.ok(minutes > 0.9 && minutes <= 1, String(minutes));
    const token = { authorization: `Bearer ${created.token}` };
    const inst = t.agent.add({ name: 'tok-box' });
    assert.equal((await t.inject({ url: '/api/v1/instances', headers: token })).statusCode, 200);
    const power = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${inst.id}/actions/start`,
      headers: token,
    });
    assert.equal(power.statusCode, 403, 'the token was not given instance.power');
    const me = (await t.inject({ url: '/api/v1/auth/me', headers: token })).json<Me>();
    assert.deepEqual(me.permissions, ['instance.view']);

    const listed = (await t.inject({ url: '/api/v1/auth/tokens', headers: session })).json<{
      items: ApiToken[];
    }>().items;
    assert.equal(listed[0]?.lastUsedIp, '127.0.0.1');
    assert.ok(listed[0]?.lastUsedAt);

    // The owner loses instance.view: so does the token, at once.
    await t.inject({
      method: 'PUT',
      url: `/api/v1/users/${u.id}/grants`,
      headers: admin,
      payload: { grants: [{ role: 'auditor', scope: 'tag', scopeValue: 'elsewhere' }] },
    });
    const cut = (await t.inject({ url: '/api/v1/instances', headers: token })).json<{
      items: unknown[];
    }>();
    assert.deepEqual(cut.items, [], 'only the instances of the new scope (none)');

    // A minute later it is over: the row's expiry is moved instead of waiting.
    await t.db.apiToken.update({
      where: { id: created.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await t.inject({ url: '/api/v1/auth/me', headers: token });
    assert.equal(expired.statusCode, 401);
    assert.match(expired.json<ErrorBody>().error.message, /unknown or expired/);
  });

  test('an API token cannot take over its owner’s account', async () => {
    const { headers } = await t.userWith('owned', [{ role: 'auditor', scope: 'all' }]);
    for (const [url, payload] of [
      ['/api/v1/auth/totp', undefined],
      ['/api/v1/auth/password', { currentPassword: 'x', newPassword: 'long enough now' }],
    ] as const) {
      const res = await t.inject({ method: 'POST', url, headers, payload });
      assert.equal(res.statusCode, 403, `${url}: ${res.body}`);
    }
    const end = await t.inject({ method: 'DELETE', url: '/api/v1/auth/sessions', headers });
    assert.equal(end.statusCode, 403);
  });

  test('revoking a token tells the consoles it opened, and it stops working', async () => {
    await createUser('rex', [{ role: 'operator', scope: 'all' }]);
    const session = cookieOf(await login('rex'));
    const made = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/auth/tokens',
        headers: session,
        payload: { name: 'gone-soon' },
      })
    ).json<CreatedApiToken>();
    ended.length = 0;
    const del = await t.inject({
      method: 'DELETE',
      url: `/api/v1/auth/tokens/${made.id}`,
      headers: session,
    });
    assert.equal(del.statusCode, 204);
    assert.deepEqual(
      ended.map((e) => e.tokenId),
      [made.id],
    );
    const res = await t.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${made.token}` },
    });
    assert.equal(res.statusCode, 401);
  });
});
