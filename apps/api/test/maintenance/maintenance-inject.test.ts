import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Instance, TaskAccepted } from '@berth/contracts';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';

/** Rename, disable and reinstall against the fake agent: the API's own rules (shapes, permissions, audit). */
describe('container maintenance through the API', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
  });
  after(() => t.close());

  const lastAudit = (action: string) =>
    t.db.auditEvent.findFirst({ where: { action }, orderBy: { seq: 'desc' } });
  const call = (method: 'POST' | 'PUT', url: string, payload?: object, headers = admin) =>
    t.inject({ method, url, ...(payload && { payload }), headers });

  test('bad bodies are a 400 naming the field, and reach no agent', async () => {
    const { id } = t.agent.add({ kind: 'ct', name: 'web1' });
    const calls = t.agent.calls.length;
    for (const [url, method, body, field] of [
      [`rename`, 'POST', { name: 'bad name' }, 'name'],
      [`rename`, 'POST', {}, 'name'],
      [`rename`, 'POST', { name: 'ok', hostname: 'under_score' }, 'hostname'],
      [`rename`, 'POST', { name: 'ok', extra: 1 }, ''],
      [`disabled`, 'PUT', { disabled: 'yes' }, 'disabled'],
      [`disabled`, 'PUT', {}, 'disabled'],
      [`reinstall`, 'POST', { keep: ['etc'] }, 'keep.0'],
      [`reinstall`, 'POST', { keep: ['root', 'root'] }, 'keep'],
      [`reinstall`, 'POST', { keep: ['root'], wipe: true }, ''],
    ] as const) {
      const res = await call(method, `/api/v1/instances/${id}/${url}`, body);
      const what = `${url} ${JSON.stringify(body)}`;
      assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
      const error = res.json<ErrorBody>().error;
      if (field)
        assert.ok(
          error.issues?.some((i) => i.path === field),
          `${what}: ${res.body}`,
        );
      else assert.match(error.message, /wipe|extra/, what);
    }
    assert.equal(t.agent.calls.length, calls);
  });

  test('a rename answers the renamed instance, is audited with the old name, and a taken name is a 409', async () => {
    const { id } = t.agent.add({ kind: 'ct', name: 'old1' });
    t.agent.add({ kind: 'ct', name: 'taken1' });
    const res = await call('POST', `/api/v1/instances/${id}/rename`, {
      name: 'new1',
      hostname: 'new1.example',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      [res.json<Instance>().name, res.json<Instance>().hostname],
      ['new1', 'new1.example'],
    );
    const row = await lastAudit('instance.rename');
    assert.equal(row?.targetId, id);
    assert.match(row?.detail ?? '', /"from":"old1"/);
    const clash = await call('POST', `/api/v1/instances/${id}/rename`, { name: 'TAKEN1' });
    assert.equal(clash.statusCode, 409, clash.body);
  });

  test('disable and enable are audited as such and the instance says disabled', async () => {
    const { id } = t.agent.add({ kind: 'ct' });
    const off = await call('PUT', `/api/v1/instances/${id}/disabled`, { disabled: true });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json<Instance>().disabled, true);
    assert.ok(await lastAudit('instance.disable'));
    const on = await call('PUT', `/api/v1/instances/${id}/disabled`, { disabled: false });
    assert.equal(on.json<Instance>().disabled, false);
    assert.ok(await lastAudit('instance.enable'));
  });

  test('reinstall is a task that needs instance.delete beside instance.configure, audited with what it keeps', async () => {
    const { id } = t.agent.add({ kind: 'ct' });
    const role = await t.db.role.create({
      data: {
        name: 'configure-only',
        permissions: JSON.stringify(['instance.view', 'instance.configure']),
      },
    });
    const { headers } = await t.userWith('configurer', [{ role: role.id, scope: 'all' }]);
    const refused = await call('POST', `/api/v1/instances/${id}/reinstall`, {}, headers);
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(refused.json<ErrorBody>().error.message, /instance\.delete/);
    assert.ok(!t.agent.calls.some((c) => c.startsWith('reinstallInstance')), 'nothing reinstalled');
    const renamed = await call('POST', `/api/v1/instances/${id}/rename`, { name: 'cfg1' }, headers);
    assert.equal(renamed.statusCode, 200, 'instance.configure is enough for a rename');

    const res = await call('POST', `/api/v1/instances/${id}/reinstall`, { keep: ['root', 'home'] });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json<TaskAccepted>().task.kind, 'instance.reinstall');
    assert.match((await lastAudit('instance.reinstall'))?.detail ?? '', /"keep":\["root","home"\]/);
    const bare = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${id}/reinstall`,
      headers: admin,
    });
    assert.equal(bare.statusCode, 202, `no body keeps nothing: ${bare.body}`);
  });

  test('a VM made a template: a task needing instance.delete and template.manage; built-in names and bad bodies are 400s', async () => {
    const { id } = t.agent.add({ kind: 'vm', ctid: null, name: 'base-vm' });
    for (const body of [{ name: 'tiny-linux' }, { name: 'bad name' }, {}, { name: 'ok', x: 1 }]) {
      const res = await call('POST', `/api/v1/instances/${id}/template`, body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    }
    const role = await t.db.role.create({
      data: {
        name: 'no-templates',
        permissions: JSON.stringify(['instance.view', 'instance.delete']),
      },
    });
    const { headers } = await t.userWith('deleter', [{ role: role.id, scope: 'all' }]);
    const refused = await call(
      'POST',
      `/api/v1/instances/${id}/template`,
      { name: 'gold' },
      headers,
    );
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(refused.json<ErrorBody>().error.message, /template\.manage/);

    const res = await call('POST', `/api/v1/instances/${id}/template`, { name: 'gold' });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json<TaskAccepted>().task.kind, 'instance.template');
    assert.match((await lastAudit('instance.template'))?.detail ?? '', /"template":"gold"/);
    const gone = await t.inject({
      method: 'DELETE',
      url: '/api/v1/templates/gold',
      headers: admin,
    });
    assert.equal(gone.statusCode, 204, gone.body);
    assert.equal((await lastAudit('template.delete'))?.targetId, 'gold');
  });
});
