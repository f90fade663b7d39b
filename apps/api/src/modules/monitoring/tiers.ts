import type { MetricsRange } from '@berth/contracts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Each tier's step (seconds) and how long its rows are kept; each rolls up the one before. */
export const TIERS = [
  { step: 5, keepMs: HOUR },
  { step: 60, keepMs: DAY },
  { step: 600, keepMs: 31 * DAY },
  { step: 3600, keepMs: 365 * DAY },
] as const;

/** What a graph's range reads: the finest tier that still covers it. */
export const RANGES: Record<MetricsRange, { step: number; spanMs: number }> = {
  '1h': { step: 5, spanMs: HOUR },
  '1d': { step: 60, spanMs: DAY },
  '1w': { step: 600, spanMs: 7 * DAY },
  '1m': { step: 600, spanMs: 31 * DAY },
  '1y': { step: 3600, spanMs: 365 * DAY },
};

/** The subject of a host's own rows (an instance's rows use its id). */
export const hostSubject = (hostId: string) => `host:${hostId}`;
