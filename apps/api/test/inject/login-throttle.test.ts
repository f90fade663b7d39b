import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent, ErrorBody } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

const PASSWORD = 'inject-admin-password';
const LIMITS = {
  accountFailures: 3,
  addressFailures: 12,
  firstDelaySeconds: 30,
  maxDelaySeconds: 600,
  forgetMinutes: 60,
};

// Issue 11, finding 2: failed logins are throttled per account and per address, with growing
// delays, a 429 with Retry-After, and an audited lockout.
describe('login throttling', () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi({ config: { loginLimits: LIMITS } });
  });
  after(() => t.close());

  const login = (username: string, password: string, remoteAddress = '192.0.2.1') =>
    t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
      remoteAddress,
    });

  const auditRows = async () =>
    (await t.inject({ url: '/api/v1/audit?limit=500', headers: await t.as('admin') })).json<{
      items: AuditEvent[];
    }>().items;

  test('an account locks after its free failures: 429, Retry-After, a clear message, audited', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await login('admin', 'wrong-guess', `192.0.2.${10 + i}`);
      assert.equal(res.statusCode, 401, res.body);
      assert.match(res.json<ErrorBody>().error.message, /wrong username or password/);
    }
    // Even the right password, from another address, waits out the lock.
    const locked = await login('admin', PASSWORD, '192.0.2.50');
    assert.equal(locked.statusCode, 429, locked.body);
    assert.equal(locked.json<ErrorBody>().error.code, 'rate_limited');
    assert.match(
      locked.json<ErrorBody>().error.message,
      /too many failed logins.*try again in 30 s/,
    );
    assert.equal(locked.headers['retry-after'], '30');

    const lockouts = (await auditRows()).filter((r) => r.action === 'auth.lockout');
    assert.equal(lockouts.length, 1, JSON.stringify(lockouts));
    assert.equal(lockouts[0]?.targetType, 'user');
    assert.equal(lockouts[0]?.targetId, 'admin');
    assert.equal(lockouts[0]?.outcome, 'denied');
    assert.deepEqual(lockouts[0]?.detail, { failures: 3, lockedSeconds: 30 });
  });

  test('an unknown username gets exactly the answers a known one gets', async () => {
    const fresh = await buildTestApi({ config: { loginLimits: LIMITS } });
    try {
      const seen = async (username: string, remoteAddress: string) => {
        const answers: string[] = [];
        for (let i = 0; i < 4; i++) {
          const res = await fresh.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { username, password: 'wrong-guess' },
            remoteAddress,
          });
          answers.push(`${res.statusCode} ${res.headers['retry-after'] ?? '-'} ${res.body}`);
        }
        return answers;
      };
      const known = await seen('admin', '198.51.100.1');
      assert.match(known[3] ?? '', /^429 30 /);
      assert.deepEqual(await seen('nobody-here', '198.51.100.2'), known);
    } finally {
      await fresh.close();
    }
  });

  test('fifty guesses sent at once: only the free ones are checked', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => login('burst', `guess-${i}`, `203.0.113.${i}`)),
    );
    const statuses = answers.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s === 401).length, 3, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 47);
    for (const r of answers.filter((a) => a.statusCode === 429))
      assert.ok(Number(r.headers['retry-after']) >= 1);
  });

  test('one address guessing at many usernames locks that address, not others', async () => {
    const address = '192.0.2.200';
    let last = 0;
    for (let i = 0; i < 12; i++) last = (await login(`spray${i}`, 'x', address)).statusCode;
    assert.equal(last, 401);
    const locked = await login('spray-next', 'x', address);
    assert.equal(locked.statusCode, 429, locked.body);
    const elsewhere = await login('spray-next', 'x', '192.0.2.201');
    assert.equal(elsewhere.statusCode, 401);
    const rows = (await auditRows()).filter(
      (r) => r.action === 'auth.lockout' && r.targetType === 'address',
    );
    assert.deepEqual(
      rows.map((r) => r.targetId),
      [address],
    );
  });
});
