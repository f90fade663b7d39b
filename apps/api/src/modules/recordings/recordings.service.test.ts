import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { PrismaClient } from '@berth/db';
import { openTestDatabase } from '../../../test/test-db.js';
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
  const recordings = new Recordings({
    db,
    hosts: {} as Hosts,
    dataDir,
    log: { error: () => undefined, warn: () => undefined },
  });
  await recordings.recover();

  const finished = await db.consoleRecording.findUniqueOrThrow({ where: { id: open } });
  assert.equal(finished.bytes, 42);
  assert.ok(finished.endedAt && finished.endedAt > finished.startedAt);
  const untouched = await db.consoleRecording.findUniqueOrThrow({ where: { id: closed } });
  assert.equal(untouched.bytes, 7);
  assert.deepEqual((await readdir(path.join(dataDir, 'recordings'))).sort(), [open, closed]);
});
