import { z } from 'zod';
import { queryInt } from './common.js';

/**
 * What a rule watches: a sampled value, or memPct (memory used as % of its limit; an instance
 * without a limit never matches). cpuPct is % of one CPU, cpuCapPct % of the CPU cap.
 */
export const AlertMetric = z.enum([
  'cpuPct',
  'cpuCapPct',
  'memPct',
  'memBytes',
  'swapBytes',
  'diskReadBps',
  'diskWriteBps',
  'netRxBps',
  'netTxBps',
  'processes',
]);
export type AlertMetric = z.infer<typeof AlertMetric>;

export const AlertComparison = z.enum(['above', 'below']);
export type AlertComparison = z.infer<typeof AlertComparison>;

/** all: every instance; instance: one (by id); tag: instances with it; host: the host and its instances. */
export const AlertScope = z.enum(['all', 'instance', 'tag', 'host']);
export type AlertScope = z.infer<typeof AlertScope>;

const RuleFields = z.strictObject({
  name: z.string().trim().min(1).max(80),
  metric: AlertMetric,
  comparison: AlertComparison.default('above'),
  threshold: z.number().finite(),
  /** How long the comparison must hold, sample after sample, before the alert fires. */
  forSeconds: z.number().int().min(0).max(86_400),
  scope: AlertScope,
  scopeValue: z.string().max(128).default(''),
  enabled: z.boolean().default(true),
});

/** POST /alerts/rules and PUT /alerts/rules/{id} (the whole rule). */
export const AlertRuleSpec = RuleFields.refine(
  (r) => (r.scope === 'all' ? r.scopeValue === '' : r.scopeValue !== ''),
  {
    path: ['scopeValue'],
    message: 'scopeValue: the instance id, tag or host id the scope names; empty for "all"',
  },
);
export type AlertRuleSpec = z.infer<typeof AlertRuleSpec>;

export const AlertRule = RuleFields.extend({
  id: z.string(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type AlertRule = z.infer<typeof AlertRule>;

/** One alert: fired at `firedAt` with `value`; firing while `resolvedAt` is null. */
export const AlertEvent = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  metric: AlertMetric,
  comparison: AlertComparison,
  threshold: z.number(),
  /** The instance id, or "host:<host id>". */
  subject: z.string(),
  subjectName: z.string(),
  hostId: z.string(),
  value: z.number(),
  firedAt: z.iso.datetime(),
  resolvedAt: z.iso.datetime().nullable(),
});
export type AlertEvent = z.infer<typeof AlertEvent>;

export const AlertPageQuery = z.strictObject({
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
});

export const AlertHistoryQuery = AlertPageQuery.extend({
  /** firing: only alerts not resolved yet. */
  state: z.enum(['all', 'firing']).default('all'),
});
export type AlertHistoryQuery = z.infer<typeof AlertHistoryQuery>;

export const AlertRulePage = z.object({ items: z.array(AlertRule), total: z.number().int() });
export type AlertRulePage = z.infer<typeof AlertRulePage>;
export const AlertHistoryPage = z.object({ items: z.array(AlertEvent), total: z.number().int() });
export type AlertHistoryPage = z.infer<typeof AlertHistoryPage>;
