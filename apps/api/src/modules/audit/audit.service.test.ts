import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { PrismaClient } from '@berth/db';
import { openTestDatabase } from '../../../test/test-db.js';
import { Audit, type Actor } from './audit.service.js';

const alice: Actor = { userId: null, name: 'alice', ip: '10.0.0.1' };
let db: PrismaClient;
let close: () => Promise<void>;
let audit: Audit;

beforeEach(async () => {
  ({ db, close } = await openTestDatabase());
  audit = new Audit(db);
  await audit.start();
});
afterEach(async () => {
  await audit.stop();
  await close();
});

/** Tampering happens behind the API's back: plain SQL on the database. */
async function tamper(sql: string, ...params: unknown[]): Promise<void> {
  await db.$executeRawUnsafe(sql, ...params);
}

const entry = (action: string, detail?: unknown) => ({
  action,
  targetType: 'instance',
  targetId: '101',
  outcome: 'success' as const,
  detail,
});

test('rows are chained in seq order and verify accepts the chain', async () => {
  for (let i = 0; i < 5; i++) await audit.record(alice, entry(`instance.start`, { n: i }));
  const rows = await db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
  assert.deepEqual(
    rows.map((r) => r.seq),
    [1, 2, 3, 4, 5],
  );
  assert.equal(rows[0]!.prevHash, '');
  for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.prevHash, rows[i - 1]!.hash);
  assert.deepEqual(await audit.verify(), { ok: true, checked: 5, fromSeq: 1, firstBroken: null });
});

test('concurrent records take distinct seqs and leave a valid chain', async () => {
  await Promise.all(
    Array.from({ length: 40 }, (_, i) => audit.record(alice, entry('instance.stop', { i }))),
  );
  const seqs = (await db.auditEvent.findMany({ orderBy: { seq: 'asc' } })).map((r) => r.seq);
  assert.deepEqual(
    seqs,
    Array.from({ length: 40 }, (_, i) => i + 1),
  );
  assert.equal((await audit.verify()).ok, true);
});

test('a row edited in the database is named by verify', async () => {
  for (let i = 0; i < 4; i++) await audit.record(alice, entry('instance.start', { n: i }));
  const third = await db.auditEvent.findUniqueOrThrow({ where: { seq: 3 } });
  await tamper(`UPDATE AuditEvent SET outcome = 'failure' WHERE seq = 3`);
  const result = await audit.verify();
  assert.equal(result.ok, false);
  assert.equal(result.firstBroken?.seq, 3);
  assert.equal(result.firstBroken?.id, third.id);
  assert.match(result.firstBroken!.reason, /content/);

  await tamper(`UPDATE AuditEvent SET outcome = 'success', detail = '{"n":99}' WHERE seq = 3`);
  assert.equal((await audit.verify()).firstBroken?.seq, 3);
});

test('a row deleted from the middle is caught at the row after it', async () => {
  for (let i = 0; i < 4; i++) await audit.record(alice, entry('instance.start', { n: i }));
  await tamper(`DELETE FROM AuditEvent WHERE seq = 2`);
  const result = await audit.verify();
  assert.equal(result.ok, false);
  assert.equal(result.firstBroken?.seq, 3);
  assert.match(result.firstBroken!.reason, /missing/);

  // Renumbering to hide the gap leaves the link broken.
  await tamper(`UPDATE AuditEvent SET seq = seq - 1 WHERE seq > 2`);
  const renumbered = await audit.verify();
  assert.equal(renumbered.firstBroken?.seq, 2);
});

test('rows from before the chain are sealed at start, in seq order', async () => {
  await audit.record(alice, entry('instance.create'));
  // Legacy rows, as the migration leaves them: seq in time order, no links yet.
  await tamper(`DELETE FROM AuditEvent`);
  for (const seq of [1, 2, 3])
    await tamper(
      `INSERT INTO AuditEvent (id, seq, prevHash, hash, at, actor, action, targetType, outcome) VALUES (?, ?, '', '', ?, 'bob', 'instance.start', 'instance', 'success')`,
      `legacy-${seq}`,
      seq,
      Date.UTC(2026, 0, seq),
    );
  const unsealed = await audit.verify();
  assert.equal(unsealed.firstBroken?.seq, 1);
  assert.match(unsealed.firstBroken!.reason, /sealed/);

  const restarted = new Audit(db);
  await restarted.start();
  await restarted.record(alice, entry('instance.stop'));
  const rows = await db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
  assert.deepEqual(
    rows.map((r) => [r.seq, r.actor]),
    [
      [1, 'bob'],
      [2, 'bob'],
      [3, 'bob'],
      [4, 'alice'],
    ],
  );
  assert.deepEqual(await restarted.verify(), {
    ok: true,
    checked: 4,
    fromSeq: 1,
    firstBroken: null,
  });
  await restarted.stop();
});

test('a task settles with a row of its own; the call row is left as it was', async () => {
  await audit.record(alice, { ...entry('instance.create'), taskId: 't1' });
  await audit.settleTask('t1', 'failure', 'no space');
  const rows = await db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
  assert.equal(rows.length, 2);
  assert.equal(rows[0]!.outcome, 'success');
  assert.equal(rows[1]!.outcome, 'failure');
  assert.equal(rows[1]!.action, 'instance.create');
  assert.equal(rows[1]!.actor, 'alice');
  assert.equal(rows[1]!.taskId, 't1');
  assert.deepEqual(JSON.parse(rows[1]!.detail!), { task: 'failed', error: 'no space' });
  assert.equal((await audit.verify()).ok, true);
});
