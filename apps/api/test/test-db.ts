import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type PrismaClient } from '@berth/db';

/**
 * A fresh, migrated SQLite database for one test, on tmpfs where there is one: it lives in
 * memory like `:memory:`, while the Prisma adapter and the migrations see an ordinary file.
 */
export async function openTestDatabase(): Promise<{ db: PrismaClient; close(): Promise<void> }> {
  const root = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = await mkdtemp(path.join(root, 'berth-test-db-'));
  const db = await openDatabase(`file:${path.join(dir, 'berth.db')}`);
  return {
    db,
    async close() {
      await db.$disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
