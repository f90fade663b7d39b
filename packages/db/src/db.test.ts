import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase } from './index.js';
import { applyMigrations, migrationsDir } from './migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-db-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('openDatabase migrates a fresh SQLite file once and returns a working client', async () => {
  // Nested path: openDatabase must create the parent directories.
  const file = join(dir, 'nested', 'berth.db');
  const url = `file:${file}`;

  const first = await openDatabase(url);
  const user = await first.user.create({
    data: { username: 'alice', passwordHash: 'x', role: 'admin' },
  });
  const task = await first.task.create({
    data: { kind: 'instance.create', status: 'queued', userId: user.id },
  });
  await first.session.create({
    data: { tokenHash: 'h1', userId: user.id, expiresAt: new Date(Date.now() + 60_000) },
  });
  await first.$disconnect();

  // The engine itself agrees that nothing is pending.
  assert.deepEqual(await applyMigrations(url), []);

  // Second open: nothing pending, must not fail or re-apply.
  const second = await openDatabase(url);
  try {
    const readUser = await second.user.findUniqueOrThrow({ where: { username: 'alice' } });
    assert.equal(readUser.id, user.id);
    assert.equal(readUser.role, 'admin');
    assert.ok(readUser.createdAt instanceof Date);

    const readTask = await second.task.findUniqueOrThrow({ where: { id: task.id } });
    assert.equal(readTask.kind, 'instance.create');
    assert.equal(readTask.progress, 0);
    assert.equal(readTask.result, null);

    // Foreign keys are enforced: deleting the user cascades to its sessions.
    await second.user.delete({ where: { id: user.id } });
    assert.equal(await second.session.count(), 0);
  } finally {
    await second.$disconnect();
  }

  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare('SELECT migration_name, finished_at, applied_steps_count FROM _prisma_migrations')
      .all() as { migration_name: string; finished_at: unknown; applied_steps_count: number }[];
    const expected = readdirSync(migrationsDir('sqlite'), { withFileTypes: true }).filter((e) =>
      e.isDirectory(),
    );
    assert.equal(rows.length, expected.length, 'each migration recorded exactly once');
    const init = rows.find((r) => r.migration_name.endsWith('_init'));
    assert.ok(init, 'init migration recorded');
    assert.notEqual(init.finished_at, null);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  } finally {
    db.close();
  }
});
