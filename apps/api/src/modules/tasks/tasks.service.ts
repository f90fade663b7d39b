import type { FastifyBaseLogger } from 'fastify';
import type { Prisma, PrismaClient, Task as TaskRow, TaskLogLine as LogRow } from '@berth/db';
import type {
  Operation,
  OperationLog,
  OperationLogLine,
  Task,
  TaskDetail,
  TaskList,
  TaskLog,
  TaskLogQuery,
  TaskQuery,
} from '@berth/contracts';
import {
  CANCELLABLE_KINDS,
  notFound,
  AppError,
  ErrorCode,
  unsupported,
  wrongState,
} from '@berth/contracts';
import type { ApiEvents } from '../events/events.service.js';
import type { Audit } from '../audit/audit.service.js';
import { isUnavailable } from '../../database/unavailable.js';
import { explainFailure } from './explain.js';

/** How long to wait before catching up again with a host whose task updates could not be saved. */
const RETRY_MS = 2_000;

type Log = Pick<FastifyBaseLogger, 'warn' | 'error'>;
const silent: Log = { warn: () => undefined, error: () => undefined };

/** What tasks need of the hosts: their operations as they change, and asking an agent about one. */
export interface OperationSource {
  handleOperations(fn: (hostId: string, op: Operation) => void): void;
  handleConnect(fn: (hostId: string) => void): void;
  client(hostId: string): {
    operation(id: string): Promise<Operation>;
    operationLog(id: string): Promise<OperationLog>;
    cancelOperation(id: string): Promise<{ operation: Operation }>;
  };
}

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status as Task['status'],
    progress: row.progress,
    message: row.message,
    hostId: row.hostId,
    instanceId: row.instanceId,
    userId: row.userId,
    result: row.result ? (JSON.parse(row.result) as unknown) : null,
    error: row.error ? (JSON.parse(row.error) as Task['error']) : null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

function toLogLine(row: LogRow): OperationLogLine {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    type: row.type as OperationLogLine['type'],
    message: row.message,
    progress: row.progress,
    command: row.command ? (JSON.parse(row.command) as OperationLogLine['command']) : null,
    failed: row.failed,
  };
}

/**
 * What a caller without task.view may list: their own tasks and those of the instances they may
 * see (instanceIds null: every instance). The same rule as Visibility.tasks, as a query.
 */
export interface TaskScope {
  userId: string;
  instanceIds: ReadonlySet<string> | null;
}

function scopeOf(scope: TaskScope | null): Prisma.TaskWhereInput {
  if (!scope) return {};
  return {
    OR: [
      { userId: scope.userId },
      scope.instanceIds
        ? { instanceId: { in: [...scope.instanceIds] } }
        : { instanceId: { not: null } },
    ],
  };
}

function whereOf(f: Omit<TaskQuery, 'limit' | 'cursor' | 'user'>): Prisma.TaskWhereInput {
  return {
    AND: [
      f.instanceId ? { instanceId: f.instanceId } : {},
      f.kind ? { kind: { startsWith: f.kind } } : {},
      f.outcome === 'active'
        ? { status: { in: ['queued', 'running'] } }
        : f.outcome
          ? { status: f.outcome }
          : {},
      f.from ? { createdAt: { gte: new Date(f.from) } } : {},
      f.to ? { createdAt: { lt: new Date(f.to) } } : {},
      f.q
        ? {
            OR: [
              { kind: { contains: f.q } },
              { message: { contains: f.q } },
              { error: { contains: f.q } },
              { instanceId: { contains: f.q } },
            ],
          }
        : {},
    ],
  };
}

/** Tasks older than the cursor's row: created earlier, or at the same instant with a smaller id. */
function after(cursor: string | undefined): Prisma.TaskWhereInput {
  if (!cursor) return {};
  const dot = cursor.indexOf('.');
  const at = new Date(Number(cursor.slice(0, dot)));
  const id = cursor.slice(dot + 1);
  return { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: id } }] };
}

const finished = (status: string) => status === 'succeeded' || status === 'failed';

/** What an agent answers when it takes on work; `instanceId` when only the answer names it (a create). */
export interface Accepted {
  operation: Operation;
  instanceId?: string | null;
}

