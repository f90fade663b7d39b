import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
    data: {
      username: 'alice',
      passwordHash: 'x',
      grants: { create: { role: 'admin', scope: 'all' } },
    },
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
    assert.equal(
      (await second.grant.findFirstOrThrow({ where: { userId: user.id } })).role,
      'admin',
    );
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

test('upgrading a database from before grants turns each role into a grant and keeps the audit order', async () => {
  // The migrations as they stood before identity_audit_recording, applied to a fresh file.
  const old = join(dir, 'old-migrations');
  const all = migrationsDir('sqlite');
  cpSync(join(all, 'migration_lock.toml'), join(old, 'migration_lock.toml'));
  for (const name of ['20261125165011_init', '20261125192642_consoles'])
    cpSync(join(all, name), join(old, name), { recursive: true });
  const file = join(dir, 'upgrade.db');
  await applyMigrations(`file:${file}`, old);
  const raw = new Database(file);
  raw
    .prepare(
      "INSERT INTO User (id, username, passwordHash, role) VALUES ('u1', 'vic', 'x', 'viewer'), ('u2', 'ada', 'x', 'admin')",
    )
    .run();
  const insert = raw.prepare(
    "INSERT INTO AuditEvent (id, at, actor, action, targetType, outcome) VALUES (?, ?, 'ada', ?, 'instance', 'success')",
  );
  insert.run('zz', 1000, 'first');
  insert.run('aa', 2000, 'second');
  raw.close();

  const db = await openDatabase(`file:${file}`);
  try {
    const grants = await db.grant.findMany({ orderBy: { userId: 'asc' } });
    assert.deepEqual(
      grants.map((g) => [g.userId, g.role, g.scope, g.scopeValue]),
      [
        ['u1', 'auditor', 'all', ''],
        ['u2', 'admin', 'all', ''],
      ],
    );
    const rows = await db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
    assert.deepEqual(
      rows.map((r) => [r.seq, r.action, r.hash]),
      [
        [1, 'first', ''],
        [2, 'second', ''],
      ],
    );
  } finally {
    await db.$disconnect();
  }
});
