import { Prisma, type PrismaClient } from '@berth/db';
import { AdapterField, MetricField, type AgentSample } from '@berth/contracts';
import { TIERS } from './tiers.js';

type Row = Prisma.MetricSampleCreateManyInput;
type AdapterRow = Prisma.AdapterSampleCreateManyInput;
export type Provider = 'sqlite' | 'postgresql';

/** One adapter's series as columns, like Columns. */
export interface AdapterColumns {
  adapter: string;
  t: number[];
  values: Record<AdapterField, number[]>;
}

/** One series as columns: `t` (ms) and an array per field, aligned with it. */
export interface Columns {
  t: number[];
  values: Partial<Record<MetricField, Array<number | null>>>;
}

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
/** Three bound variables an adapter row in its delete (subject, adapter, t). */
const ADAPTER_CHUNK = 300;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/**
 * Values are stored with two decimals: no graph or total shows more, and a read then returns
 * them as stored instead of rounding each one (which cost SQLite more than the read itself).
 */
const round2 = (v: number) => Math.round(v * 100) / 100;
const round2OrNull = (v: number | null) => (v === null ? null : round2(v));

/** The roll-up of rows of one subject: each value their average, cpuMaxPct their max. */
export function rollUp(rows: readonly Row[], step: number, atMs: number): Row {
  const first = rows[0];
  if (!first) throw new Error('nothing to roll up');
  const out: Row = {
    subject: first.subject,
    hostId: first.hostId,
    step,
    t: BigInt(atMs),
    cpuMaxPct: Math.max(...rows.map((r) => r.cpuMaxPct)),
  } as Row;
  for (const k of AVERAGED) out[k] = round2(mean(rows.map((r) => r[k])));
  for (const k of NULLABLE) {
    const xs = rows.map((r) => r[k]).filter((v): v is number => typeof v === 'number');
    out[k] = xs.length ? round2(mean(xs)) : null;
  }
  return out;
}

/** The roll-up of one adapter's rows: each rate their average. */
export function rollUpAdapter(rows: readonly AdapterRow[], step: number, atMs: number): AdapterRow {
  const first = rows[0];
  if (!first) throw new Error('nothing to roll up');
  const out = { ...first, step, t: BigInt(atMs) };
  for (const k of AdapterField.options) out[k] = round2(mean(rows.map((r) => r[k])));
  return out;
}

export function adapterRowsOf(hostId: string, subject: string, s: AgentSample): AdapterRow[] {
  return (s.adapters ?? []).map((a) => ({
    subject,
    adapter: a.adapter,
    hostId,
    step: TIERS[0].step,
    t: BigInt(s.t),
    rxBps: round2(a.rxBps),
    txBps: round2(a.txBps),
    rxPps: round2(a.rxPps),
    txPps: round2(a.txPps),
  }));
}

