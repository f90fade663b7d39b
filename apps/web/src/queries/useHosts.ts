import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { deleteLeftover, fetchHosts } from '@/api/hosts';
import { can } from '@/lib/can';
import { hostKeys } from './keys';
import { useMe } from './useAuth';

/** The hosts, for those who may see them: a user scoped to a tag or host would only get a 403. */
export function useHosts() {
  const me = useMe().data;
  return useQuery({
    queryKey: hostKeys.list(),
    queryFn: ({ signal }) => fetchHosts(signal),
    enabled: can(me, 'host.view'),
  });
}

/** Deletes one leftover; the host's facts, which list them, are read again afterwards. */
export function useDeleteLeftover() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteLeftover,
    onSettled: () => qc.invalidateQueries({ queryKey: hostKeys.all }),
  });
}
