import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { PrismaClient as SqliteClient } from '../generated/sqlite/client.js';
import type { PrismaClient } from '../generated/sqlite/client.js';
import {
  applyMigrations,
  migrationsDir,
  providerOf,
  readMigrations,
  sqlitePath,
} from './migrations.js';

export { Prisma } from '../generated/sqlite/client.js';
export type {
  ApiToken,
  AuditEvent,
  ConsoleTicket,
  Host,
  PrismaClient,
  Session,
  ShareLink,
  Task,
  TaskLogLine,
  User,
} from '../generated/sqlite/client.js';
export { applyMigrations, providerOf } from './migrations.js';

const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the database at `url` (`file:<path>` or `postgresql://...`), applies
 * pending migrations first (recorded in `_prisma_migrations`, like
 * `prisma migrate deploy`), and returns a connected client.
 */
export async function openDatabase(url: string): Promise<PrismaClient> {
  if (providerOf(url) === 'postgresql') return openPostgres(url);

  const path = sqlitePath(url);
  await prepareSqlite(path);
  const client = new SqliteClient({
    adapter: new PrismaBetterSqlite3({ url: path, timeout: BUSY_TIMEOUT_MS }),
  });
  await client.$connect();
  return client;
}

async function prepareSqlite(path: string): Promise<void> {
  const url = `file:${path}`;
  const dir = migrationsDir('sqlite');
  // adapterFactory (used by applyMigrations) creates the parent directories.
  if (!existsSync(path) || (await hasPendingMigrations(path, dir))) await applyMigrations(url, dir);

  // WAL lets an API and a test process read while the other writes; the
  // setting is stored in the file, so once is enough.
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

/**
 * The engine's SQLite connector takes an EXCLUSIVE lock, which would wait on
 * (and then fail against) other processes that have the file open. So when
 * `_prisma_migrations` already lists every folder as finished, skip it.
 */
async function hasPendingMigrations(path: string, dir: string): Promise<boolean> {
  const list = await readMigrations(dir);
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    if (!table) return true;
    const rows = db
      .prepare(
        'SELECT migration_name AS name, finished_at AS finished FROM _prisma_migrations WHERE rolled_back_at IS NULL',
      )
      .all() as { name: string; finished: unknown }[];
    if (rows.some((r) => r.finished == null)) return true; // let the engine report the failed migration
    const done = new Set(rows.map((r) => r.name));
    return list.migrationDirectories.some((d) => !done.has(d.path));
  } finally {
    db.close();
  }
}

async function openPostgres(url: string): Promise<PrismaClient> {
  await applyMigrations(url);
  // Separate generated client (provider-specific query compiler), loaded on demand.
  const [{ PrismaClient: PgClient }, { PrismaPg }] = await Promise.all([
    import('../generated/postgresql/client.js'),
    import('@prisma/adapter-pg'),
  ]);
  const client = new PgClient({ adapter: new PrismaPg({ connectionString: url }) });
  await client.$connect();
  // Same models and API; only the provider differs.
  return client as unknown as PrismaClient;
}
