import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AuditFilter } from '@berth/contracts';
import { fetchAuditPage, fetchAuditSettings, updateAuditSettings, verifyAudit } from '@/api/audit';
import { auditKeys } from './keys';

/** The log page by page: each further page continues below the last one fetched. */
export function useAuditLog(filter: AuditFilter, pageSize = 100, enabled = true) {
  return useInfiniteQuery({
    queryKey: auditKeys.list(filter),
    queryFn: ({ pageParam, signal }) => fetchAuditPage(filter, pageParam, pageSize, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

/** Walking the chain reads every row: on demand only, never refetched behind the user's back. */
export function useVerifyAudit() {
  return useMutation({ mutationFn: () => verifyAudit() });
}

export function useAuditSettings(enabled = true) {
  return useQuery({
    queryKey: auditKeys.settings(),
    queryFn: ({ signal }) => fetchAuditSettings(signal),
    enabled,
  });
}

export function useUpdateAuditSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateAuditSettings,
    onSuccess: (settings) => qc.setQueryData(auditKeys.settings(), settings),
    // The change is itself a row of the log.
    onSettled: () => qc.invalidateQueries({ queryKey: auditKeys.lists() }),
  });
}
