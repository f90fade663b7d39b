import type { PrismaClient } from '@berth/db';
import type { AuditEvent } from '@berth/contracts';

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
}

/** What a request did, for its audit row: set by its handler, filled in by services as they learn more. */
export interface AuditNote {
  action: string;
  targetType: string;
  targetId?: string | null;
  taskId?: string | null;
  detail?: Record<string, unknown>;
}

/** The audit log: who did what to which target, when, and how it ended. */
export class Audit {
  constructor(private readonly db: PrismaClient) {}

  async record(actor: Actor, entry: AuditEntry): Promise<void> {
    await this.db.auditEvent.create({
      data: {
        userId: actor.userId,
        actor: actor.name,
        ip: actor.ip,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId ?? null,
        outcome: entry.outcome,
        detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
        taskId: entry.taskId ?? null,
      },
    });
  }

  /** A call whose work ran as a task ends with the task: its audit row takes the task's outcome. */
  async settleTask(taskId: string, outcome: 'success' | 'failure', error?: string): Promise<void> {
    const rows = await this.db.auditEvent.findMany({ where: { taskId } });
    for (const row of rows) {
      const detail = row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {};
      await this.db.auditEvent.update({
        where: { id: row.id },
        data: { outcome, detail: JSON.stringify(error ? { ...detail, error } : detail) },
      });
    }
  }

  async list(limit: number): Promise<AuditEvent[]> {
    const rows = await this.db.auditEvent.findMany({ orderBy: { at: 'desc' }, take: limit });
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
