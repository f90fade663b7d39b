import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { PrismaClient } from '@berth/db';
import { openTestDatabase } from '../../../test/test-db.js';
import type { AuditEntry } from '../audit/audit.service.js';
import type { Hosts } from '../hosts/hosts.service.js';
import { Recordings } from './recordings.service.js';

let db: PrismaClient;
let closeDb: () => Promise<void>;
let dataDir: string;
before(async () => {
  ({ db, close: closeDb } = await openTestDatabase());
  dataDir = await mkdtemp(path.join(tmpdir(), 'berth-recordings-'));
});
after(async () => {
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
});

const audited: AuditEntry[] = [];
const make = () =>
  new Recordings({
    db,
    hosts: {} as Hosts,
    audit: { record: async (_actor, entry) => (audited.push(entry), 'audit-id') },
    dataDir,
    log: { error: () => undefined, warn: () => undefined },
  });

const row = (id: string, endedAt: Date | null) => ({
  id,
  hostId: 'h',
  instanceId: 'i',
  kind: 'shell',
  format: 'asciicast-v2',
  path: path.join('recordings', id),
  actor: 'alice',
  startedAt: new Date(Date.now() - 60_000),
  endedAt,
});

test('a start after a crash finishes open recordings from their files and drops orphan folders', async () => {
  const open = '11111111-1111-4111-8111-111111111111';
  const closed = '22222222-2222-4222-8222-222222222222';
  const orphan = '33333333-3333-4333-8333-333333333333';
  await db.consoleRecording.create({ data: row(open, null) });
  await db.consoleRecording.create({ data: { ...row(closed, new Date()), bytes: 7 } });
  for (const id of [open, closed, orphan]) {
    await mkdir(path.join(dataDir, 'recordings', id), { recursive: true });
    await writeFile(path.join(dataDir, 'recordings', id, 'session.cast'), 'x'.repeat(42));
  }
  await make().recover();

  const finished = await db.consoleRecording.findUniqueOrThrow({ where: { id: open } });
  assert.equal(finished.bytes, 42);
  assert.ok(finished.endedAt && finished.endedAt > finished.startedAt);
  const untouched = await db.consoleRecording.findUniqueOrThrow({ where: { id: closed } });
  assert.equal(untouched.bytes, 7);
  assert.deepEqual((await readdir(path.join(dataDir, 'recordings'))).sort(), [open, closed]);
});

test('a retention deletes recordings that ended before it, files and all, in one audit row', async () => {
  const recordings = make();
  const day = 86_400_000;
  const old = '44444444-4444-4444-8444-444444444444';
  const recent = '55555555-5555-4555-8555-555555555555';
  const open = '66666666-6666-4666-8666-666666666666';
  await db.consoleRecording.create({ data: row(old, new Date(Date.now() - 3 * day)) });
  await db.consoleRecording.create({ data: row(recent, new Date(Date.now() - day / 2)) });
  await db.consoleRecording.create({ data: row(open, null) });
  for (const id of [old, recent, open])
    await mkdir(path.join(dataDir, 'recordings', id), { recursive: true });

  assert.equal(await recordings.prune(), 0, 'kept for ever by default');
  const { before, after } = await recordings.setSettings({ retentionDays: 2 });
  assert.deepEqual(before, { retentionDays: null });
  assert.deepEqual(after, { retentionDays: 2 });
  assert.deepEqual(await recordings.settings(), { retentionDays: 2 });

  const left = (await db.consoleRecording.findMany({ select: { id: true } })).map((r) => r.id);
  assert.ok(!left.includes(old));
  assert.ok(left.includes(recent) && left.includes(open));
  const folders = await readdir(path.join(dataDir, 'recordings'));
  assert.ok(!folders.includes(old) && folders.includes(recent));
  const pruned = audited.filter((e) => e.action === 'recording.prune');
  assert.equal(pruned.length, 1);
  assert.deepEqual((pruned[0]!.detail as { count: number }).count, 1);
});
