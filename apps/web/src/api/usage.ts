import type { UsageGroupBy, UsageReport } from '@berth/contracts';
import { API, http } from './http';

export interface UsagePeriod {
  from: string;
  to: string;
  groupBy: UsageGroupBy;
}

const query = (p: UsagePeriod) =>
  new URLSearchParams({ from: p.from, to: p.to, groupBy: p.groupBy }).toString();

export const fetchUsage = (p: UsagePeriod, signal?: AbortSignal) =>
  http<UsageReport>(`/usage?${query(p)}`, { signal });

/** A download link: the browser saves the API's attachment itself. */
export const usageExportUrl = (p: UsagePeriod, format: 'csv' | 'json') =>
  `${API}/usage?${query(p)}&format=${format}`;
