import type { PrismaClient } from '@berth/db';
import { AppError, ErrorCode, unavailable } from '@berth/contracts';

/** What each kind of storage failure means to the caller, and what they can do about it. */
const REASONS: Array<[RegExp, string, string]> = [
  [/^SQLITE_FULL/, 'disk full', 'try again when space is freed'],
  [/^SQLITE_READONLY/, 'the file is read-only', 'try again when it is writable'],
  [
    /^SQLITE_IOERR/,
    'disk I/O error (the file may have been made read-only, or the disk is failing)',
    'try again when it is writable',
  ],
  [/^SQLITE_(BUSY|LOCKED)/, 'another writer held it locked too long', 'try again in a moment'],
  [/^SQLITE_CANTOPEN/, 'the file cannot be opened', 'try again when it can'],
  // PostgreSQL SQLSTATEs: disk full, read-only transaction or standby, too many connections, shutting down.
  [/^(53100|25006|53300|57P0[1-3])$/, 'the database server refused', 'try again later'],
];

/** The driver's own codes for a failed query (`SQLITE_FULL`, `SQLITE_IOERR_WRITE`, a SQLSTATE), where it puts them. */
function driverCodes(err: unknown): string[] {
  if (typeof err !== 'object' || err === null) return [];
  const e = err as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
    cause?: { originalCode?: unknown };
    message?: unknown;
  };
  // Prisma sometimes only says it in words: "Database error. Code: `SQLITE_FULL`".
  const inText = typeof e.message === 'string' ? /\b(SQLITE_[A-Z_]+)\b/.exec(e.message)?.[1] : null;
  return [
    e.meta?.driverAdapterError?.cause?.originalCode,
    e.cause?.originalCode,
    e.code,
    inText,
  ].filter((c): c is string => typeof c === 'string');
}

/**
 * The one place a storage failure becomes an answer: an AppError(unavailable) (HTTP 503) with a
 * message a person can act on, or null when the error is not about the database being unwritable.
 */
export function asUnavailable(err: unknown): AppError | null {
  if (err instanceof AppError) return err.code === ErrorCode.unavailable ? err : null;
  for (const code of driverCodes(err)) {
    const known = REASONS.find(([pattern]) => pattern.test(code));
    if (known)
      return unavailable(`the database cannot be written: ${known[1]} (${code}); ${known[2]}`);
  }
  return null;
}

export const isUnavailable = (err: unknown): boolean => asUnavailable(err) !== null;

/**
 * The client every service uses: a query that fails because the database cannot write throws
 * AppError(unavailable) instead of the driver's error, so routes answer 503 and background work
 * can tell "try later" from a bug. The type stays PrismaClient: an extension that only rethrows
 * changes no model or method.
 */
export function withUnavailableErrors(db: PrismaClient): PrismaClient {
  return db.$extends({
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (err) {
          throw asUnavailable(err) ?? err;
        }
      },
    },
  }) as unknown as PrismaClient;
}
