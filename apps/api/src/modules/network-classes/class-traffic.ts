import type { FastifyBaseLogger } from 'fastify';
import type { Prisma, PrismaClient } from '@berth/db';
import type { ClassTrafficTotal, InstanceClassCounters } from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import { TIERS } from '../monitoring/tiers.js';

type Row = Prisma.ClassTrafficCreateManyInput;

/** Class counters are read this often: one nft call per host, not one per instance per sample. */
export const CLASS_READ_MS = 30_000;

interface Seen {
  since: string;
  inBytes: number;
  outBytes: number;
}

/** Rows of one step summed into a coarser step's row (bytes add up; they are not rates). */
export function sumUp(rows: readonly Row[], step: number, atMs: number): Row {
  const first = rows[0];
  if (!first) throw new Error('nothing to sum');
  return {
    ...first,
    step,
    t: BigInt(atMs),
    inBytes: rows.reduce((a, r) => a + r.inBytes, 0),
    outBytes: rows.reduce((a, r) => a + r.outBytes, 0),
  };
}

/**
 * Traffic by class as history: every 30 s each host's counters (cumulative since each
 * instance's table was made) are read, and what each grew by since the last read is stored as
 * a row of the finest tier at the read's 5 s step; coarser tiers sum their steps' rows and each
 * tier is pruned with MetricSample's windows. A table made again (`since` changed) counts from
 * zero. The first read after an API start only sets the baseline: what passed while no API ran
 * is counted in that read's counters but not stored.
 */
export class ClassTrafficRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly rolledTo = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private reading = false;

  constructor(
    private readonly db: PrismaClient,
    private readonly hosts: Hosts,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.read(), CLASS_READ_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async read(nowMs = Date.now()): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      for (const host of await this.db.host.findMany({ select: { id: true } })) {
        const counters = await this.hosts
          .client(host.id)
          .classCounters()
          .catch((err: unknown) => {
            this.log.debug({ err, hostId: host.id }, 'no class counters from host');
            return null;
          });
        if (counters) await this.store(host.id, counters.items, nowMs);
      }
      await this.rollUpClosed(nowMs);
      await this.retain(nowMs);
    } catch (err) {
      this.log.warn({ err }, 'storing class traffic failed');
    } finally {
      this.reading = false;
    }
  }

  private async store(hostId: string, items: InstanceClassCounters[], nowMs: number) {
    const stepMs = TIERS[0].step * 1000;
    const t = BigInt(Math.floor(nowMs / stepMs) * stepMs);
    const rows: Row[] = [];
    for (const item of items) {
      for (const c of item.classes) {
        const key = `${item.instanceId}\n${c.class}`;
        const before = this.seen.get(key);
        this.seen.set(key, { since: item.since, inBytes: c.inBytes, outBytes: c.outBytes });
        if (!before) continue;
        const fresh = before.since !== item.since;
        const inBytes = fresh ? c.inBytes : c.inBytes - before.inBytes;
        const outBytes = fresh ? c.outBytes : c.outBytes - before.outBytes;
        if (inBytes <= 0 && outBytes <= 0) continue;
        rows.push({
          subject: item.instanceId,
          class: c.class,
          step: TIERS[0].step,
          t,
          hostId,
          inBytes: Math.max(0, inBytes),
          outBytes: Math.max(0, outBytes),
        });
      }
    }
    if (rows.length === 0) return;
    // One row per step and class: reads are 30 s apart, so a step holds one read's growth (a
    // read forced into the same step, as a test may do, replaces it rather than failing).
    await this.db.$transaction([
      this.db.classTraffic.deleteMany({ where: { step: TIERS[0].step, t, hostId } }),
      this.db.classTraffic.createMany({ data: rows }),
    ]);
  }

  /** Each coarser tier's closed buckets summed from the tier before (idempotent per bucket). */
  async rollUpClosed(nowMs: number, graceMs = 15_000): Promise<void> {
    for (let i = 1; i < TIERS.length; i++) {
      const stepMs = TIERS[i]!.step * 1000;
      const end = Math.floor((nowMs - graceMs * i) / stepMs) * stepMs;
      let from = this.rolledTo.get(stepMs) ?? end - stepMs;
      for (; from < end; from += stepMs) await this.rollUpBucket(i, from);
      this.rolledTo.set(stepMs, end);
    }
  }

  async rollUpBucket(i: number, fromMs: number): Promise<void> {
    const { step } = TIERS[i]!;
    const rows = await this.db.classTraffic.findMany({
      where: {
        step: TIERS[i - 1]!.step,
        t: { gte: BigInt(fromMs), lt: BigInt(fromMs + step * 1000) },
      },
    });
    const groups = new Map<string, Row[]>();
    for (const r of rows) {
      const key = `${r.subject}\n${r.class}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    await this.db.$transaction([
      this.db.classTraffic.deleteMany({ where: { step, t: BigInt(fromMs) } }),
      this.db.classTraffic.createMany({
        data: [...groups.values()].map((g) => sumUp(g, step, fromMs)),
      }),
    ]);
  }

  private async retain(nowMs: number): Promise<void> {
    for (const { step, keepMs } of TIERS) {
      await this.db.classTraffic.deleteMany({ where: { step, t: { lt: BigInt(nowMs - keepMs) } } });
    }
  }

  /** An instance's bytes per class over the range's tier, with the tier's points. */
  async totals(subject: string, step: number, fromMs: number): Promise<ClassTrafficTotal[]> {
    const rows = await this.db.classTraffic.findMany({
      where: { subject, step, t: { gte: BigInt(fromMs) } },
      orderBy: [{ class: 'asc' }, { t: 'asc' }],
    });
    const byClass = new Map<string, ClassTrafficTotal>();
    for (const r of rows) {
      const c = byClass.get(r.class) ?? {
        class: r.class,
        inBytes: 0,
        outBytes: 0,
        points: { t: [], inBytes: [], outBytes: [] },
      };
      byClass.set(r.class, c);
      c.inBytes += r.inBytes;
      c.outBytes += r.outBytes;
      c.points.t.push(Number(r.t));
      c.points.inBytes.push(r.inBytes);
      c.points.outBytes.push(r.outBytes);
    }
    return [...byClass.values()];
  }
}
