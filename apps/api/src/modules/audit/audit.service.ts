import type { FastifyBaseLogger } from 'fastify';
import type { Prisma, PrismaClient } from '@berth/db';
import type { AuditEvent, AuditFilter, AuditPage, AuditSettings } from '@berth/contracts';
import { checkLink, GENESIS, hashRow, type BrokenLink, type ChainedRow } from './chain.js';
import { continues, type Run } from './collapse.js';

/** Rows read for one page at most: a run longer than this goes on as the next page's first row. */
const LIST_SCAN_MAX = 10_000;
const LIST_BATCH = 1000;

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

/** Settings: where the chain starts after pruning, and how long rows are kept. */
export const ANCHOR_KEY = 'audit.anchor';
/** The newest row's seq and hash, as written with it. */
export const HEAD_KEY = 'audit.head';
export const RETENTION_KEY = 'audit.retentionDays';
export const DEFAULT_RETENTION_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;
const VERIFY_BATCH = 1000;
const EXPORT_BATCH = 500;

const json = (v: unknown): string | null =>
  v === undefined || v === null ? null : JSON.stringify(v);

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

  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: PrismaClient,
    private readonly log: Pick<FastifyBaseLogger, 'error'>,
  ) {}

  /** Runs `fn` after every write queued before it, whatever became of them. */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
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
      const hash = hashRow(row, prev.hash);
      // The head is kept beside the rows, in the same transaction, so that deleting the newest
      // rows (which leaves a chain that is whole, only shorter) is caught by verify.
      const head = JSON.stringify({ seq: row.seq, hash });
      const [created] = await this.db.$transaction([
        this.db.auditEvent.create({
          data: { ...row, prevHash: prev.hash, hash },
          select: { id: true },
        }),
        this.db.setting.upsert({
          where: { key: HEAD_KEY },
          create: { key: HEAD_KEY, value: head },
          update: { value: head },
        }),
      ]);
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
    await this.pruneLogged();
    this.pruneTimer = setInterval(() => void this.pruneLogged(), DAY_MS);
    // The daily prune must not keep a stopping API alive.
    this.pruneTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = null;
    await this.tail;
  }

  /** Pruning runs with nobody to answer to: a failure (a full disk) waits for tomorrow's run. */
  private async pruneLogged(): Promise<void> {
    await this.prune().catch((err: unknown) => this.log.error({ err }, 'audit pruning failed'));
  }

  async settings(): Promise<AuditSettings> {
    const row = await this.db.setting.findUnique({ where: { key: RETENTION_KEY } });
    return { retentionDays: row ? (JSON.parse(row.value) as number) : DEFAULT_RETENTION_DAYS };
  }

  async updateSettings(next: AuditSettings): Promise<void> {
    const value = JSON.stringify(next.retentionDays);
    await this.db.setting.upsert({
      where: { key: RETENTION_KEY },
      create: { key: RETENTION_KEY, value },
      update: { value },
    });
  }

  /**
   * Removes the rows older than the retention, oldest first, and keeps the last removed row's
   * seq and hash as the chain's anchor, so the rows kept still verify. The delete and the anchor
   * are one transaction: a crash leaves either both or neither. Rows are removed in seq order
   * only up to the first one still young enough, so the kept rows are always one unbroken run.
   */
  async prune(now: Date = new Date()): Promise<{ pruned: number; anchorSeq: number | null }> {
    const { retentionDays } = await this.settings();
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
    const result = await this.serialized(async () => {
      const firstKept = await this.db.auditEvent.findFirst({
        where: { at: { gte: cutoff } },
        orderBy: { seq: 'asc' },
        select: { seq: true },
      });
      const last = await this.db.auditEvent.findFirst({
        where: firstKept ? { seq: { lt: firstKept.seq } } : {},
        orderBy: { seq: 'desc' },
        select: { seq: true, hash: true },
      });
      if (!last) return { pruned: 0, anchorSeq: null };
      const value = JSON.stringify({ seq: last.seq, hash: last.hash });
      const [deleted] = await this.db.$transaction([
        this.db.auditEvent.deleteMany({ where: { seq: { lte: last.seq } } }),
        this.db.setting.upsert({
          where: { key: ANCHOR_KEY },
          create: { key: ANCHOR_KEY, value },
          update: { value },
        }),
      ]);
      return { pruned: deleted.count, anchorSeq: last.seq };
    });
    if (result.pruned > 0)
      await this.record(
        { userId: null, name: 'system', ip: null },
        {
          action: 'audit.prune',
          targetType: 'audit',
          outcome: 'success',
          detail: { pruned: result.pruned, anchorSeq: result.anchorSeq, retentionDays },
        },
      );
    return result;
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
        detail: {
          task: outcome === 'success' ? 'succeeded' : 'failed',
          ...(error ? { error } : {}),
        },
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
      if (rows.length < VERIFY_BATCH) {
        const head = await this.db.setting.findUnique({ where: { key: HEAD_KEY } });
        const last = head ? (JSON.parse(head.value) as { seq: number; hash: string }) : null;
        // Rows sealed from before the chain have no head yet; a head ahead of the walk's end
        // means the newest rows were removed (a head written after the walk read is simply behind).
        if (last && last.seq > prev.seq) {
          const missing = await this.db.auditEvent.count({ where: { seq: { gt: prev.seq } } });
          if (missing === 0)
            return {
              ok: false,
              checked,
              fromSeq: start.seq + 1,
              firstBroken: {
                seq: prev.seq + 1,
                id: '',
                reason: `the log ends at seq ${prev.seq} but its head says ${last.seq}: rows ${prev.seq + 1}–${last.seq} are missing`,
              },
            };
        }
        return { ok: true, checked, fromSeq: start.seq + 1, firstBroken: null };
      }
    }
  }

  /**
   * One page of matching rows, newest first; `cursor` continues below the previous page. With
   * `collapse`, a run of identical rows is one item with its count: the chain and the export
   * keep every row, only this list folds them.
   */
  async list(
    filter: AuditFilter,
    limit: number,
    cursor?: number,
    collapse = false,
  ): Promise<AuditPage> {
    const runs: Array<Run<Row>> = [];
    let below = cursor;
    let more = false;
    let scanned = 0;
    scan: for (;;) {
      const take = scanned === 0 ? limit + 1 : LIST_BATCH;
      const rows = await this.db.auditEvent.findMany({
        where: { AND: [whereOf(filter), below ? { seq: { lt: below } } : {}] },
        orderBy: { seq: 'desc' },
        take,
      });
      for (const row of rows) {
        const run = runs.at(-1);
        if (collapse && run && continues(run, row)) {
          run.oldest = row;
          run.count++;
        } else if (runs.length === limit) {
          more = true;
          break scan;
        } else runs.push({ newest: row, oldest: row, count: 1 });
      }
      scanned += rows.length;
      if (rows.length < take) break;
      if (scanned >= LIST_SCAN_MAX) {
        more = true;
        break;
      }
      below = rows.at(-1)!.seq;
    }
    const page = runs.map((r) => r.newest);
    const taskIds = [...new Set(page.flatMap((r) => (r.taskId ? [r.taskId] : [])))];
    // A task's newest row carries its end (see settleTask); each of its rows shows that outcome.
    const taskRows = taskIds.length
      ? await this.db.auditEvent.findMany({
          where: { taskId: { in: taskIds } },
          orderBy: { seq: 'desc' },
          select: { taskId: true, outcome: true },
        })
      : [];
    const latest = new Map<string, string>();
    for (const r of taskRows) if (!latest.has(r.taskId!)) latest.set(r.taskId!, r.outcome);
    return {
      items: runs.map(({ newest: r, oldest, count }) => ({
        ...toEvent(r),
        taskOutcome: r.taskId
          ? ((latest.get(r.taskId) ?? null) as AuditEvent['outcome'] | null)
          : null,
        count,
        firstAt: oldest.at.toISOString(),
        firstSeq: oldest.seq,
      })),
      nextCursor: more && runs.length ? String(runs.at(-1)!.oldest.seq) : null,
    };
  }

  /**
   * Every matching row, oldest first, a batch at a time: an export of a large log is never held
   * in memory. Each row keeps its links, so an export can be checked on its own.
   */
  async *exportRows(filter: AuditFilter): AsyncGenerator<ExportedRow> {
    let after = 0;
    for (;;) {
      const rows = await this.db.auditEvent.findMany({
        where: { AND: [whereOf(filter), { seq: { gt: after } }] },
        orderBy: { seq: 'asc' },
        take: EXPORT_BATCH,
      });
      for (const r of rows) yield { ...toEvent(r), prevHash: r.prevHash, hash: r.hash };
      if (rows.length < EXPORT_BATCH) return;
      after = rows[rows.length - 1]!.seq;
    }
  }
}

