import { z } from 'zod';

export const UsageGroupBy = z.enum(['instance', 'host', 'tag']);
export type UsageGroupBy = z.infer<typeof UsageGroupBy>;

/** GET /api/v1/usage: totals over [from, to), for billing. */
export const UsageQuery = z
  .strictObject({
    from: z.iso.datetime({ message: 'from: an ISO date-time such as 2026-11-01T00:00:00Z' }),
    to: z.iso.datetime({ message: 'to: an ISO date-time such as 2026-12-01T00:00:00Z' }),
    groupBy: UsageGroupBy.default('instance'),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), {
    message: 'to: must be after from',
    path: ['to'],
  });
export type UsageQuery = z.infer<typeof UsageQuery>;

export const UsageTotals = z.object({
  /** CPU-hours: one CPU fully busy for an hour is 1. */
  cpuHours: z.number(),
  /** Memory in use, GiB × hours. */
  memoryGiBHours: z.number(),
  /** The disk's allocated size, GiB × days, over the time the instance was sampled (running). */
  diskGiBDays: z.number(),
  netInGiB: z.number(),
  netOutGiB: z.number(),
  /** Hours of samples the totals cover. */
  sampledHours: z.number(),
});
export type UsageTotals = z.infer<typeof UsageTotals>;

export const UsageRow = UsageTotals.extend({
  /** The instance id, host id or tag ("" for instances without one). */
  key: z.string(),
  /** The instance's or host's name where known (a deleted instance keeps only its id). */
  name: z.string(),
});
export type UsageRow = z.infer<typeof UsageRow>;

export const UsageReport = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  groupBy: UsageGroupBy,
  /**
   * The tiers summed (their steps in seconds, finest first): each part of the period from the
   * finest tier that still holds it, so a total is exact to that step at the period's ends.
   */
  steps: z.array(z.number().int()),
  items: z.array(UsageRow),
});
export type UsageReport = z.infer<typeof UsageReport>;
