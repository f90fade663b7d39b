import type { PrismaClient } from '@berth/db';
import {
  notFound,
  type AlertEvent,
  type AlertHistoryQuery,
  type AlertRule,
  type AlertRuleSpec,
} from '@berth/contracts';

type RuleRow = Awaited<ReturnType<PrismaClient['alertRule']['findFirstOrThrow']>>;
type EventRow = Awaited<ReturnType<PrismaClient['alertEvent']['findFirstOrThrow']>>;

export const ruleOf = (r: RuleRow): AlertRule => ({
  id: r.id,
  name: r.name,
  metric: r.metric as AlertRule['metric'],
  comparison: r.comparison as AlertRule['comparison'],
  threshold: r.threshold,
  forSeconds: r.forSeconds,
  scope: r.scope as AlertRule['scope'],
  scopeValue: r.scopeValue,
  enabled: r.enabled,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export const alertOf = (e: EventRow): AlertEvent => ({
  id: e.id,
  ruleId: e.ruleId,
  ruleName: e.ruleName,
  metric: e.metric as AlertEvent['metric'],
  comparison: e.comparison as AlertEvent['comparison'],
  threshold: e.threshold,
  subject: e.subject,
  subjectName: e.subjectName,
  hostId: e.hostId,
  value: e.value,
  firedAt: e.firedAt.toISOString(),
  resolvedAt: e.resolvedAt?.toISOString() ?? null,
});

/** Rules and the history of what they fired. The evaluator is told of every rule change. */
export class Alerts {
  constructor(
    private readonly db: PrismaClient,
    private readonly changed: (ruleId: string) => Promise<void>,
  ) {}

  async rules(limit: number, offset: number) {
    const [rows, total] = await Promise.all([
      this.db.alertRule.findMany({
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        take: limit,
        skip: offset,
      }),
      this.db.alertRule.count(),
    ]);
    return { items: rows.map(ruleOf), total };
  }

  async rule(id: string): Promise<AlertRule> {
    const row = await this.db.alertRule.findUnique({ where: { id } });
    if (!row) throw notFound(`alert rule ${id}`);
    return ruleOf(row);
  }

  async create(input: AlertRuleSpec, createdBy: string): Promise<AlertRule> {
    const row = await this.db.alertRule.create({ data: { ...input, createdBy } });
    await this.changed(row.id);
    return ruleOf(row);
  }

  async update(id: string, input: AlertRuleSpec) {
    const before = await this.rule(id);
    const row = await this.db.alertRule.update({ where: { id }, data: input });
    await this.changed(id);
    return { before, after: ruleOf(row) };
  }

  async delete(id: string): Promise<AlertRule> {
    const before = await this.rule(id);
    await this.db.alertRule.delete({ where: { id } });
    await this.changed(id);
    return before;
  }

  /** Newest first; `subject` narrows it to one instance's (or host's) alerts. */
  async history(q: AlertHistoryQuery, subject?: string) {
    const where = {
      ...(q.state === 'firing' ? { resolvedAt: null } : {}),
      ...(subject ? { subject } : {}),
    };
    const [rows, total] = await Promise.all([
      this.db.alertEvent.findMany({
        where,
        orderBy: [{ firedAt: 'desc' }, { id: 'asc' }],
        take: q.limit,
        skip: q.offset,
      }),
      this.db.alertEvent.count({ where }),
    ]);
    return { items: rows.map(alertOf), total };
  }
}
