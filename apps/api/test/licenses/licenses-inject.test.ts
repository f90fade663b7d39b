import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, LicenseDocument, LicensesOverview } from '@berth/contracts';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';
import { issue } from './issue.js';

process.env.BERTH_TRUST_TEST_LICENSES = '1';

const text = (d: LicenseDocument) => JSON.stringify(d);

describe('licenses: install, view, statuses, transfer and the start limit (fake agents)', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  const overview = async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/licenses', headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<LicensesOverview>();
  };
  const put = (url: string, payload: unknown) =>
    t.inject({ method: 'PUT', url, payload: payload as object, headers: admin });

  before(async () => {
    t = await buildTestApi({ extraHosts: ['http://second-host'] });
    admin = await t.as('admin');
  });
  after(() => t.close());

  test('with no license the free edition applies, and says so', async () => {
    const o = await overview();
    assert.equal(o.testKeysTrusted, true);
    assert.equal(o.console.source, 'free');
    assert.equal(o.console.state, null);
    assert.deepEqual(o.console.limits, o.free);
    assert.equal(o.hosts.length, 2);
    for (const h of o.hosts) assert.equal(h.source, 'free');
  });

  test('a console license signed with the test key installs and shows its limits; an update is audited with both key ids', async () => {
    const first = issue('--edition', 'standard', '--running-containers', '7', '--days', '30');
    assert.equal((await put('/api/v1/licenses/console', { license: text(first) })).statusCode, 204);
    let o = await overview();
    assert.equal(o.console.source, 'console');
    assert.equal(o.console.state, 'valid');
    assert.equal(o.console.daysLeft, 30);
    assert.equal(o.console.limits.runningContainers, 7);
    assert.equal(o.console.license?.edition, 'standard');
    for (const h of o.hosts) assert.equal(h.source, 'console');

    const second = issue('--edition', 'premium', '--running-containers', '9');
    assert.equal(
      (await put('/api/v1/licenses/console', { license: text(second) })).statusCode,
      204,
    );
    o = await overview();
    assert.equal(o.console.license?.id, second.payload.id);
    const row = await t.db.auditEvent.findFirst({
      where: { action: 'license.update' },
      orderBy: { seq: 'desc' },
    });
    assert.ok(row, 'the update is audited');
    assert.match(JSON.stringify(row), new RegExp(first.payload.id));
    assert.match(JSON.stringify(row), new RegExp(second.payload.id));
  });

  test('expiry moves a license into grace, then expired (the free edition applies again)', async () => {
    const grace = issue('--days=-2', '--grace', '5', '--running-containers', '4');
    await put('/api/v1/licenses/console', { license: text(grace) });
    let o = await overview();
    assert.equal(o.console.state, 'grace');
    assert.equal(o.console.daysLeft, 3);
    assert.equal(o.console.limits.runningContainers, 4, 'grace still grants the limits');

    const expired = issue('--days=-10', '--grace', '5');
    await put('/api/v1/licenses/console', { license: text(expired) });
    o = await overview();
    assert.equal(o.console.state, 'expired');
    assert.equal(o.console.daysLeft, 0);
    assert.equal(o.console.source, 'free');
    assert.deepEqual(o.console.limits, o.free);
  });

  test('a tampered license, an unknown key, a host license for the console and bad input are refused, nothing changed', async () => {
    const before = (await overview()).console.license?.id;
    const good = issue('--running-containers', '1');
    // One byte of the payload changed after signing.
    const tampered = text(good).replace('"runningContainers":1', '"runningContainers":9');
    const unknown = issue('--key-id', 'berth-nobody');
    const hostScoped = issue('--scope', 'host');
    const cases: Array<[unknown, RegExp]> = [
      [{ license: tampered }, /invalid signature/],
      [{ license: text(unknown) }, /unknown key/],
      [{ license: text(hostScoped) }, /host license/],
      [{ license: 'not json' }, /not a Berth license/],
      [{ license: text(good), extra: 1 }, /extra|unrecognized/i],
      [{}, /license/],
    ];
    for (const [body, message] of cases) {
      const res = await put('/api/v1/licenses/console', body);
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json<ErrorBody>().error.message, message);
    }
    assert.equal((await overview()).console.license?.id, before);
  });

  test('a start beyond the running-container limit is a 409 naming the limit and the count', async () => {
    await t.inject({ method: 'DELETE', url: '/api/v1/licenses/console', headers: admin });
    await put('/api/v1/licenses/console', {
      license: text(issue('--edition', 'tiny', '--running-containers', '1')),
    });
    t.agent.add({ name: 'one', state: 'running' });
    const second = t.agent.add({ name: 'two', ctid: 101, state: 'stopped' });
    const callsBefore = t.agent.calls.filter((c) => c.startsWith('action')).length;
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${second.id}/actions/start`,
      headers: admin,
    });
    assert.equal(res.statusCode, 409, res.body);
    assert.match(
      res.json<ErrorBody>().error.message,
      /running containers 1 of 1 in use on this host under the console license \(tiny\)/,
    );
    assert.equal(t.agent.calls.filter((c) => c.startsWith('action')).length, callsBefore);
    // A VM is another limit: it still starts.
    const vm = t.agent.add({ name: 'vm1', kind: 'vm', ctid: null, state: 'stopped' });
    const vmStart = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${vm.id}/actions/start`,
      headers: admin,
    });
    assert.equal(vmStart.statusCode, 202, vmStart.body);
  });

  test('a host license installs on one host, moves with transfer, and the old host may not take it back', async () => {
    const o = await overview();
    const [a, b] = o.hosts.map((h) => h.hostId!);
    const lic = issue('--scope', 'host', '--edition', 'host-pro', '--running-containers', '5');
    assert.equal((await put(`/api/v1/hosts/${a}/license`, { license: text(lic) })).statusCode, 204);
    let view = (await overview()).hosts.find((h) => h.hostId === a)!;
    assert.equal(view.source, 'host');
    assert.equal(view.license?.edition, 'host-pro');
    assert.equal(view.limits.runningContainers, 5);

    const moved = await t.inject({
      method: 'POST',
      url: `/api/v1/hosts/${a}/license/transfer`,
      payload: { toHostId: b },
      headers: admin,
    });
    assert.equal(moved.statusCode, 204, moved.body);
    const after = await overview();
    assert.equal(after.hosts.find((h) => h.hostId === b)!.license?.id, lic.payload.id);
    view = after.hosts.find((h) => h.hostId === a)!;
    assert.notEqual(view.source, 'host');
    assert.equal(view.license?.id ?? null, after.console.license?.id ?? null);

    const again = await put(`/api/v1/hosts/${a}/license`, { license: text(lic) });
    assert.equal(again.statusCode, 409, again.body);
    assert.match(again.json<ErrorBody>().error.message, /active on host .*transfer/);

    const toSelf = await t.inject({
      method: 'POST',
      url: `/api/v1/hosts/${b}/license/transfer`,
      payload: { toHostId: b },
      headers: admin,
    });
    assert.equal(toSelf.statusCode, 400, toSelf.body);
    const unknownHost = await put('/api/v1/hosts/nope/license', { license: text(lic) });
    assert.equal(unknownHost.statusCode, 404, unknownHost.body);

    assert.equal(
      (await t.inject({ method: 'DELETE', url: `/api/v1/hosts/${b}/license`, headers: admin }))
        .statusCode,
      204,
    );
    assert.equal((await overview()).hosts.find((h) => h.hostId === b)!.source, 'console');
  });

  test('a host added beyond the hosts limit takes no create or start (409 naming the count); the first host still does', async () => {
    const second = (await overview()).hosts.find((h) => h.hostName === 'second-host')!.hostId!;
    await put('/api/v1/licenses/console', {
      license: text(issue('--edition', 'one-host', '--hosts', '1', '--running-containers', '9')),
    });
    const create = (hostId?: string) =>
      t.inject({
        method: 'POST',
        url: `/api/v1/instances${hostId ? `?hostId=${hostId}` : ''}`,
        payload: { template: 'busybox', name: `lic-${hostId ? 'over' : 'first'}` },
        headers: admin,
      });
    const refused = await create(second);
    assert.equal(refused.statusCode, 409, refused.body);
    assert.match(
      refused.json<ErrorBody>().error.message,
      /hosts 2 registered, 1 allowed under the console license \(one-host\).*remove a host or install/,
    );
    const onSecond = t.agents.get('http://second-host')!;
    const stopped = onSecond.add({ name: 'far', ctid: 190, state: 'stopped' });
    const start = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${stopped.id}/actions/start`,
      headers: admin,
    });
    assert.equal(start.statusCode, 409, start.body);
    assert.match(start.json<ErrorBody>().error.message, /hosts 2 registered/);
    assert.ok(!onSecond.calls.some((c) => c.startsWith('create') || c.startsWith('action')));
    assert.equal((await create()).statusCode, 202);

    // A license allowing both hosts lifts the refusal.
    await put('/api/v1/licenses/console', { license: text(issue('--hosts', '2')) });
    assert.equal((await create(second)).statusCode, 202);
  });
});
