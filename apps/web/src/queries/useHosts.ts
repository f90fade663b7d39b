import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { deleteLeftover, fetchHosts } from '@/api/hosts';
import { hostKeys } from './keys';

export function useHosts() {
  return useQuery({ queryKey: hostKeys.list(), queryFn: ({ signal }) => fetchHosts(signal) });
}

/** Deletes one leftover; the host's facts, which list them, are read again afterwards. */
export function useDeleteLeftover() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteLeftover,
    onSettled: () => qc.invalidateQueries({ queryKey: hostKeys.all }),
  });
}