export function rowOf(hostId: string, subject: string, s: AgentSample): Row {
  return {
    subject,
    hostId,
    step: TIERS[0].step,
    t: BigInt(s.t),
    cpuPct: round2(s.cpuPct),
    cpuMaxPct: round2(s.cpuPct),
    cpuCapPct: round2OrNull(s.cpuCapPct),
    memBytes: s.memBytes,
    memLimitBytes: s.memLimitBytes,
    swapBytes: s.swapBytes,
    diskReadBps: round2(s.diskReadBps),
    diskWriteBps: round2(s.diskWriteBps),
    diskReadIops: round2(s.diskReadIops),
    diskWriteIops: round2(s.diskWriteIops),
    netRxBps: round2(s.netRxBps),
    netTxBps: round2(s.netTxBps),
    netRxPps: round2(s.netRxPps),
    netTxPps: round2(s.netTxPps),
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

  constructor(
    private readonly db: PrismaClient,
    private readonly provider: Provider = 'sqlite',
  ) {}

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
            OR: chunk.map((r) => ({ subject: r.subject, t: r.t })),
          },
        }),
        this.db.metricSample.createMany({ data: chunk }),
      ]);
    }
  }

  /** Adapter rows as they come; a re-pulled sample's adapter is still one row. */
  async insertAdapters(rows: AdapterRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += ADAPTER_CHUNK) {
      const chunk = rows.slice(i, i + ADAPTER_CHUNK);
      await this.db.$transaction([
        this.db.adapterSample.deleteMany({
          where: {
            step: TIERS[0].step,
            OR: chunk.map((r) => ({ subject: r.subject, adapter: r.adapter, t: r.t })),
          },
        }),
        this.db.adapterSample.createMany({ data: chunk }),
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
    const rows = await this.db.metricSample.findMany({
      where: { step: finer, t: { gte: BigInt(fromMs), lt: BigInt(fromMs + step * 1000) } },
    });
    const bySubject = new Map<string, Row[]>();
    for (const r of rows) {
      const list = bySubject.get(r.subject) ?? [];
      list.push(r);
      bySubject.set(r.subject, list);
    }
    const made = [...bySubject.values()].map((list) => rollUp(list, step, fromMs));
    const adapterRows = await this.db.adapterSample.findMany({
      where: { step: finer, t: { gte: BigInt(fromMs), lt: BigInt(fromMs + step * 1000) } },
    });
    const byAdapter = new Map<string, AdapterRow[]>();
    for (const r of adapterRows) {
      const key = `${r.subject}\n${r.adapter}`;
      const list = byAdapter.get(key) ?? [];
      list.push(r);
      byAdapter.set(key, list);
    }
    const madeAdapters = [...byAdapter.values()].map((l) => rollUpAdapter(l, step, fromMs));
    await this.db.$transaction([
      this.db.metricSample.deleteMany({ where: { step, t: BigInt(fromMs) } }),
      this.db.metricSample.createMany({ data: made }),
      this.db.adapterSample.deleteMany({ where: { step, t: BigInt(fromMs) } }),
      this.db.adapterSample.createMany({ data: madeAdapters }),
    ]);
  }

  /** Deletes each tier's rows older than its window; returns how many went. */
  async retain(nowMs: number): Promise<number> {
    let deleted = 0;
    for (const { step, keepMs } of TIERS) {
      const where = { step, t: { lt: BigInt(nowMs - keepMs) } };
      deleted += (await this.db.metricSample.deleteMany({ where })).count;
      deleted += (await this.db.adapterSample.deleteMany({ where })).count;
    }
    return deleted;
  }

  /**
   * One subject's adapters as columns, one grouped query as series() is (values as whole
   * hundredths for the same reason), in adapter name order.
   */
  async adapterSeries(subject: string, step: number, fromMs: number): Promise<AdapterColumns[]> {
    const agg = (expr: string) =>
      this.provider === 'postgresql'
        ? `json_agg(${expr} ORDER BY "t")`
        : `json_group_array(${expr})`;
    // Field names come from the AdapterField enum, never from the request's text.
    const cols = [
      `${agg('"t"')} AS "t"`,
      ...AdapterField.options.map((c) => `${agg(`CAST(ROUND("${c}" * 100) AS BIGINT)`)} AS "${c}"`),
    ].join(', ');
    const rows = await this.db.$queryRaw<Array<Record<string, unknown>>>`
      SELECT "adapter", ${Prisma.raw(cols)}
      FROM (SELECT * FROM "AdapterSample"
            WHERE "subject" = ${subject} AND "step" = ${step} AND "t" >= ${BigInt(fromMs)}
            ORDER BY "adapter", "t") AS s
      GROUP BY "adapter"
      ORDER BY "adapter"`;
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as number[];
    return rows.map((row) => ({
      adapter: row.adapter as string,
      t: json(row.t),
      values: Object.fromEntries(
        AdapterField.options.map((f) => [f, json(row[f]).map((v) => v / 100)]),
      ) as AdapterColumns['values'],
    }));
  }

  /**
   * Series of several subjects in one grouped query: the database builds each column as one JSON
   * array (in `t` order), so neither Prisma nor JS handles a row per point. Values leave the
   * database as whole hundredths: SQLite writes an integer into JSON, and V8 parses one, for less
   * than a float (the 100-instance day of bench/monitoring takes a third less), and stored values
   * have two decimals, so k / 100 is the stored double again. (Exact below 2^53 / 100: 90 TB, or
   * 90 TB/s, far beyond what one machine holds or moves.)
   */
  async series(
    subjects: readonly string[],
    step: number,
    fromMs: number,
    fields: readonly MetricField[] = MetricField.options,
  ): Promise<Map<string, Columns>> {
    const out = new Map<string, Columns>();
    if (subjects.length === 0) return out;
    // SQLite aggregates in the order of the sorted subquery; PostgreSQL is told the order.
    const agg = (expr: string) =>
      this.provider === 'postgresql'
        ? `json_agg(${expr} ORDER BY "t")`
        : `json_group_array(${expr})`;
    // Field names come from the MetricField enum, never from the request's text.
    const cols = [
      `${agg('"t"')} AS "t"`,
      ...fields.map((c) => `${agg(`CAST(ROUND("${c}" * 100) AS BIGINT)`)} AS "${c}"`),
    ].join(', ');
    const rows = await this.db.$queryRaw<Array<Record<string, unknown>>>`
      SELECT "subject", ${Prisma.raw(cols)}
      FROM (SELECT * FROM "MetricSample"
            WHERE "subject" IN (${Prisma.join(subjects)}) AND "step" = ${step} AND "t" >= ${BigInt(fromMs)}
            ORDER BY "subject", "t") AS s
      GROUP BY "subject"`;
    const json = (v: unknown) =>
      (typeof v === 'string' ? JSON.parse(v) : v) as Array<number | null>;
    for (const row of rows) {
      const values: Columns['values'] = {};
      for (const f of fields) {
        const hundredths = json(row[f]);
        for (let i = 0; i < hundredths.length; i++) {
          const v = hundredths[i];
          if (v !== null && v !== undefined) hundredths[i] = v / 100;
        }
        values[f] = hundredths;
      }
      out.set(row.subject as string, { t: json(row.t) as number[], values });
    }
    return out;
  }
}
