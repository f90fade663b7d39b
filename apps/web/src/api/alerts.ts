import type { AlertHistoryPage, AlertRule, AlertRulePage, AlertRuleSpec } from '@berth/contracts';
import { http } from './http';

export interface AlertPage {
  limit: number;
  offset: number;
}

export const fetchAlertRules = (p: AlertPage, signal?: AbortSignal) =>
  http<AlertRulePage>('/alerts/rules', { query: { ...p }, signal });
export const createAlertRule = (spec: AlertRuleSpec) =>
  http<AlertRule>('/alerts/rules', { method: 'POST', body: spec });
export const updateAlertRule = (id: string, spec: AlertRuleSpec) =>
  http<AlertRule>(`/alerts/rules/${encodeURIComponent(id)}`, { method: 'PUT', body: spec });
export const deleteAlertRule = (id: string) =>
  http<void>(`/alerts/rules/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const fetchAlerts = (p: AlertPage & { state: 'all' | 'firing' }, signal?: AbortSignal) =>
  http<AlertHistoryPage>('/alerts', { query: { ...p }, signal });
export const fetchInstanceAlerts = (
  id: string,
  p: AlertPage & { state: 'all' | 'firing' },
  signal?: AbortSignal,
) =>
  http<AlertHistoryPage>(`/instances/${encodeURIComponent(id)}/alerts`, {
    query: { ...p },
    signal,
  });
