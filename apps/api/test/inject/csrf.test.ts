import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Instance } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

// app.inject addresses every request to this host.
const OWN = 'http://localhost';

// Issue 11, finding 3: a change made with the session cookie must come from a page of the API's
// own origin and carry the session's CSRF token; API tokens are unaffected.
describe('cross-site request forgery', () => {
  let t: TestApi;
  let ct: Instance;
  before(async () => {
    t = await buildTestApi();
    ct = t.agent.add({ kind: 'ct', ctid: 101 });
  });
  after(() => t.close());

  async function login(headers: Record<string, string> = { origin: OWN }) {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers,
      payload: { username: 'admin', password: 'inject-admin-password' },
    });
    const cookie = (name: string) => res.cookies.find((c) => c.name === name);
    return { res, session: cookie('berth_session'), csrf: cookie('berth_csrf') };
  }

  async function browserLogin() {
    const { session, csrf } = await login();
    assert.ok(session && csrf);
    return { session: session.value, csrf: csrf.value };
  }

  const start = (headers: Record<string, string>) =>
    t.inject({ method: 'POST', url: `/api/v1/instances/${ct.id}/actions/start`, headers });

  const starts = () => t.agent.calls.filter((c) => c.startsWith('action')).length;

  function refused(res: { statusCode: number; body: string; json<T>(): T }, what: string) {
    assert.equal(res.statusCode, 403, `${what}: ${res.body}`);
    assert.equal(res.json<ErrorBody>().error.code, 'csrf', what);
  }

  test('login hands out a CSRF cookie that scripts can read, bound to the session', async () => {
    const first = await login();
    const second = await login();
    assert.equal(first.res.statusCode, 200, first.res.body);
    assert.ok(first.csrf?.value && second.csrf?.value);
    assert.equal(first.csrf.httpOnly, undefined, 'the web UI reads it');
    assert.equal(first.csrf.sameSite, 'Strict');
    assert.equal(first.csrf.path, '/');
    assert.equal(first.session?.httpOnly, true);
    assert.notEqual(first.csrf.value, second.csrf.value, 'each session has its own');
  });

  test('a bodyless start with the cookie from a foreign origin is refused and does nothing', async () => {
    const { session, csrf } = await browserLogin();
    const before = starts();
    const cookie = `berth_session=${session}; berth_csrf=${csrf}`;
    for (const origin of [
      'https://evil.example',
      // Same site, other origin: a sibling (sub)domain, another port, the other scheme.
      'http://evil.localhost',
      'http://localhost:8081',
      'https://localhost',
      'null',
    ]) {
      refused(await start({ cookie, origin, 'x-csrf-token': csrf }), `Origin ${origin}`);
    }
    refused(
      await start({ cookie, 'sec-fetch-site': 'same-site', 'x-csrf-token': csrf }),
      'no Origin, Sec-Fetch-Site same-site',
    );
    refused(await start({ cookie, 'x-csrf-token': csrf }), 'neither Origin nor Sec-Fetch-Site');
    assert.equal(starts(), before, 'the agent was never asked');
    const audit = await t.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: await t.as('admin'),
    });
    assert.ok(
      audit
        .json<{ items: Array<{ outcome: string; detail: { status?: number } }> }>()
        .items.some((e) => e.outcome === 'denied' && e.detail.status === 403),
      'refusals are audited as denied',
    );
  });

  test('the own origin still needs the token, and the token of this very session', async () => {
    const { session, csrf } = await browserLogin();
    const other = await browserLogin();
    const before = starts();
    const cookie = `berth_session=${session}; berth_csrf=${csrf}`;
    refused(await start({ cookie, origin: OWN }), 'no token');
    refused(await start({ cookie, origin: OWN, 'x-csrf-token': '' }), 'an empty token');
    // A sibling subdomain can plant a berth_csrf cookie, but only of a session it holds itself.
    refused(
      await start({
        cookie: `berth_session=${session}; berth_csrf=${other.csrf}`,
        origin: OWN,
        'x-csrf-token': other.csrf,
      }),
      "another session's token",
    );
    assert.equal(starts(), before);
    const ok = await start({ cookie, origin: OWN, 'x-csrf-token': csrf });
    assert.equal(ok.statusCode, 202, ok.body);
    const bySite = await start({ cookie, 'sec-fetch-site': 'same-origin', 'x-csrf-token': csrf });
    assert.equal(bySite.statusCode, 202, `Sec-Fetch-Site same-origin: ${bySite.body}`);
    assert.equal(starts(), before + 2);
  });

  test('API tokens need neither Origin nor token, from anywhere', async () => {
    const bearer = await t.as('admin');
    for (const headers of [bearer, { ...bearer, origin: 'https://evil.example' }]) {
      const res = await start(headers);
      assert.equal(res.statusCode, 202, res.body);
    }
  });

  test('login is refused from another origin, and accepted from clients that are no browser', async () => {
    for (const headers of [
      { origin: 'https://evil.example' } as Record<string, string>,
      { origin: 'http://evil.localhost' },
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      const { res, session } = await login(headers);
      refused(res, `login with ${JSON.stringify(headers)}`);
      assert.equal(session, undefined, 'no session handed out');
    }
    assert.equal((await login({})).res.statusCode, 200, 'curl sends no Origin');
  });

  test('a session without its CSRF cookie gets it again; logout clears it', async () => {
    const { session, csrf } = await browserLogin();
    const me = await t.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: `berth_session=${session}` },
    });
    assert.equal(me.statusCode, 200);
    assert.equal(me.cookies.find((c) => c.name === 'berth_csrf')?.value, csrf);
    const again = await t.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: `berth_session=${session}; berth_csrf=${csrf}` },
    });
    assert.equal(again.cookies.length, 0, 'nothing to hand out when the browser has it');
    const out = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: {
        cookie: `berth_session=${session}; berth_csrf=${csrf}`,
        origin: OWN,
        'x-csrf-token': csrf,
      },
    });
    assert.equal(out.statusCode, 204, out.body);
    const cleared = out.cookies.find((c) => c.name === 'berth_csrf');
    assert.equal(cleared?.value, '');
    assert.ok(cleared.expires && cleared.expires.getTime() <= Date.now());
  });
});
