import { createHash } from 'node:crypto';

/** The stored fields of an audit row that its hash covers, as they are in the database. */
export interface ChainedRow {
  seq: number;
  at: Date;
  userId: string | null;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: string;
  detail: string | null;
  before: string | null;
  after: string | null;
  taskId: string | null;
  ip: string | null;
}

/** The link before the first row: nothing precedes it. */
export const GENESIS = { seq: 0, hash: '' };

/**
 * sha256 over a JSON array in a fixed field order (so no key-order question arises) of the row's
 * content and the previous row's hash. detail/before/after are hashed as the stored JSON text,
 * which verify reads back byte for byte.
 */
export function hashRow(row: ChainedRow, prevHash: string): string {
  const canonical = JSON.stringify([
    row.seq,
    row.at.toISOString(),
    row.userId,
    row.actor,
    row.action,
    row.targetType,
    row.targetId,
    row.outcome,
    row.detail,
    row.before,
    row.after,
    row.taskId,
    row.ip,
    prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface BrokenLink {
  seq: number;
  id: string;
  reason: string;
}

/**
 * Checks one row against the link before it; null when it holds. The order of the checks names
 * the likeliest cause: a missing row shows as a gap, a rewritten one as a changed hash.
 */
export function checkLink(
  row: ChainedRow & { id: string; prevHash: string; hash: string },
  prev: { seq: number; hash: string },
): BrokenLink | null {
  const broken = (reason: string) => ({ seq: row.seq, id: row.id, reason });
  if (row.seq !== prev.seq + 1)
    return broken(
      `seq ${row.seq} follows ${prev.seq}: rows ${prev.seq + 1}–${row.seq - 1} are missing`,
    );
  if (row.hash === '') return broken('never sealed into the chain');
  if (row.prevHash !== prev.hash) return broken('its prevHash is not the previous row’s hash');
  if (hashRow(row, row.prevHash) !== row.hash)
    return broken('its content does not match its hash (the row was changed)');
  return null;
}
