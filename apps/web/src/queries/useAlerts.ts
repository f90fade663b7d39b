import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AlertRuleSpec } from '@berth/contracts';
import {
  createAlertRule,
  deleteAlertRule,
  fetchAlertRules,
  fetchAlerts,
  fetchInstanceAlerts,
  updateAlertRule,
  type AlertPage,
} from '@/api/alerts';
import { alertKeys } from './keys';

const ALERT_KEY = alertKeys.all;

export function useAlertRules(p: AlertPage, enabled: boolean) {
  return useQuery({
    queryKey: [...ALERT_KEY, 'rules', p.limit, p.offset],
    queryFn: ({ signal }) => fetchAlertRules(p, signal),
    enabled,
  });
}

export function useAlertHistory(p: AlertPage & { state: 'all' | 'firing' }, enabled: boolean) {
  return useQuery({
    queryKey: [...ALERT_KEY, 'history', p.state, p.limit, p.offset],
    queryFn: ({ signal }) => fetchAlerts(p, signal),
    enabled,
  });
}

export function useInstanceAlerts(id: string, p: AlertPage & { state: 'all' | 'firing' }) {
  return useQuery({
    queryKey: [...ALERT_KEY, 'instance', id, p.state, p.limit, p.offset],
    queryFn: ({ signal }) => fetchInstanceAlerts(id, p, signal),
  });
}

function useAlertMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => void qc.invalidateQueries({ queryKey: ALERT_KEY }),
  });
}

export const useCreateAlertRule = () =>
  useAlertMutation((spec: AlertRuleSpec) => createAlertRule(spec));
export const useUpdateAlertRule = () =>
  useAlertMutation((v: { id: string; spec: AlertRuleSpec }) => updateAlertRule(v.id, v.spec));
export const useDeleteAlertRule = () => useAlertMutation((id: string) => deleteAlertRule(id));
