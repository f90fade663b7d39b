import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError, ErrorCode, notFound } from '@berth/contracts';
import { asUnavailable } from './unavailable.js';

/** The shape Prisma 7 gives a failed query through the better-sqlite3 adapter. */
const prismaError = (originalCode: string) =>
  Object.assign(new Error(`Database error. Code: \`${originalCode}\``), {
    code: 'P2039',
    meta: { driverAdapterError: { cause: { originalCode, kind: 'sqlite' } } },
  });

test('storage failures become 503 answers that say what happened and what to do', () => {
  const full = asUnavailable(prismaError('SQLITE_FULL'));
  assert.ok(full instanceof AppError);
  assert.equal(full.code, ErrorCode.unavailable);
  assert.equal(
    full.message,
    'the database cannot be written: disk full (SQLITE_FULL); try again when space is freed',
  );
  assert.match(asUnavailable(prismaError('SQLITE_READONLY_DBMOVED'))!.message, /read-only/);
  assert.match(asUnavailable(prismaError('SQLITE_IOERR_WRITE'))!.message, /disk I\/O error/);
  assert.match(asUnavailable(prismaError('SQLITE_BUSY'))!.message, /locked too long/);
  // better-sqlite3's own error carries the code directly.
  const raw = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  assert.match(asUnavailable(raw)!.message, /disk full/);
});

test('other errors are left alone', () => {
  assert.equal(asUnavailable(prismaError('SQLITE_CONSTRAINT_UNIQUE')), null);
  assert.equal(asUnavailable(notFound('task x')), null);
  assert.equal(asUnavailable(new Error('boom')), null);
  assert.equal(asUnavailable(Object.assign(new Error('x'), { code: 'P2025' })), null);
});
