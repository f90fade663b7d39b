import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  ConsoleTicket,
  ErrorBody,
  Instance,
  Recording,
  RecordingPolicy,
  RecordingSetting,
} from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe('recording policies, the recorded flag of tickets, and the ticket cap', () => {
  let t: TestApi;
  let vm: Instance;
  before(async () => {
    t = await buildTestApi({
      config: { consoleLimits: { perUser: 20, perConsole: 8, unusedTickets: 5 } },
    });
    vm = t.agent.add({ kind: 'vm', ctid: null });
  });
  after(() => t.close());

  const ticket = async (who: Record<string, string>, body: object = { kind: 'vnc' }) =>
    t.inject({
      method: 'POST',
      url: `/api/v1/instances/${vm.id}/console-tickets`,
      payload: body,
      headers: who,
    });

  test('an instance policy turns on and off, audited with before and after; tickets say so', async () => {
    const admin = await t.as('admin');
    assert.equal((await ticket(admin)).json<ConsoleTicket>().recorded, false);
    const on = await t.inject({
      method: 'PUT',
      url: `/api/v1/recording-policies/instances/${vm.id}`,
      payload: { enabled: true },
      headers: admin,
    });
    assert.equal(on.statusCode, 200, on.body);
    assert.equal(on.json<RecordingSetting>().scope, 'instance');
    assert.equal(on.json<RecordingSetting>().enabled, true);
    assert.match(on.json<RecordingSetting>().target, new RegExp(`/${vm.id}$`));
    assert.equal((await ticket(admin)).json<ConsoleTicket>().recorded, true);

    const list = await t.inject({ url: '/api/v1/recording-policies', headers: admin });
    assert.deepEqual(
      list.json<{ items: RecordingPolicy[] }>().items.map((p) => p.scope),
      ['instance'],
    );
    // Twice on is still one policy; off is off.
    await t.inject({
      method: 'PUT',
      url: `/api/v1/recording-policies/instances/${vm.id}`,
      payload: { enabled: true },
      headers: admin,
    });
    assert.equal(await t.db.recordingPolicy.count(), 1);
    const off = await t.inject({
      method: 'PUT',
      url: `/api/v1/recording-policies/instances/${vm.id}`,
      payload: { enabled: false },
      headers: admin,
    });
    assert.equal(off.json<RecordingSetting>().enabled, false);
    assert.equal((await ticket(admin)).json<ConsoleTicket>().recorded, false);

    const rows = await t.db.auditEvent.findMany({
      where: { action: 'recording.policy' },
      orderBy: { seq: 'asc' },
    });
    assert.equal(rows.length, 3);
    assert.deepEqual(JSON.parse(rows[0]!.before!), { recorded: false });
    assert.deepEqual(JSON.parse(rows[0]!.after!), { recorded: true });
    assert.deepEqual(JSON.parse(rows[2]!.after!), { recorded: false });
    await t.db.consoleTicket.deleteMany();
  });

  test("a role policy records its users' consoles, and only theirs", async () => {
    const admin = await t.as('admin');
    const operator = await t.as('operator');
    const res = await t.inject({
      method: 'PUT',
      url: '/api/v1/recording-policies/roles/operator',
      payload: { enabled: true },
      headers: admin,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await ticket(operator)).json<ConsoleTicket>().recorded, true);
    assert.equal((await ticket(admin)).json<ConsoleTicket>().recorded, false);
    const unknown = await t.inject({
      method: 'PUT',
      url: '/api/v1/recording-policies/roles/no-such-role',
      payload: { enabled: true },
      headers: admin,
    });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.json<ErrorBody>().error.message, /no role no-such-role/);
    await t.inject({
      method: 'PUT',
      url: '/api/v1/recording-policies/roles/operator',
      payload: { enabled: false },
      headers: admin,
    });
    await t.db.consoleTicket.deleteMany();
  });

  test('who may: operators cannot change or replay recordings, auditors replay, nobody sends extra fields', async () => {
    const operator = await t.as('operator');
    const auditor = await t.as('auditor');
    const put = (who: Record<string, string>, payload: object) =>
      t.inject({
        method: 'PUT',
        url: `/api/v1/recording-policies/instances/${vm.id}`,
        payload,
        headers: who,
      });
    assert.equal((await put(operator, { enabled: true })).statusCode, 403);
    assert.equal((await put(auditor, { enabled: true })).statusCode, 403);
    assert.equal((await put(await t.as('admin'), { enabled: true, extra: 1 })).statusCode, 400);
    assert.equal(
      (await t.inject({ url: '/api/v1/recordings', headers: operator })).statusCode,
      403,
    );
    const listed = await t.inject({ url: '/api/v1/recordings', headers: auditor });
    assert.equal(listed.statusCode, 200);
    assert.deepEqual(listed.json<{ items: Recording[] }>().items, []);
    const missing = await t.inject({
      url: '/api/v1/recordings/11111111-1111-4111-8111-111111111111/cast',
      headers: auditor,
    });
    assert.equal(missing.statusCode, 404);
    // A view-only ticket is enough for an auditor to watch; typing is not.
    assert.equal((await ticket(auditor, { kind: 'vnc', viewOnly: true })).statusCode, 201);
    const typing = await ticket(auditor, { kind: 'vnc' });
    assert.equal(typing.statusCode, 403);
    assert.match(typing.json<ErrorBody>().error.message, /instance\.console permission/);
    await t.db.consoleTicket.deleteMany();
  });

  test('past the cap of unused tickets a ticket request gets 429 with Retry-After', async () => {
    const admin = await t.as('admin');
    for (let i = 0; i < 5; i++) assert.equal((await ticket(admin)).statusCode, 201);
    const refused = await ticket(admin);
    assert.equal(refused.statusCode, 429);
    assert.match(refused.json<ErrorBody>().error.message, /too many console tickets: 5 unused/);
    const wait = Number(refused.headers['retry-after']);
    assert.ok(wait >= 1 && wait <= 30, `Retry-After ${wait}`);
    // Another user has their own allowance.
    assert.equal((await ticket(await t.as('operator'))).statusCode, 201);
    // A used ticket no longer counts.
    await t.db.consoleTicket.updateMany({ data: { usedAt: new Date() } });
    assert.equal((await ticket(admin)).statusCode, 201);
  });
});
