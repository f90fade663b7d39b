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
  audit = new Audit(db, { error: () => undefined });
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

test('the newest rows deleted are caught: the head kept with each write is past the end', async () => {
  for (let i = 0; i < 4; i++) await audit.record(alice, entry('instance.start', { n: i }));
  await tamper(`DELETE FROM AuditEvent WHERE seq >= 3`);
  const result = await audit.verify();
  assert.equal(result.ok, false);
  assert.equal(result.firstBroken?.seq, 3);
  assert.match(result.firstBroken!.reason, /rows 3–4 are missing/);
});

test('rows from before the chain are sealed at start, in seq order', async () => {
  await audit.record(alice, entry('instance.create'));
  // Legacy rows, as the migration leaves them: seq in time order, no links yet.
  await tamper(`DELETE FROM AuditEvent`);
  for (const seq of [1, 2, 3])
    await tamper(
      `INSERT INTO AuditEvent (id, seq, prevHash, hash, at, actor, action, targetType, outcome)
       VALUES (?, ?, '', '', ?, 'bob', 'instance.start', 'instance', 'success')`,
      `legacy-${seq}`,
      seq,
      // Hours ago, written as Prisma writes dates in SQLite.
      new Date(Date.now() - (4 - seq) * 3600_000).toISOString().replace('Z', '+00:00'),
    );
  const unsealed = await audit.verify();
  assert.equal(unsealed.firstBroken?.seq, 1);
  assert.match(unsealed.firstBroken!.reason, /sealed/);

  const restarted = new Audit(db, { error: () => undefined });
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

const daysAgo = (days: number) =>
  new Date(Date.now() - days * 86_400_000).toISOString().replace('Z', '+00:00');

test('pruning removes the oldest rows, anchors the chain, and verify starts after the anchor', async () => {
  for (let i = 0; i < 5; i++) await audit.record(alice, entry('instance.start', { n: i }));
  const third = await db.auditEvent.findUniqueOrThrow({ where: { seq: 3 } });
  // Rows 1–3 from last year; row 2 is older than row 3, as clocks allow.
  await tamper(`UPDATE AuditEvent SET at = ? WHERE seq IN (1, 3)`, daysAgo(400));
  await tamper(`UPDATE AuditEvent SET at = ? WHERE seq = 2`, daysAgo(500));
  assert.deepEqual(await audit.prune(), { pruned: 3, anchorSeq: 3 });

  const kept = await db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
  assert.deepEqual(
    kept.map((r) => [r.seq, r.action]),
    [
      [4, 'instance.start'],
      [5, 'instance.start'],
      [6, 'audit.prune'],
    ],
  );
  assert.deepEqual(await audit.anchor(), { seq: 3, hash: third.hash });
  assert.deepEqual(await audit.verify(), { ok: true, checked: 3, fromSeq: 4, firstBroken: null });
  // A second run finds nothing old enough.
  assert.deepEqual(await audit.prune(), { pruned: 0, anchorSeq: null });
});

test('with every row pruned, the next row links onto the anchor', async () => {
  await audit.updateSettings({ retentionDays: 30 });
  for (let i = 0; i < 3; i++) await audit.record(alice, entry('instance.start', { n: i }));
  await tamper(`UPDATE AuditEvent SET at = ?`, daysAgo(31));
  assert.deepEqual(await audit.prune(), { pruned: 3, anchorSeq: 3 });
  const next = await db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
  assert.equal(next.seq, 4);
  assert.equal(next.action, 'audit.prune');
  assert.deepEqual(await audit.verify(), { ok: true, checked: 1, fromSeq: 4, firstBroken: null });
  // A deleted row just after the anchor is still caught.
  await audit.record(alice, entry('instance.stop'));
  await tamper(`DELETE FROM AuditEvent WHERE seq = 4`);
  assert.equal((await audit.verify()).firstBroken?.seq, 5);
});

test('filters narrow the rows and pages continue by cursor, past any fixed ceiling', async () => {
  const bob: Actor = { userId: null, name: 'bob', ip: null };
  const token: Actor = { userId: null, name: 'alice (token ci)', ip: null };
  const alicia: Actor = { userId: null, name: 'alicia', ip: null };
  for (let i = 0; i < 30; i++) await audit.record(alice, entry('instance.start', { n: i }));
  await audit.record(bob, {
    ...entry('template.build'),
    targetType: 'template',
    targetId: 'busybox',
  });
  await audit.record(token, {
    ...entry('instance.delete'),
    outcome: 'failure',
    detail: { error: 'disk busy' },
  });
  await audit.record(alicia, entry('instance.stop'));

  const all: number[] = [];
  let cursor: number | undefined;
  for (;;) {
    const page = await audit.list({}, 7, cursor);
    all.push(...page.items.map((e) => e.seq));
    if (!page.nextCursor) break;
    cursor = Number(page.nextCursor);
  }
  assert.deepEqual(
    all,
    Array.from({ length: 33 }, (_, i) => 33 - i),
  );

  const seqs = async (filter: Parameters<Audit['list']>[0]) =>
    (await audit.list(filter, 500)).items.map((e) => e.actor + ':' + e.action);
  assert.deepEqual(await seqs({ actor: 'alice', action: 'instance.d' }), [
    'alice (token ci):instance.delete',
  ]);
  assert.equal((await seqs({ actor: 'alice' })).length, 31);
  assert.deepEqual(await seqs({ outcome: 'failure' }), ['alice (token ci):instance.delete']);
  assert.deepEqual(await seqs({ targetType: 'template', targetId: 'busybox' }), [
    'bob:template.build',
  ]);
  assert.deepEqual(await seqs({ q: 'disk busy' }), ['alice (token ci):instance.delete']);
  assert.deepEqual(await seqs({ q: 'busybox' }), ['bob:template.build']);
  assert.deepEqual(await seqs({ action: 'instance.stop' }), ['alicia:instance.stop']);
  assert.equal((await seqs({ from: new Date(Date.now() + 60_000).toISOString() })).length, 0);
  assert.equal((await seqs({ to: new Date(Date.now() + 60_000).toISOString() })).length, 33);
});

test('every row of a task shows the outcome of its newest row', async () => {
  await audit.record(alice, { ...entry('instance.create'), taskId: 't1' });
  await audit.record(alice, entry('instance.start'));
  await audit.settleTask('t1', 'failure', 'boom');
  const { items } = await audit.list({}, 10);
  assert.deepEqual(
    items.map((e) => [e.action, e.outcome, e.taskOutcome]),
    [
      ['instance.create', 'failure', 'failure'],
      ['instance.start', 'success', null],
      ['instance.create', 'success', 'failure'],
    ],
  );
});

test('before and after are stored with the row and covered by its hash', async () => {
  await audit.record(alice, {
    ...entry('instance.update'),
    before: { memoryMiB: 256 },
    after: { memoryMiB: 512 },
  });
  const [event] = (await audit.list({}, 1)).items;
  assert.deepEqual([event!.before, event!.after], [{ memoryMiB: 256 }, { memoryMiB: 512 }]);
  await tamper(`UPDATE AuditEvent SET "after" = '{"memoryMiB":128}'`);
  assert.equal((await audit.verify()).firstBroken?.seq, 1);
});
