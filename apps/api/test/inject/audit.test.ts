import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent, AuditPage, AuditVerification, ErrorBody } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe('the audit log over HTTP: search, paging, verify, export, retention', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
  });
  after(() => t.close());

  const get = (url: string, headers = admin) => t.inject({ url, headers });
  const setRetention = (retentionDays: number, headers = admin) =>
    t.inject({ method: 'PUT', url: '/api/v1/audit/settings', payload: { retentionDays }, headers });

  test('unknown or out-of-range query parameters are a 400 that names them', async () => {
    for (const [url, field] of [
      ['/api/v1/audit?bogus=1', 'bogus'],
      ['/api/v1/audit?limit=501', 'limit'],
      ['/api/v1/audit?outcome=maybe', 'outcome'],
      ['/api/v1/audit?from=yesterday', 'from'],
      ['/api/v1/audit/export?format=xml', 'format'],
      ['/api/v1/audit/export?cursor=5', 'cursor'],
    ]) {
      const res = await get(url!);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      const body = res.json<ErrorBody>();
      assert.ok(
        body.error.issues?.some((i) => i.path.includes(field!) || i.message.includes(field!)),
        `${url}: ${res.body}`,
      );
    }
  });

  test('retention: read by auditors, changed by admins only, audited with before and after', async () => {
    const auditor = await t.as('auditor');
    assert.deepEqual((await get('/api/v1/audit/settings', auditor)).json(), { retentionDays: 365 });
    assert.equal((await setRetention(30, auditor)).statusCode, 403);
    assert.equal((await setRetention(0)).statusCode, 400);
    const strict = await t.inject({
      method: 'PUT',
      url: '/api/v1/audit/settings',
      payload: { retentionDays: 30, extra: true },
      headers: admin,
    });
    assert.equal(strict.statusCode, 400);

    const res = await setRetention(90);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual((await get('/api/v1/audit/settings')).json(), { retentionDays: 90 });
    const [row] = (
      await get('/api/v1/audit?action=audit.settings&outcome=success')
    ).json<AuditPage>().items;
    assert.deepEqual([row!.before, row!.after], [{ retentionDays: 365 }, { retentionDays: 90 }]);
    assert.equal(row!.actor, 'inject-admin (token inject-inject-admin)');
    await setRetention(365);
  });

  test("an instance's PATCH records the changed settings before and after, nothing else", async () => {
    const ct = t.agent.add({ kind: 'ct', description: 'old', tags: ['a'], onboot: false });
    const res = await t.inject({
      method: 'PATCH',
      url: `/api/v1/instances/${ct.id}`,
      payload: { description: 'new', tags: ['a'] },
      headers: admin,
    });
    assert.equal(res.statusCode, 200, res.body);
    const [row] = (
      await get(`/api/v1/audit?action=instance.update&targetId=${ct.id}`)
    ).json<AuditPage>().items;
    assert.deepEqual([row!.before, row!.after], [{ description: 'old' }, { description: 'new' }]);
  });

  test('who may read the log: auditors and admins, not operators', async () => {
    for (const url of ['/api/v1/audit', '/api/v1/audit/verify', '/api/v1/audit/export']) {
      assert.equal((await get(url, await t.as('auditor'))).statusCode, 200, url);
      assert.equal((await get(url, await t.as('operator'))).statusCode, 403, url);
    }
  });

  test('paging by cursor reaches every row, well past 200', async () => {
    for (let i = 0; i < 230; i++) await setRetention(100 + i);
    const seen: number[] = [];
    let url = '/api/v1/audit?limit=100&action=audit.settings';
    for (;;) {
      const page = (await get(url)).json<AuditPage>();
      seen.push(...page.items.map((e) => e.seq));
      if (!page.nextCursor) break;
      url = `/api/v1/audit?limit=100&action=audit.settings&cursor=${page.nextCursor}`;
    }
    assert.ok(seen.length >= 230, `${seen.length} rows`);
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => b - a),
    );
  });

  test('export: CSV with a file name, quotes and formula cells defused; JSON with the same filters', async () => {
    const login = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: '=HYPERLINK("http://x","a, b")', password: 'nope' },
    });
    assert.equal(login.statusCode, 401);

    const csv = await get('/api/v1/audit/export?format=csv&action=auth.login');
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(csv.headers['content-type'] as string, /^text\/csv/);
    assert.match(
      csv.headers['content-disposition'] as string,
      /^attachment; filename="berth-audit-[0-9TZ-]+\.csv"$/,
    );
    const lines = csv.body.split('\r\n');
    assert.equal(
      lines[0],
      'seq,at,actor,userId,ip,action,targetType,targetId,outcome,taskId,detail,before,after,prevHash,hash',
    );
    assert.ok(csv.body.includes(`"'=HYPERLINK(""http://x"",""a, b"")"`), csv.body);
    assert.equal(lines.at(-1), '');

    const json = await get('/api/v1/audit/export?format=json&action=audit.settings');
    assert.equal(json.statusCode, 200);
    assert.match(json.headers['content-disposition'] as string, /\.json"$/);
    const rows = json.json<Array<AuditEvent & { hash: string }>>();
    assert.ok(rows.length >= 230);
    assert.ok(rows.every((r) => r.action === 'audit.settings' && r.hash.length === 64));
    assert.ok(rows[0]!.seq < rows[1]!.seq, 'oldest first');
    const [exportRow] = (await get('/api/v1/audit?action=audit.export')).json<AuditPage>().items;
    assert.deepEqual(exportRow!.detail, { format: 'json', filter: { action: 'audit.settings' } });
  });

  test('verify: the chain holds, then a row edited in the database is named', async () => {
    const ok = (await get('/api/v1/audit/verify')).json<AuditVerification>();
    assert.equal(ok.ok, true);
    assert.equal(ok.fromSeq, 1);
    assert.ok(ok.checked > 230);

    const victim = (await get('/api/v1/audit?action=auth.login')).json<AuditPage>().items[0]!;
    await t.db.$executeRawUnsafe(
      `UPDATE AuditEvent SET outcome = 'success' WHERE id = ?`,
      victim.id,
    );
    const broken = (await get('/api/v1/audit/verify')).json<AuditVerification>();
    assert.equal(broken.ok, false);
    assert.deepEqual(
      { seq: broken.firstBroken?.seq, id: broken.firstBroken?.id },
      { seq: victim.seq, id: victim.id },
    );
    assert.equal(broken.checked, victim.seq - 1);
  });
});
