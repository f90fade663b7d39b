import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, TaskAccepted, Template } from '@berth/contracts';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';

/** Container templates against the fake agent: permissions, shapes, audit, the file's name. */
describe('container templates through the API', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
  });
  after(() => t.close());

  const lastAudit = (action: string) =>
    t.db.auditEvent.findFirst({ where: { action }, orderBy: { seq: 'desc' } });
  const userWith = async (name: string, permissions: string[]) => {
    const role = await t.db.role.create({
      data: { name: `role-${name}`, permissions: JSON.stringify(permissions) },
    });
    return (await t.userWith(name, [{ role: role.id, scope: 'all' }])).headers;
  };

  test('from a container: template.manage and instance.view of it are enough (it stays); a VM also needs instance.delete', async () => {
    const ct = t.agent.add({ kind: 'ct', name: 'app-src' });
    const vm = t.agent.add({ kind: 'vm', ctid: null, name: 'vm-src' });
    const headers = await userWith('templater', ['instance.view', 'template.manage']);
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ct.id}/template`,
      payload: { name: 'app1' },
      headers,
    });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json<TaskAccepted>().task.kind, 'instance.template');
    assert.match((await lastAudit('instance.template'))?.detail ?? '', /"template":"app1"/);
    const refused = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${vm.id}/template`,
      payload: { name: 'vm1' },
      headers,
    });
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(refused.json<ErrorBody>().error.message, /instance\.delete/);
    const viewer = await userWith('viewer', ['instance.view', 'template.view']);
    const denied = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ct.id}/template`,
      payload: { name: 'app2' },
      headers: viewer,
    });
    assert.equal(denied.statusCode, 403, denied.body);
    assert.match(denied.json<ErrorBody>().error.message, /template\.manage/);
  });

  test('export is a download named after the template, not gzipped again', async () => {
    const res = await t.inject({
      method: 'GET',
      url: '/api/v1/templates/app1/export',
      headers: { ...admin, 'accept-encoding': 'gzip' },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(
      res.headers['content-disposition'],
      'attachment; filename="app1.berth-template.tar"',
    );
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal(res.body, 'export of app1');
    const viewer = await userWith('exporter', ['template.view']);
    const denied = await t.inject({
      method: 'GET',
      url: '/api/v1/templates/app1/export',
      headers: viewer,
    });
    assert.equal(denied.statusCode, 403, denied.body);
  });

  test('import relays the raw body and is audited; a bad name, an unknown field or another content type is a 400 that reaches no agent', async () => {
    const calls = t.agent.calls.length;
    for (const [query, type, field] of [
      ['name=busybox', 'application/octet-stream', 'name'],
      ['name=bad%20name', 'application/octet-stream', 'name'],
      ['', 'application/octet-stream', 'name'],
      ['name=ok&colour=red', 'application/octet-stream', ''],
      ['name=ok', 'text/plain', ''],
    ] as const) {
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/templates/import?${query}`,
        payload: Buffer.from('x'),
        headers: { ...admin, 'content-type': type },
      });
      assert.ok([400, 415].includes(res.statusCode), `${query} ${type}: ${res.body}`);
      if (field) {
        assert.ok(
          res.json<ErrorBody>().error.issues?.some((i) => i.path === field),
          `${query}: ${res.body}`,
        );
      }
    }
    assert.equal(t.agent.calls.length, calls);
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/templates/import?name=app3',
      payload: Buffer.alloc(3000, 1),
      headers: { ...admin, 'content-type': 'application/octet-stream' },
    });
    assert.equal(res.statusCode, 201, res.body);
    const made = res.json<Template>();
    assert.deepEqual(
      [made.name, made.kind, made.custom, made.sizeBytes],
      ['app3', 'ct', true, 3000],
    );
    const row = await lastAudit('template.import');
    assert.equal(row?.targetId, 'app3');
    assert.match(row?.detail ?? '', /"sizeBytes":3000/);
  });
});
