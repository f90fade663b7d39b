import { Prisma, type PrismaClient } from '@berth/db';
import type { Instance, UsageQuery, UsageReport, UsageRow, UsageTotals } from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import { TIERS } from '../monitoring/tiers.js';

const GiB = 1024 ** 3;
const HOUR_S = 3600;
const DAY_S = 86_400;

/** Totals carry six decimals: a thousandth of a CPU-second is past what anyone bills. */
const six = (v: number) => Math.round(v * 1e6) / 1e6;

const ZERO: UsageTotals = {
  cpuHours: 0,
  memoryGiBHours: 0,
  diskGiBDays: 0,
  netInGiB: 0,
  netOutGiB: 0,
  sampledHours: 0,
};

interface SubjectSums {
  subject: string;
  hostId: string;
  cpu: number;
  mem: number;
  rx: number;
  tx: number;
  seconds: bigint | number;
}

interface Segment {
  step: number;
  from: number;
  to: number;
}

/**
 * Which tier answers which part of [from, to): the finest one that still holds it. Tier i holds
 * the last keepMs; from the first whole bucket of the next tier after that on, tier i is read,
 * and before it the next tier, whose rows there cover whole closed buckets. So recent time comes
 * at 5 s (not waiting for roll-ups) and no time is counted twice.
 */
export function segmentsOf(fromMs: number, toMs: number, nowMs: number): Segment[] {
  const out: Segment[] = [];
  let end = toMs;
  for (let i = 0; i < TIERS.length && end > fromMs; i++) {
    const coarser = TIERS[i + 1];
    const cut = coarser
      ? Math.ceil((nowMs - TIERS[i]!.keepMs) / (coarser.step * 1000)) * coarser.step * 1000
      : -Infinity;
    const start = Math.max(fromMs, cut);
    if (start < end) out.push({ step: TIERS[i]!.step, from: start, to: end });
    end = Math.min(end, start);
  }
  return out;
}

/**
 * Usage totals per instance, host or tag from the stored samples: each row stands for its step,
 * so a total is the sum of value × step over the rows in the period (rates per second become
 * amounts). One grouped query sums per instance; hosts and tags add those up.
 */
export class UsageService {
  constructor(
    private readonly db: PrismaClient,
    private readonly hosts: Hosts,
  ) {}

  async report(q: UsageQuery, nowMs = Date.now()): Promise<UsageReport> {
    const fromMs = Date.parse(q.from);
    const toMs = Date.parse(q.to);
    const segments = segmentsOf(fromMs, toMs, nowMs);
    // Each row stands for its step: sums are of value × step, and SUM(step) is the time covered.
    const sums = segments.length
      ? await this.db.$queryRaw<SubjectSums[]>`
      SELECT "subject", "hostId", SUM("cpuPct" * "step") AS cpu, SUM("memBytes" * "step") AS mem,
             SUM("netRxBps" * "step") AS rx, SUM("netTxBps" * "step") AS tx, SUM("step") AS seconds
      FROM "MetricSample"
      WHERE (${Prisma.join(
        segments.map(
          (g) =>
            Prisma.sql`("step" = ${g.step} AND "t" >= ${BigInt(g.from)} AND "t" < ${BigInt(g.to)})`,
        ),
        ' OR ',
      )})
        AND "subject" NOT LIKE 'host:%'
      GROUP BY "subject", "hostId"`
      : [];
    const instances = new Map<string, Instance>();
    if (sums.length) for (const i of await this.hosts.instances()) instances.set(i.id, i);
    const hostNames = new Map(
      (await this.db.host.findMany({ select: { id: true, name: true } })).map((h) => [
        h.id,
        h.name,
      ]),
    );

    const groups = new Map<string, UsageRow>();
    const add = (key: string, name: string, t: UsageTotals) => {
      const g = groups.get(key) ?? { key, name, ...ZERO };
      for (const k of Object.keys(ZERO) as Array<keyof UsageTotals>) g[k] += t[k];
      groups.set(key, g);
    };
    for (const s of sums) {
      const seconds = Number(s.seconds);
      const inst = instances.get(s.subject);
      const totals: UsageTotals = {
        cpuHours: Number(s.cpu) / 100 / HOUR_S,
        memoryGiBHours: Number(s.mem) / GiB / HOUR_S,
        diskGiBDays: ((inst?.diskSizeBytes ?? 0) / GiB) * (seconds / DAY_S),
        netInGiB: Number(s.rx) / GiB,
        netOutGiB: Number(s.tx) / GiB,
        sampledHours: seconds / HOUR_S,
      };
      if (q.groupBy === 'instance') add(s.subject, inst?.name ?? s.subject, totals);
      else if (q.groupBy === 'host') add(s.hostId, hostNames.get(s.hostId) ?? s.hostId, totals);
      else for (const tag of inst?.tags.length ? inst.tags : ['']) add(tag, tag, totals);
    }
    const items = [...groups.values()]
      .map((g) => {
        for (const k of Object.keys(ZERO) as Array<keyof UsageTotals>) g[k] = six(g[k]);
        return g;
      })
      .sort((a, b) => a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      groupBy: q.groupBy,
      steps: segments.map((g) => g.step),
      items,
    };
  }
}

export const USAGE_CSV_COLUMNS = [
  'key',
  'name',
  'cpuHours',
  'memoryGiBHours',
  'diskGiBDays',
  'netInGiB',
  'netOutGiB',
  'sampledHours',
] as const satisfies ReadonlyArray<keyof UsageRow>;