interface Link {
  taskId: string;
  hostId: string;
  accepted: Accepted;
}

export interface TaskContext {
  kind: string;
  hostId: string;
  instanceId: string | null;
  userId: string | null;
}

/**
 * Tasks are the persisted face of agent operations: created when an agent accepts
 * work, advanced by the agent's operation events, finished exactly once.
 */
export class Tasks {
  private readonly waiters = new Map<string, Array<(task: Task) => void>>();
  /** Updates for one task are applied in order, so progress never runs backwards. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  /** Tasks whose operation the agent accepted but whose row could not yet say so. */
  private readonly unlinked = new Map<string, Link>();

  constructor(
    private readonly db: PrismaClient,
    private readonly hosts: OperationSource,
    private readonly events: Pick<ApiEvents, 'publish'>,
    private readonly audit: Pick<Audit, 'settleTask'>,
    private readonly log: Log = silent,
  ) {
    // Agent events arrive with nobody to answer to: a failed write must not become an unhandled
    // rejection, and an update lost to an unwritable database is caught up on later.
    hosts.handleOperations(
      (hostId, op) => void this.onOperation(hostId, op).catch((err) => this.failed(hostId, err)),
    );
    hosts.handleConnect(
      (hostId) => void this.reconcile(hostId).catch((err) => this.failed(hostId, err)),
    );
  }

  close(): void {
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
  }

  /** A background update failed: when the database could not write, catch up with the host later. */
  private failed(hostId: string, err: unknown): void {
    if (!isUnavailable(err)) {
      this.log.error({ err, hostId }, 'task update failed');
      return;
    }
    this.log.warn(
      { err, hostId },
      'task update not saved; catching up when the database can write',
    );
    if (this.retries.has(hostId)) return;
    const timer = setTimeout(() => {
      this.retries.delete(hostId);
      void this.reconcile(hostId).catch((again) => this.failed(hostId, again));
    }, RETRY_MS);
    timer.unref();
    this.retries.set(hostId, timer);
  }

  /**
   * Runs `start` (which asks an agent to begin work) as a task. The row is written first, so an
   * unwritable database refuses the call (503) before the host is touched; an agent that refuses
   * leaves no task behind. Then catches up with the operation.
   */
  async track(ctx: TaskContext, start: () => Promise<Accepted>): Promise<Task> {
    const queued = await this.db.task.create({
      data: {
        kind: ctx.kind,
        status: 'queued',
        hostId: ctx.hostId,
        instanceId: ctx.instanceId,
        userId: ctx.userId,
      },
    });
    let accepted: Accepted;
    try {
      accepted = await start();
    } catch (err) {
      await this.db.task.delete({ where: { id: queued.id } }).catch(() => undefined);
      throw err;
    }
    const { operation: op } = accepted;
    const link = { taskId: queued.id, hostId: ctx.hostId, accepted };
    let row: TaskRow;
    try {
      row = await this.linkOperation(link);
    } catch (err) {
      // The host is already at work: the link is kept and saved when the database can write.
      this.unlinked.set(queued.id, link);
      this.failed(ctx.hostId, err);
      throw err;
    }
    this.events.publish({ type: 'task', task: toTask(row), at: new Date().toISOString() });
    // Events for this operation may have arrived before the row existed.
    const latest = await this.hosts
      .client(ctx.hostId)
      .operation(op.id)
      .catch(() => op);
    await this.apply(row.id, latest);
    return this.get(row.id);
  }

  private linkOperation({ taskId, accepted }: Link): Promise<TaskRow> {
    const { operation: op, instanceId } = accepted;
    return this.db.task.update({
      where: { id: taskId },
      data: {
        status: 'running',
        progress: op.progress,
        message: op.message,
        agentOperationId: op.id,
        startedAt: new Date(op.createdAt),
        ...(instanceId !== undefined ? { instanceId } : {}),
      },
    });
  }

  async get(id: string): Promise<Task> {
    const row = await this.db.task.findUnique({ where: { id } });
    if (!row) throw notFound(`task ${id}`);
    return toTask(row);
  }

