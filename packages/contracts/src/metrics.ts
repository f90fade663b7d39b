import { z } from 'zod';
import { CANONICAL_UINT } from './common.js';

/**
 * One instant's usage of the host or an instance. Counters (CPU time, bytes, operations,
 * packets) are turned into rates over the interval since the agent's previous sample, so a
 * roll-up is a plain average; levels (memory, swap, processes) are as read.
 */
export const MetricValues = z.object({
  /** Percent of one CPU (200 = two CPUs busy). */
  cpuPct: z.number(),
  /** Percent of the CPU cap when one is set (100 = at the cap), else null. */
  cpuCapPct: z.number().nullable(),
  memBytes: z.number(),
  memLimitBytes: z.number().nullable(),
  swapBytes: z.number(),
  diskReadBps: z.number(),
  diskWriteBps: z.number(),
  diskReadIops: z.number(),
  diskWriteIops: z.number(),
  netRxBps: z.number(),
  netTxBps: z.number(),
  netRxPps: z.number(),
  netTxPps: z.number(),
  /** Processes (containers, the host); null for a VM, whose guest the host cannot see into. */
  processes: z.number().int().nullable(),
});
export type MetricValues = z.infer<typeof MetricValues>;

export const MetricSubjectKind = z.enum(['host', 'ct', 'vm']);
export type MetricSubjectKind = z.infer<typeof MetricSubjectKind>;

/** What a network adapter's rates are called, as stored and served. */
export const AdapterField = z.enum(['rxBps', 'txBps', 'rxPps', 'txPps']);
export type AdapterField = z.infer<typeof AdapterField>;

/**
 * One adapter's traffic in a sample, named as its instance knows it (a container's `eth0`, a
 * VM's `net0`, `net1`… by NIC index; the host's physical adapters by their own names) and read
 * from the instance's side: rx is what it received.
 */
export const AdapterRates = z.strictObject({
  adapter: z.string().min(1).max(32),
  rxBps: z.number(),
  txBps: z.number(),
  rxPps: z.number(),
  txPps: z.number(),
});
export type AdapterRates = z.infer<typeof AdapterRates>;

/** A sample as the agent keeps it: `subject` is the instance id, or "host". */
export const AgentSample = MetricValues.extend({
  subject: z.string(),
  kind: MetricSubjectKind,
  name: z.string(),
  /** ms since the epoch. */
  t: z.number().int(),
  /** Per adapter; the net* totals above are their sum (an agent before this sends none). */
  adapters: z.array(AdapterRates).optional(),
});
export type AgentSample = z.infer<typeof AgentSample>;

export const AgentSamples = z.object({
  intervalMs: z.number().int(),
  items: z.array(AgentSample),
});
export type AgentSamples = z.infer<typeof AgentSamples>;

/** GET /v1/samples?since=<ms>: samples taken after `since` (at most the last hour). */
export const SamplesQuery = z.strictObject({
  since: z
    .string()
    .regex(CANONICAL_UINT, 'since: ms since the epoch, a whole number')
    .transform(Number)
    .default(0),
});

/** The ranges a graph offers, each served from the tier that covers it. */
export const MetricsRange = z.enum(['1h', '1d', '1w', '1m', '1y']);
export type MetricsRange = z.infer<typeof MetricsRange>;

/** A stored series: every value of a sample, and the highest 5 s CPU % a coarser step covers. */
export const MetricField = z.enum([
  'cpuPct',
  'cpuMaxPct',
  'cpuCapPct',
  'memBytes',
  'memLimitBytes',
  'swapBytes',
  'diskReadBps',
  'diskWriteBps',
  'diskReadIops',
  'diskWriteIops',
  'netRxBps',
  'netTxBps',
  'netRxPps',
  'netTxPps',
  'processes',
]);
export type MetricField = z.infer<typeof MetricField>;

const FIELD_LIST = new RegExp(
  `^(${MetricField.options.join('|')})(,(${MetricField.options.join('|')}))*$`,
);

export const MetricsQuery = z.strictObject({
  range: MetricsRange.default('1h'),
  /** Comma-separated fields to answer (a graph asks only what it draws); default all. */
  fields: z
    .string()
    .regex(FIELD_LIST, `fields: a comma-separated list of ${MetricField.options.join(', ')}`)
    .transform((s) => [...new Set(s.split(','))] as MetricField[])
    .optional(),
});

/**
 * Columns, as uPlot draws them: `t` (ms since the epoch, the start of each step, ascending) and
 * one array per asked field aligned with it (null where a value is unknown: no cap, no limit).
 * Counters are per second; a coarser step's value is the average of the 5 s samples it covers.
 */
export const MetricSeries = z.object({
  subject: z.string(),
  range: MetricsRange,
  stepSeconds: z.number().int(),
  t: z.array(z.number().int()),
  values: z.partialRecord(MetricField, z.array(z.number().nullable())),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

export const AdapterMetricsQuery = z.strictObject({ range: MetricsRange.default('1h') });

/**
 * One series per adapter, each as MetricSeries' columns: `t` and an array per AdapterField.
 * Adapters in name order; one that came later (a NIC added) has no points before it.
 */
export const AdapterSeries = z.object({
  subject: z.string(),
  range: MetricsRange,
  stepSeconds: z.number().int(),
  adapters: z.array(
    z.object({
      adapter: z.string(),
      t: z.array(z.number().int()),
      values: z.record(AdapterField, z.array(z.number())),
    }),
  ),
});
export type AdapterSeries = z.infer<typeof AdapterSeries>;

/** The busiest instances now, for the dashboard. */
export const TopInstances = z.object({
  byCpu: z.array(
    z.object({ id: z.string(), name: z.string(), kind: z.string(), value: z.number() }),
  ),
  byMemory: z.array(
    z.object({ id: z.string(), name: z.string(), kind: z.string(), value: z.number() }),
  ),
});
export type TopInstances = z.infer<typeof TopInstances>;

/** Every running instance's newest sample, for the dashboard's overview of many instances. */
export const InstanceNow = z.object({
  id: z.string(),
  name: z.string(),
  kind: MetricSubjectKind,
  hostId: z.string(),
  cpuPct: z.number(),
  cpuCapPct: z.number().nullable(),
  memBytes: z.number(),
  memLimitBytes: z.number().nullable(),
});
export type InstanceNow = z.infer<typeof InstanceNow>;
export const InstancesNow = z.object({ items: z.array(InstanceNow) });
export type InstancesNow = z.infer<typeof InstancesNow>;
