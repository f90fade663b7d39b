import type { PrismaClient } from '@berth/db';
import type { AuditEvent } from '@berth/contracts';
import { checkLink, GENESIS, hashRow, type BrokenLink, type ChainedRow } from './chain.js';

export interface Actor {
  userId: string | null;
  name: string;
  ip: string | null;
}

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  outcome: AuditEvent['outcome'];
  detail?: unknown;
  taskId?: string | null;
  /** The changed fields' values before the change (see `diff`); never secrets. */
  before?: Record<string, unknown> | null;
  /** And after it. */
  after?: Record<string, unknown> | null;
}

/** What a request did, for its audit row: set by its handler, filled in by services as they learn more. */
export interface AuditNote {
  action: string;
  targetType: string;
  targetId?: string | null;
  taskId?: string | null;
  detail?: Record<string, unknown>;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/**
 * The audit log: who did what to which target, when, and how it ended. Append-only and chained:
 * each row's hash covers its content and the previous row's hash (see chain.ts).
 */
export class Audit {
  /**
   * Appends run one after another, so two records never read the same last row and take the
   * same seq. This holds within one process, and one API process writes the log; a second one
   * would fail on the unique seq rather than fork the chain.
   */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: PrismaClient) {}

  /** Runs `fn` after every write queued before it, whatever became of them. */
  protected serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Appends one row; answers its id (a console recording points at its session's row). */
  record(actor: Actor, entry: AuditEntry): Promise<string> {
    return this.serialized(async () => {
      const prev = await this.head();
      const row: ChainedRow = {
        seq: prev.seq + 1,
        // Set here, not by the database, so the hash covers exactly what is stored.
        at: new Date(),
        userId: actor.userId,
        actor: actor.name,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId ?? null,
        outcome: entry.outcome,
        detail: json(entry.detail),
        before: json(entry.before),
        after: json(entry.after),
        taskId: entry.taskId ?? null,
        ip: actor.ip,
      };
      const created = await this.db.auditEvent.create({
        data: { ...row, prevHash: prev.hash, hash: hashRow(row, prev.hash) },
        select: { id: true },
      });
      return created.id;
    });
  }

  /** The last link: the newest row, or the anchor pruning left, or the genesis. */
  private async head(): Promise<{ seq: number; hash: string }> {
    const last = await this.db.auditEvent.findFirst({
      orderBy: { seq: 'desc' },
      select: { seq: true, hash: true },
    });
    return last ?? (await this.anchor()) ?? GENESIS;
  }

  /** Where the chain starts once old rows were pruned: the last pruned row's seq and hash. */
  async anchor(): Promise<{ seq: number; hash: string } | null> {
    const row = await this.db.setting.findUnique({ where: { key: ANCHOR_KEY } });
    return row ? (JSON.parse(row.value) as { seq: number; hash: string }) : null;
  }

  /** Before the API serves: rows from before the chain are sealed into it. */
  async start(): Promise<void> {
    await this.sealLegacy();
  }

  async stop(): Promise<void> {
    await this.tail;
  }

  /**
   * Rows written before the chain existed (hash '') are sealed into it, in seq order. The one
   * write that touches existing rows: it adds their links and changes none of their content.
   * Runs at start, before anything else records.
   */
  sealLegacy(): Promise<number> {
    return this.serialized(async () => {
      const unsealed = await this.db.auditEvent.findMany({
        where: { hash: '' },
        orderBy: { seq: 'asc' },
      });
      if (unsealed.length === 0) return 0;
      const first = unsealed[0]!;
      const before = await this.db.auditEvent.findFirst({
        where: { seq: { lt: first.seq } },
        orderBy: { seq: 'desc' },
        select: { hash: true },
      });
      let prevHash = before?.hash ?? (await this.anchor())?.hash ?? GENESIS.hash;
      for (const row of unsealed) {
        const hash = hashRow(row, prevHash);
        await this.db.auditEvent.update({ where: { id: row.id }, data: { prevHash, hash } });
        prevHash = hash;
      }
      return unsealed.length;
    });
  }

  /**
   * A call whose work ran as a task ends with the task. Rows are never changed, so the end is a
   * row of its own: the same action and target as the call's row, the task's outcome, and the
   * task's id, which pairs them (the list shows the latest outcome of a task on each of its rows).
   */
  async settleTask(taskId: string, outcome: 'success' | 'failure', error?: string): Promise<void> {
    const call = await this.db.auditEvent.findFirst({ where: { taskId }, orderBy: { seq: 'asc' } });
    const task = call ? null : await this.db.task.findUnique({ where: { id: taskId } });
    await this.record(
      call
        ? { userId: call.userId, name: call.actor, ip: call.ip }
        : { userId: task?.userId ?? null, name: 'system', ip: null },
      {
        action: call?.action ?? task?.kind ?? 'task',
        targetType: call?.targetType ?? (task?.instanceId ? 'instance' : 'task'),
        targetId: call?.targetId ?? task?.instanceId ?? null,
        outcome,
        taskId,
        detail: { task: outcome === 'success' ? 'succeeded' : 'failed', ...(error ? { error } : {}) },
      },
    );
  }

  /**
   * Walks the chain in seq order from the anchor (or the first row) and names the first broken
   * link. Not serialized with writes, so a long walk never holds up requests: rows appended
   * meanwhile are simply checked too, and a prune that moved the anchor mid-walk gets a second walk.
   */
  async verify(): Promise<ChainReport> {
    const anchor = await this.anchor();
    const report = await this.walk(anchor ?? GENESIS);
    if (report.ok) return report;
    const now = await this.anchor();
    return now?.seq !== anchor?.seq ? this.walk(now ?? GENESIS) : report;
  }

  private async walk(start: { seq: number; hash: string }): Promise<ChainReport> {
    let prev = start;
    let checked = 0;
    for (;;) {
      const rows = await this.db.auditEvent.findMany({
        where: { seq: { gt: prev.seq } },
        orderBy: { seq: 'asc' },
        take: VERIFY_BATCH,
      });
      for (const row of rows) {
        const broken = checkLink(row, prev);
        if (broken) return { ok: false, checked, fromSeq: start.seq + 1, firstBroken: broken };
        checked += 1;
        prev = row;
      }
      if (rows.length < VERIFY_BATCH)
        return { ok: true, checked, fromSeq: start.seq + 1, firstBroken: null };
    }
  }

  async list(limit: number): Promise<AuditEvent[]> {
    const rows = await this.db.auditEvent.findMany({ orderBy: { seq: 'desc' }, take: limit });
    return rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      outcome: r.outcome as AuditEvent['outcome'],
      detail: r.detail ? (JSON.parse(r.detail) as unknown) : null,
      taskId: r.taskId,
      ip: r.ip,
    }));
  }
}

export const ANCHOR_KEY = 'audit.anchor';
const VERIFY_BATCH = 1000;

export interface ChainReport {
  ok: boolean;
  /** Rows whose links held. */
  checked: number;
  /** The seq the walk started at: 1, or the first row after the pruning anchor. */
  fromSeq: number;
  firstBroken: BrokenLink | null;
}
