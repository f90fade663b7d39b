import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  conflict,
  type ContainerUpdatesStarted,
  type ErrorBody,
  type HostUpdates,
  type TaskAccepted,
} from '@berth/contracts';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';

describe('host updates: the listing, the refresh permission, the apply task and its refusal (fake agent)', () => {
  let t: TestApi;
  let hostId: string;
  before(async () => {
    t = await buildTestApi();
    hostId = (await t.db.host.findFirstOrThrow()).id;
    t.agent.hostUpdates = {
      ...t.agent.hostUpdates,
      packages: [
        {
          name: 'openssl',
          from: '3.0.15-1',
          to: '3.0.17-1',
          arch: 'amd64',
          origin: 'bookworm-security',
          security: true,
        },
      ],
    };
  });
  after(() => t.close());
  const url = (tail = '') => `/api/v1/hosts/${hostId}/updates${tail}`;

  test('anyone with host.view lists; a refresh (apt-get update on the host) needs host.manage', async () => {
    const auditor = await t.as('auditor');
    const list = await t.inject({ method: 'GET', url: url(), headers: auditor });
    assert.equal(list.statusCode, 200, list.body);
    const body = list.json<HostUpdates>();
    assert.equal(body.berthVersion, '0.1.0');
    assert.equal(body.packages[0]!.security, true);
    assert.ok(t.agent.calls.includes('updates false'));

    const refused = await t.inject({ method: 'GET', url: url('?refresh=true'), headers: auditor });
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(refused.json<ErrorBody>().error.message, /host\.manage/);
    assert.ok(!t.agent.calls.includes('updates true'));

    const admin = await t.as('admin');
    const refreshed = await t.inject({ method: 'GET', url: url('?refresh=true'), headers: admin });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    assert.ok(t.agent.calls.includes('updates true'));
  });

  test('apply is a host.upgrade task, audited with simulate', async () => {
    const res = await t.inject({
      method: 'POST',
      url: url('/apply'),
      payload: { simulate: true },
      headers: await t.as('admin'),
    });
    assert.equal(res.statusCode, 202, res.body);
    const { task } = res.json<TaskAccepted>();
    assert.equal(task.kind, 'host.upgrade');
    assert.equal(task.hostId, hostId);
    assert.ok(t.agent.calls.includes('applyUpdates true'));
    const row = await t.db.auditEvent.findFirst({ where: { action: 'host.upgrade' } });
    assert.ok(row, 'audited');
    assert.match(row.detail ?? '', /"simulate":true/);
  });

  test("the agent's refusal (another upgrade, a migration) is a 409 with its words, and no task", async () => {
    const before = await t.db.task.count();
    t.agent.failNext(
      'applyUpdates',
      conflict('host.upgrade is running on this host (operation x): upgrade after it ends'),
    );
    const res = await t.inject({
      method: 'POST',
      url: url('/apply'),
      payload: {},
      headers: await t.as('admin'),
    });
    assert.equal(res.statusCode, 409, res.body);
    assert.match(res.json<ErrorBody>().error.message, /host\.upgrade is running/);
    assert.equal(await t.db.task.count(), before);
  });

  test('bad input is a 400 naming the field; an operator may not apply', async () => {
    const admin = await t.as('admin');
    for (const [payload, field] of [
      [{ simulate: 'yes' }, /simulate/],
      [{ simulate: true, packages: ['x'] }, /packages|unrecognized/i],
    ] as const) {
      const res = await t.inject({ method: 'POST', url: url('/apply'), payload, headers: admin });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.body, field);
    }
    const bad = await t.inject({ method: 'GET', url: url('?refresh=maybe'), headers: admin });
    assert.equal(bad.statusCode, 400, bad.body);
    const op = await t.inject({
      method: 'POST',
      url: url('/apply'),
      payload: {},
      headers: await t.as('operator'),
    });
    assert.equal(op.statusCode, 403, op.body);
  });

  test('a container: listing and apply are instance.configure, scoped; apply is an audited task', async () => {
    const ct = t.agent.add({ name: 'deb', ctid: 140, state: 'running', tags: ['web'] });
    const admin = await t.as('admin');
    const list = await t.inject({
      method: 'GET',
      url: `/api/v1/instances/${ct.id}/updates`,
      headers: admin,
    });
    assert.equal(list.statusCode, 200, list.body);
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ct.id}/updates/apply`,
      headers: admin,
    });
    assert.equal(res.statusCode, 202, res.body);
    const { task } = res.json<TaskAccepted>();
    assert.equal(task.kind, 'instance.upgrade');
    assert.equal(task.instanceId, ct.id);
    assert.ok(
      await t.db.auditEvent.findFirst({ where: { action: 'instance.upgrade', targetId: ct.id } }),
    );
    const auditor = await t.as('auditor');
    const denied = await t.inject({
      method: 'GET',
      url: `/api/v1/instances/${ct.id}/updates`,
      headers: auditor,
    });
    assert.equal(denied.statusCode, 403, denied.body);
  });

  test('by tag: one task per running container the caller may configure; the others with why', async () => {
    const up = t.agent.add({ name: 'tag-up', ctid: 141, state: 'running', tags: ['batch'] });
    const down = t.agent.add({ name: 'tag-down', ctid: 142, state: 'stopped', tags: ['batch'] });
    t.agent.add({ name: 'other', ctid: 143, state: 'running', tags: ['else'] });
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/updates/containers',
      payload: { tag: 'batch' },
      headers: await t.as('admin'),
    });
    assert.equal(res.statusCode, 202, res.body);
    const body = res.json<ContainerUpdatesStarted>();
    assert.deepEqual(
      body.tasks.map((x) => x.instanceId),
      [up.id],
    );
    assert.deepEqual(
      body.skipped.map((x) => [x.instanceId, x.reason]),
      [[down.id, 'it is stopped: start it to update its packages']],
    );
    const bad = await t.inject({
      method: 'POST',
      url: '/api/v1/updates/containers',
      payload: { tag: 'Not A Tag!' },
      headers: await t.as('admin'),
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.body, /tag/);
  });
});
