import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '@berth/db';
import type { AgentSample } from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import type { AlertEvaluator } from '../alerts/evaluator.js';
import { adapterRowsOf, rowOf, type MetricsStore } from './store.js';
import { hostSubject } from './tiers.js';

/** A subject's newest sample counts as "now" for this long (three missed pulls). */
const FRESH_MS = 20_000;
/** On a (re)start, this much of the agent's hour is fetched: older rows were stored before. */
const FIRST_PULL_MS = 60_000;
const RETAIN_EVERY_MS = 10 * 60_000;

export interface Latest {
  hostId: string;
  hostName: string;
  sample: AgentSample;
}

/**
 * Pulls each host's new samples every `intervalMs`, stores them, rolls up closed steps and, less
 * often, deletes what is past each tier's window. A host that does not answer is skipped and
 * caught up from the agent's hour on the next pull.
 */
export class MetricsPuller {
  private readonly lastT = new Map<string, number>();
  /** The newest sample of each subject, for /metrics and the dashboard's top lists. */
  private readonly newest = new Map<string, Latest>();
  private timer: NodeJS.Timeout | undefined;
  private retainedAt = 0;
  private pulling = false;

  constructor(
    private readonly db: PrismaClient,
    private readonly hosts: Hosts,
    private readonly store: MetricsStore,
    private readonly log: FastifyBaseLogger,
    private readonly alerts: AlertEvaluator,
    private readonly intervalMs = 5000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.pull(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The current sample of every subject heard from lately. */
  latest(nowMs = Date.now()): Latest[] {
    return [...this.newest.values()].filter((l) => nowMs - l.sample.t < FRESH_MS);
  }

  async pull(nowMs = Date.now()): Promise<void> {
    if (this.pulling) return;
    this.pulling = true;
    try {
      for (const host of await this.db.host.findMany({ select: { id: true, name: true } })) {
        await this.pullHost(host.id, host.name, nowMs).catch((err: unknown) =>
          this.log.debug({ err, hostId: host.id }, 'no samples from host'),
        );
      }
      await this.store.rollUpClosed(nowMs);
      if (nowMs - this.retainedAt >= RETAIN_EVERY_MS) {
        this.retainedAt = nowMs;
        await this.store.retain(nowMs);
      }
    } catch (err) {
      this.log.warn({ err }, 'storing metrics failed');
    } finally {
      this.pulling = false;
    }
  }

  private async pullHost(hostId: string, hostName: string, nowMs: number): Promise<void> {
    const since = this.lastT.get(hostId) ?? nowMs - FIRST_PULL_MS;
    const { items } = await this.hosts.client(hostId).samples(since);
    if (items.length === 0) return;
    const keyOf = (s: AgentSample) => (s.subject === 'host' ? hostSubject(hostId) : s.subject);
    await this.store.insert(items.map((s) => rowOf(hostId, keyOf(s), s)));
    await this.store.insertAdapters(items.flatMap((s) => adapterRowsOf(hostId, keyOf(s), s)));
    // Stored first: an alert's history row may then be checked against the samples behind it.
    await this.alerts
      .observe(hostId, items, nowMs)
      .catch((err: unknown) => this.log.warn({ err, hostId }, 'judging alerts failed'));
    for (const s of items) this.newest.set(keyOf(s), { hostId, hostName, sample: s });
    this.lastT.set(hostId, Math.max(...items.map((s) => s.t)));
    for (const [key, l] of this.newest) if (nowMs - l.sample.t > FRESH_MS) this.newest.delete(key);
  }
}
