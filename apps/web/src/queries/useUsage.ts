import { useQuery } from '@tanstack/react-query';
import { fetchUsage, type UsagePeriod } from '@/api/usage';

export function useUsage(p: UsagePeriod, enabled: boolean) {
  return useQuery({
    queryKey: ['usage', p.from, p.to, p.groupBy],
    queryFn: ({ signal }) => fetchUsage(p, signal),
    enabled,
  });
}
