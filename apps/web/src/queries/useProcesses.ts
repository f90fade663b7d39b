import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ProcessSignal, ServiceAction } from '@berth/contracts';
import {
  fetchProcesses,
  fetchServices,
  serviceAction,
  setServiceBoot,
  signalProcess,
} from '@/api/processes';
import { processKeys } from './keys';

/** How often the process table refreshes while it is on screen. */
export const PROCESS_REFRESH_MS = 2000;

/**
 * The live process list: polled every 2 s while the tab is mounted and the browser tab is
 * visible (react-query pauses intervals in hidden tabs), and only while the instance runs.
 */
export function useProcesses(id: string, running: boolean) {
  return useQuery({
    queryKey: processKeys.list(id),
    queryFn: ({ signal }) => fetchProcesses(id, signal),
    enabled: running,
    refetchInterval: PROCESS_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

export function useSignalProcess(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { pid: number; signal: ProcessSignal }) => signalProcess(id, v.pid, v.signal),
    onSettled: () => void qc.invalidateQueries({ queryKey: processKeys.list(id) }),
  });
}

export function useServices(id: string, running: boolean) {
  return useQuery({
    queryKey: processKeys.services(id),
    queryFn: ({ signal }) => fetchServices(id, signal),
    enabled: running,
  });
}

export function useServiceChange(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { name: string } & ({ action: ServiceAction } | { enabled: boolean })) =>
      'action' in v ? serviceAction(id, v.name, v.action) : setServiceBoot(id, v.name, v.enabled),
    onSettled: () => void qc.invalidateQueries({ queryKey: processKeys.services(id) }),
  });
}
