import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditPage, AuditVerification } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe('audit list: a run of identical events is one row with a count; the chain keeps each', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  const failLogin = () =>
    t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'script-victim', password: 'wrong-password' },
    });
  before(async () => {
    // No lock in the way: the point is 50 identical failures in a row.
    t = await buildTestApi({
      config: {
        loginLimits: {
          accountFailures: 1000,
          addressFailures: 1000,
          firstDelaySeconds: 1,
          maxDelaySeconds: 1,
          forgetMinutes: 1,
        },
      },
    });
    admin = await t.as('admin');
    for (let i = 0; i < 50; i++) assert.equal((await failLogin()).statusCode, 401);
  });
  after(() => t.close());

  const page = async (query: string) => {
    const res = await t.inject({ url: `/api/v1/audit?${query}`, headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<AuditPage>();
  };

  test('50 failed logins are one row, count 50, with the first and last time', async () => {
    const { items, nextCursor } = await page('action=auth.login&outcome=denied');
    assert.equal(items.length, 1, JSON.stringify(items.map((i) => [i.seq, i.count])));
    const [row] = items;
    assert.equal(row!.count, 50);
    assert.equal(row!.targetId, 'script-victim');
    assert.equal(row!.seq - row!.firstSeq, 49);
    assert.ok(row!.firstAt <= row!.at);
    assert.equal(nextCursor, null);
  });

  test('?collapse=false lists every row; paging never splits a run', async () => {
    const raw = await page('action=auth.login&outcome=denied&collapse=false&limit=500');
    assert.equal(raw.items.length, 50);
    assert.ok(raw.items.every((i) => i.count === 1 && i.firstSeq === i.seq));

    // Something else in between ends the run: the failures after it are a run of their own.
    await t.inject({ url: '/api/v1/audit/settings', headers: admin });
    await t.inject({
      method: 'PUT',
      url: '/api/v1/audit/settings',
      payload: { retentionDays: 300 },
      headers: admin,
    });
    for (let i = 0; i < 3; i++) await failLogin();
    const first = await page('limit=1');
    assert.equal(first.items[0]!.count, 3);
    assert.ok(first.nextCursor);
    const second = await page(`limit=1&cursor=${first.nextCursor}`);
    assert.equal(second.items[0]!.action, 'audit.settings');
    const third = await page(`limit=1&cursor=${second.nextCursor}`);
    assert.equal(third.items[0]!.count, 50, 'the older run whole on its own page');
  });

  test('the chain still verifies, and the CSV export has every row', async () => {
    const verified = await t.inject({ url: '/api/v1/audit/verify', headers: admin });
    assert.equal(verified.json<AuditVerification>().ok, true);
    const csv = await t.inject({
      url: '/api/v1/audit/export?format=csv&action=auth.login&outcome=denied',
      headers: admin,
    });
    assert.equal(csv.statusCode, 200);
    const lines = csv.body.split('\r\n').filter((l) => l.includes('auth.login'));
    assert.equal(lines.length, 53);
  });

  test('collapse takes only true or false', async () => {
    const res = await t.inject({ url: '/api/v1/audit?collapse=yes', headers: admin });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /collapse/);
  });
});
