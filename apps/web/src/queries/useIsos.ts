import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { deleteIso, fetchIsoStore, fetchIsos, setIsoQuota, uploadIso } from '@/api/isos';
import { isoKeys } from './keys';

export function useIsos() {
  return useQuery({ queryKey: isoKeys.list(), queryFn: ({ signal }) => fetchIsos(signal) });
}

/** What the store holds and its quota. */
export function useIsoStore() {
  return useQuery({
    queryKey: isoKeys.store(),
    queryFn: ({ signal }) => fetchIsoStore(signal),
  });
}

export function useSetIsoQuota() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: setIsoQuota,
    onSettled: () => qc.invalidateQueries({ queryKey: isoKeys.store() }),
  });
}

export function useUploadIso(onProgress: (fraction: number) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, file, signal }: { name: string; file: File; signal?: AbortSignal }) =>
      uploadIso(name, file, onProgress, signal),
    onSettled: () => qc.invalidateQueries({ queryKey: isoKeys.all }),
  });
}

export function useDeleteIso() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteIso,
    onSettled: () => qc.invalidateQueries({ queryKey: isoKeys.all }),
  });
}