  /** The task with the name of the user who started it (a deleted user's tasks say null). */
  async withStarter(task: Task): Promise<TaskDetail> {
    const user = task.userId
      ? await this.db.user.findUnique({ where: { id: task.userId }, select: { username: true } })
      : null;
    return { ...task, startedBy: user?.username ?? null };
  }

  /**
   * One page of matching tasks, newest first, within `scope` (null: every task). Paged by
   * (createdAt, id), so tasks created in the same millisecond are neither skipped nor repeated.
   */
  async list(query: TaskQuery, scope: TaskScope | null): Promise<TaskList> {
    const { limit, cursor, ...filter } = query;
    const userId = filter.user
      ? ((await this.db.user.findUnique({ where: { username: filter.user } }))?.id ?? null)
      : undefined;
    if (userId === null) return { items: [], nextCursor: null, users: {} };
    const rows = await this.db.task.findMany({
      where: { AND: [whereOf(filter), userId ? { userId } : {}, scopeOf(scope), after(cursor)] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const ids = [...new Set(page.flatMap((r) => (r.userId ? [r.userId] : [])))];
    const users = ids.length
      ? await this.db.user.findMany({
          where: { id: { in: ids } },
          select: { id: true, username: true },
        })
      : [];
    return {
      items: page.map(toTask),
      nextCursor: rows.length > limit && last ? `${last.createdAt.getTime()}.${last.id}` : null,
      users: Object.fromEntries(users.map((u) => [u.id, u.username])),
    };
  }

  /**
   * Copies the operation's log from its agent into the task's own lines. Written again whole if
   * an end is retried. An agent that no longer has it (it restarted) leaves the task without one.
   */
  private async keepLog(row: TaskRow): Promise<void> {
    if (!row.hostId || !row.agentOperationId) return;
    const log = await this.hosts
      .client(row.hostId)
      .operationLog(row.agentOperationId)
      .catch((err: unknown) => {
        this.log.warn(
          { err, taskId: row.id },
          'the log of a task could not be read from its agent',
        );
        return null;
      });
    if (!log) return;
    await this.db.taskLogLine.deleteMany({ where: { taskId: row.id } });
    await this.db.taskLogLine.createMany({
      data: log.lines.map((l) => ({
        taskId: row.id,
        seq: l.seq,
        at: new Date(l.at),
        type: l.type,
        message: l.message,
        progress: l.progress,
        command: l.command ? JSON.stringify(l.command) : null,
        failed: l.failed,
      })),
    });
  }

  /**
   * A page of the task's log. A running task's log is its agent's so far; a finished one's is
   * what was kept when it ended.
   */
  async logOf(taskId: string, query: TaskLogQuery): Promise<TaskLog> {
    const row = await this.db.task.findUnique({ where: { id: taskId } });
    if (!row) throw notFound(`task ${taskId}`);
    const after = query.after ?? -1;
    if (!finished(row.status) && row.hostId && row.agentOperationId) {
      const { lines } = await this.hosts.client(row.hostId).operationLog(row.agentOperationId);
      const page = lines.filter((l) => l.seq > after);
      return {
        items: page.slice(0, query.limit),
        nextAfter: page.length > query.limit ? (page[query.limit - 1]?.seq ?? null) : null,
        live: true,
      };
    }
    const rows = await this.db.taskLogLine.findMany({
      where: { taskId, seq: { gt: after } },
      orderBy: { seq: 'asc' },
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit).map(toLogLine);
    return {
      items: page,
      nextAfter: rows.length > query.limit ? (page.at(-1)?.seq ?? null) : null,
      live: false,
    };
  }

  /**
   * Asks the task's agent to stop its operation; the task then ends as the operation does
   * (failed with code `cancelled`, rolled back), through the usual events.
   */
  async cancel(taskId: string): Promise<Task> {
    const row = await this.db.task.findUnique({ where: { id: taskId } });
    if (!row) throw notFound(`task ${taskId}`);
    if (finished(row.status)) throw wrongState(`the task has ended (${row.status})`);
    if (!CANCELLABLE_KINDS.has(row.kind))
      throw unsupported(`${row.kind} cannot be cancelled: it runs to its end`);
    if (!row.hostId || !row.agentOperationId)
      throw wrongState('the task has not reached its host yet');
    await this.hosts.client(row.hostId).cancelOperation(row.agentOperationId);
    return this.get(taskId);
  }

  /** Resolves with the task once it has finished, or with its state after timeoutMs. */
  async wait(id: string, timeoutMs: number): Promise<Task> {
    const task = await this.get(id);
    if (finished(task.status)) return task;
    return new Promise((resolve, reject) => {
      const done = (t: Task) => {
        clearTimeout(timer);
        resolve(t);
      };
      const timer = setTimeout(() => {
        this.waiters.set(
          id,
          (this.waiters.get(id) ?? []).filter((w) => w !== done),
        );
        void this.get(id).then(resolve, reject);
      }, timeoutMs);
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), done]);
    });
  }

  /**
   * Catches up with operations whose events were missed (the API restarted, or the
   * host's event stream was down): runs when a host's stream opens. A task whose
   * operation the agent no longer knows cannot finish; an unreachable agent is asked again later.
   */
  async reconcile(hostId: string): Promise<void> {
    for (const link of this.unlinked.values()) {
      if (link.hostId !== hostId) continue;
      await this.linkOperation(link);
      this.unlinked.delete(link.taskId);
    }
    const open = await this.db.task.findMany({
      where: { hostId, status: { in: ['queued', 'running'] } },
    });
    let unsaved: unknown = null;
    for (const row of open) {
      if (!row.agentOperationId) continue;
      try {
        await this.apply(row.id, await this.hosts.client(hostId).operation(row.agentOperationId));
      } catch (err) {
        if (isUnavailable(err)) unsaved = err;
        if (!(err instanceof AppError) || err.code !== ErrorCode.notFound) continue;
        await this.finish(row, 'failed', {
          code: 'lost',
          message: 'the agent no longer knows this operation (it restarted while the task ran)',
        });
      }
    }
    // The other tasks were still caught up; the caller retries the ones that could not be saved.
    if (unsaved) throw unsaved;
  }

  private async onOperation(_hostId: string, op: Operation): Promise<void> {
    const row = await this.db.task.findFirst({ where: { agentOperationId: op.id } });
    if (row) await this.apply(row.id, op);
  }

  private apply(taskId: string, op: Operation): Promise<void> {
    const next = (this.chains.get(taskId) ?? Promise.resolve()).then(async () => {
      const row = await this.db.task.findUnique({ where: { id: taskId } });
      if (!row || finished(row.status)) return;
      if (op.status === 'running') {
        if (op.progress < row.progress && op.message === row.message) return;
        const updated = await this.db.task.update({
          where: { id: taskId },
          data: { progress: Math.max(op.progress, row.progress), message: op.message },
        });
        this.events.publish({ type: 'task', task: toTask(updated), at: new Date().toISOString() });
        return;
      }
      await this.finish(row, op.status, op.error, op.result, op.message);
    });
    const settled = next.catch(() => undefined);
    this.chains.set(taskId, settled);
    void settled.then(() => {
      if (this.chains.get(taskId) === settled) this.chains.delete(taskId);
    });
    return next;
  }

  private async finish(
    row: TaskRow,
    status: 'succeeded' | 'failed',
    failure: Operation['error'],
    result?: unknown,
    message?: string | null,
  ): Promise<void> {
    const taskId = row.id;
    const error = explainFailure(failure);
    // Before the row says it ended, so whoever sees the end finds the whole log with it.
    await this.keepLog(row);
    const updated = await this.db.task.update({
      where: { id: taskId },
      data: {
        status,
        progress: status === 'succeeded' ? 100 : undefined,
        message: message ?? undefined,
        result: result === undefined ? null : JSON.stringify(result),
        error: error ? JSON.stringify(error) : null,
        finishedAt: new Date(),
      },
    });
    // The task row is what callers wait on; an audit row left at its first outcome is the lesser loss.
    await this.audit
      .settleTask(taskId, status === 'succeeded' ? 'success' : 'failure', error?.message)
      .catch((err: unknown) => this.log.warn({ err, taskId }, 'audit row of a task not settled'));
    const task = toTask(updated);
    this.events.publish({ type: 'task', task, at: new Date().toISOString() });
    for (const resolve of this.waiters.get(taskId) ?? []) resolve(task);
    this.waiters.delete(taskId);
  }
}