export type ExportedRow = Omit<AuditEvent, 'taskOutcome'> & { prevHash: string; hash: string };

type Row = Prisma.AuditEventGetPayload<object>;

const parsed = <T>(text: string | null): T | null => (text ? (JSON.parse(text) as T) : null);

function toEvent(r: Row): Omit<AuditEvent, 'taskOutcome'> {
  return {
    id: r.id,
    seq: r.seq,
    at: r.at.toISOString(),
    userId: r.userId,
    actor: r.actor,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    outcome: r.outcome as AuditEvent['outcome'],
    detail: parsed(r.detail),
    before: parsed(r.before),
    after: parsed(r.after),
    taskId: r.taskId,
    ip: r.ip,
  };
}

/** The filters as a query: each one given narrows, and `q` looks in the action, target and detail. */
function whereOf(f: AuditFilter): Prisma.AuditEventWhereInput {
  return {
    AND: [
      // A user's own rows and their tokens' ("alice (token ci)").
      f.actor ? { OR: [{ actor: f.actor }, { actor: { startsWith: `${f.actor} (token ` } }] } : {},
      f.action ? { action: { startsWith: f.action } } : {},
      f.targetType ? { targetType: f.targetType } : {},
      f.targetId ? { targetId: f.targetId } : {},
      f.taskId ? { taskId: f.taskId } : {},
      f.outcome ? { outcome: f.outcome } : {},
      f.from ? { at: { gte: new Date(f.from) } } : {},
      f.to ? { at: { lt: new Date(f.to) } } : {},
      f.q
        ? {
            OR: [
              { action: { contains: f.q } },
              { targetType: { contains: f.q } },
              { targetId: { contains: f.q } },
              { detail: { contains: f.q } },
            ],
          }
        : {},
    ],
  };
}

export interface ChainReport {
  ok: boolean;
  /** Rows whose links held. */
  checked: number;
  /** The seq the walk started at: 1, or the first row after the pruning anchor. */
  fromSeq: number;
  firstBroken: BrokenLink | null;
}
