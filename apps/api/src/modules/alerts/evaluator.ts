import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '@berth/db';
import type { AgentSample, AlertMetric } from '@berth/contracts';
import type { ApiEvents } from '../events/events.service.js';
import type { Hosts } from '../hosts/hosts.service.js';
import { hostSubject } from '../monitoring/tiers.js';
import { alertOf } from './alerts.service.js';

type RuleRow = Awaited<ReturnType<PrismaClient['alertRule']['findFirstOrThrow']>>;

/** A subject not sampled for this long (stopped, deleted, host gone) resolves its alerts. */
const STALE_MS = 30_000;
/** Tags come from the agents' instance lists, asked again at most this often. */
const TAGS_EVERY_MS = 60_000;

interface State {
  hostId: string;
  /** When the comparison started to hold without a break; null while it does not. */
  since: number | null;
  lastT: number;
  /** The open AlertEvent row while firing. */
  open: string | null;
}

const valueOf = (s: AgentSample, metric: AlertMetric): number | null =>
  metric === 'memPct' ? (s.memLimitBytes ? (s.memBytes / s.memLimitBytes) * 100 : null) : s[metric];

/**
 * Judges every incoming sample against the enabled rules: a comparison that holds for the rule's
 * duration fires an alert (a history row and an event), one that stops holding resolves it.
 * Open alerts are in the database, so after an API restart they are resolved, not fired again.
 */
export class AlertEvaluator {
  private rules: RuleRow[] = [];
  /** By `${ruleId} ${subject}`. */
  private readonly state = new Map<string, State>();
  private tags = new Map<string, string[]>();
  private tagsAt = 0;

  constructor(
    private readonly db: PrismaClient,
    private readonly hosts: Hosts,
    private readonly events: ApiEvents,
    private readonly log: FastifyBaseLogger,
  ) {}

  async init(): Promise<void> {
    this.rules = await this.db.alertRule.findMany({ where: { enabled: true } });
    for (const open of await this.db.alertEvent.findMany({ where: { resolvedAt: null } })) {
      this.state.set(`${open.ruleId} ${open.subject}`, {
        hostId: open.hostId,
        since: open.firedAt.getTime(),
        lastT: Date.now(),
        open: open.id,
      });
    }
  }

  /**
   * A rule was created, changed or deleted: its open alerts resolve and it starts afresh, so an
   * alert never outlives the rule (or the threshold) that fired it.
   */
  async ruleChanged(ruleId: string): Promise<void> {
    this.rules = await this.db.alertRule.findMany({ where: { enabled: true } });
    if (this.rules.some((r) => r.id === ruleId && r.scope === 'tag')) this.tagsAt = 0;
    const now = Date.now();
    for (const [key, st] of this.state) {
      if (!key.startsWith(`${ruleId} `)) continue;
      if (st.open) await this.resolve(st.open, now);
      this.state.delete(key);
    }
  }

  /** Samples just pulled from a host (subjects as stored: an instance id or "host:<id>"). */
  async observe(
    hostId: string,
    samples: readonly AgentSample[],
    nowMs = Date.now(),
  ): Promise<void> {
    if (this.rules.length === 0 && this.state.size === 0) return;
    if (this.rules.some((r) => r.scope === 'tag') && nowMs - this.tagsAt > TAGS_EVERY_MS) {
      this.tagsAt = nowMs;
      this.tags = new Map((await this.hosts.instances()).map((i) => [i.id, i.tags]));
    }
    const ordered = [...samples].sort((a, b) => a.t - b.t);
    for (const rule of this.rules) {
      for (const s of ordered) {
        if (!this.covers(rule, hostId, s)) continue;
        await this.judge(rule, hostId, s);
      }
    }
    // Subjects of this host that stopped being sampled.
    for (const [key, st] of this.state) {
      if (st.hostId !== hostId || nowMs - st.lastT < STALE_MS) continue;
      if (st.open) await this.resolve(st.open, nowMs);
      this.state.delete(key);
    }
  }

  private covers(rule: RuleRow, hostId: string, s: AgentSample): boolean {
    const isHost = s.kind === 'host';
    switch (rule.scope) {
      case 'all':
        return !isHost;
      case 'instance':
        return s.subject === rule.scopeValue;
      case 'host':
        return hostId === rule.scopeValue;
      case 'tag':
        return !isHost && (this.tags.get(s.subject) ?? []).includes(rule.scopeValue);
      default:
        return false;
    }
  }

  private async judge(rule: RuleRow, hostId: string, s: AgentSample): Promise<void> {
    const subject = s.kind === 'host' ? hostSubject(hostId) : s.subject;
    const key = `${rule.id} ${subject}`;
    const st = this.state.get(key) ?? { hostId, since: null, lastT: s.t, open: null };
    this.state.set(key, st);
    st.lastT = s.t;
    const v = valueOf(s, rule.metric as AlertMetric);
    const holds =
      v !== null && (rule.comparison === 'below' ? v < rule.threshold : v > rule.threshold);
    if (!holds) {
      st.since = null;
      if (st.open) {
        await this.resolve(st.open, s.t);
        st.open = null;
      }
      return;
    }
    st.since ??= s.t;
    if (st.open || s.t - st.since < rule.forSeconds * 1000) return;
    const row = await this.db.alertEvent.create({
      data: {
        ruleId: rule.id,
        ruleName: rule.name,
        metric: rule.metric,
        comparison: rule.comparison,
        threshold: rule.threshold,
        subject,
        subjectName: s.name,
        hostId,
        value: Math.round(v * 100) / 100,
        firedAt: new Date(s.t),
      },
    });
    st.open = row.id;
    this.log.info({ alert: row.id, rule: rule.name, subject }, 'alert fired');
    this.events.publish({ type: 'alert', alert: alertOf(row), at: new Date().toISOString() });
  }

  private async resolve(id: string, atMs: number): Promise<void> {
    const row = await this.db.alertEvent.update({
      where: { id },
      data: { resolvedAt: new Date(atMs) },
    });
    this.log.info({ alert: id }, 'alert resolved');
    this.events.publish({ type: 'alert', alert: alertOf(row), at: new Date().toISOString() });
  }
}
