import type { Prisma, PrismaClient } from '@berth/db';
import type { AgentSample, MetricPoint } from '@berth/contracts';
import { TIERS } from './tiers.js';

type Row = Prisma.MetricSampleCreateManyInput;

const AVERAGED = [
  'cpuPct',
  'memBytes',
  'swapBytes',
  'diskReadBps',
  'diskWriteBps',
  'diskReadIops',
  'diskWriteIops',
  'netRxBps',
  'netTxBps',
  'netRxPps',
  'netTxPps',
] as const;
const NULLABLE = ['cpuCapPct', 'memLimitBytes', 'processes'] as const;

/** Two bound variables a row in the delete: under the 999 SQLite allows a statement. */
const INSERT_CHUNK = 400;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The roll-up of rows of one subject: each value their average, cpuMaxPct their max. */
export function rollUp(rows: readonly Row[], step: number, at: Date): Row {
  const first = rows[0];
  if (!first) throw new Error('nothing to roll up');
  const out: Row = {
    subject: first.subject,
    hostId: first.hostId,
    step,
    at,
    cpuMaxPct: Math.max(...rows.map((r) => r.cpuMaxPct)),
  } as Row;
  for (const k of AVERAGED) out[k] = mean(rows.map((r) => r[k]));
  for (const k of NULLABLE) {
    const xs = rows.map((r) => r[k]).filter((v): v is number => typeof v === 'number');
    out[k] = xs.length ? mean(xs) : null;
  }
  return out;
}

export function rowOf(hostId: string, subject: string, s: AgentSample): Row {
  return {
    subject,
    hostId,
    step: TIERS[0].step,
    at: new Date(s.t),
    cpuPct: s.cpuPct,
    cpuMaxPct: s.cpuPct,
    cpuCapPct: s.cpuCapPct,
    memBytes: s.memBytes,
    memLimitBytes: s.memLimitBytes,
    swapBytes: s.swapBytes,
    diskReadBps: s.diskReadBps,
    diskWriteBps: s.diskWriteBps,
    diskReadIops: s.diskReadIops,
    diskWriteIops: s.diskWriteIops,
    netRxBps: s.netRxBps,
    netTxBps: s.netTxBps,
    netRxPps: s.netRxPps,
    netTxPps: s.netTxPps,
    processes: s.processes,
  };
}

/**
 * Metric rows in the database: 5 s samples as they come, rolled up tier by tier once a step has
 * closed, and deleted past each tier's window. Every step is idempotent (a roll-up replaces its
 * bucket), so a restart that rolls a bucket again changes nothing.
 */
export class MetricsStore {
  /** Per tier (by step), the end of the last bucket rolled up. */
  private readonly rolledTo = new Map<number, number>();

  constructor(private readonly db: PrismaClient) {}

  async insert(rows: Row[]): Promise<void> {
    // In chunks: a catch-up after an outage may bring an hour of every instance, more bound
    // variables than one statement takes.
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      // A re-pulled sample (after an API restart) is still one row.
      await this.db.$transaction([
        this.db.metricSample.deleteMany({
          where: {
            step: TIERS[0].step,
            OR: chunk.map((r) => ({ subject: r.subject, at: r.at })),
          },
        }),
        this.db.metricSample.createMany({ data: chunk }),
      ]);
    }
  }

  /**
   * Rolls up every bucket of each coarser tier that has closed by `nowMs` minus a grace for
   * samples still on their way (later tiers wait for the roll-ups they are made of).
   */
  async rollUpClosed(nowMs: number, graceMs = 15_000): Promise<void> {
    for (let i = 1; i < TIERS.length; i++) {
      const { step } = TIERS[i]!;
      const stepMs = step * 1000;
      const end = Math.floor((nowMs - graceMs * i) / stepMs) * stepMs;
      // On a fresh start only the last closed bucket is (re)made: older ones were made before.
      let from = this.rolledTo.get(step) ?? end - stepMs;
      for (; from < end; from += stepMs) await this.rollUpBucket(i, from);
      this.rolledTo.set(step, end);
    }
  }

  /** Makes tier `i`'s rows for the bucket starting at `fromMs` from tier i-1's rows in it. */
  async rollUpBucket(i: number, fromMs: number): Promise<void> {
    const { step } = TIERS[i]!;
    const finer = TIERS[i - 1]!.step;
    const at = new Date(fromMs);
    const rows = await this.db.metricSample.findMany({
      where: { step: finer, at: { gte: at, lt: new Date(fromMs + step * 1000) } },
    });
    const bySubject = new Map<string, Row[]>();
    for (const r of rows) {
      const list = bySubject.get(r.subject) ?? [];
      list.push(r);
      bySubject.set(r.subject, list);
    }
    const made = [...bySubject.values()].map((list) => rollUp(list, step, at));
    await this.db.$transaction([
      this.db.metricSample.deleteMany({ where: { step, at } }),
      this.db.metricSample.createMany({ data: made }),
    ]);
  }

  /** Deletes each tier's rows older than its window; returns how many went. */
  async retain(nowMs: number): Promise<number> {
    let deleted = 0;
    for (const { step, keepMs } of TIERS) {
      const res = await this.db.metricSample.deleteMany({
        where: { step, at: { lt: new Date(nowMs - keepMs) } },
      });
      deleted += res.count;
    }
    return deleted;
  }

  async series(subject: string, step: number, fromMs: number): Promise<MetricPoint[]> {
    const rows = await this.db.metricSample.findMany({
      where: { subject, step, at: { gte: new Date(fromMs) } },
      orderBy: { at: 'asc' },
      omit: { subject: true, hostId: true, step: true },
    });
    // Averages carry long fractions no graph shows: two decimals make a month's answer about
    // half the size to encode, compress and send.
    return rows.map(({ at, ...values }) => {
      const point = { t: at.getTime() } as MetricPoint;
      for (const [k, v] of Object.entries(values) as Array<[keyof MetricPoint, number | null]>)
        (point as Record<string, number | null>)[k] = v === null ? null : Math.round(v * 100) / 100;
      point.processes = values.processes === null ? null : Math.round(values.processes);
      return point;
    });
  }
}
