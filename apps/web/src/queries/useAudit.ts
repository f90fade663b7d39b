import { useQuery } from '@tanstack/react-query';
import { fetchAudit } from '@/api/audit';
import { auditKeys } from './keys';

export function useAudit(limit = 100, enabled = true) {
  return useQuery({
    queryKey: auditKeys.list(limit),
    queryFn: ({ signal }) => fetchAudit(limit, signal),
    enabled,
  });
}
