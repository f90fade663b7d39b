import type { PrismaClient } from '@berth/db';
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
  n: bigint | number;
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
    // The finest tier still holding `from`; past a year the hourly tier holds what is left.
    const { step } = TIERS.find((t) => fromMs >= nowMs - t.keepMs) ?? TIERS[3];
    const sums = await this.db.$queryRaw<SubjectSums[]>`
      SELECT "subject", "hostId", SUM("cpuPct") AS cpu, SUM("memBytes") AS mem,
             SUM("netRxBps") AS rx, SUM("netTxBps") AS tx, COUNT(*) AS n
      FROM "MetricSample"
      WHERE "step" = ${step} AND "t" >= ${BigInt(fromMs)} AND "t" < ${BigInt(toMs)}
        AND "subject" NOT LIKE 'host:%'
      GROUP BY "subject", "hostId"`;
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
      const seconds = Number(s.n) * step;
      const inst = instances.get(s.subject);
      const totals: UsageTotals = {
        cpuHours: ((Number(s.cpu) / 100) * step) / HOUR_S,
        memoryGiBHours: ((Number(s.mem) / GiB) * step) / HOUR_S,
        diskGiBDays: ((inst?.diskSizeBytes ?? 0) / GiB) * (seconds / DAY_S),
        netInGiB: (Number(s.rx) * step) / GiB,
        netOutGiB: (Number(s.tx) * step) / GiB,
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
      stepSeconds: step,
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
