import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  applyContainerUpdates,
  applyHostUpdates,
  applyTaggedContainerUpdates,
  fetchContainerUpdates,
  fetchHostUpdates,
  fetchTemplatePackages,
} from '@/api/updates';
import { runTask, type TaskCallbacks } from '@/events/taskWatchers';

export const updateKeys = {
  all: ['updates'] as const,
  host: (hostId: string) => [...updateKeys.all, 'host', hostId] as const,
  container: (id: string) => [...updateKeys.all, 'container', id] as const,
  template: (hostId: string, name: string) =>
    [...updateKeys.all, 'template', hostId, name] as const,
};

/** A host's version and upgradable packages from apt's current lists (no apt-get update). */
export function useHostUpdates(hostId: string) {
  return useQuery({
    queryKey: updateKeys.host(hostId),
    queryFn: ({ signal }) => fetchHostUpdates(hostId, false, signal),
  });
}

/** Runs apt-get update on the host, then answers the fresh listing into the host's query. */
export function useRefreshHostUpdates(hostId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => fetchHostUpdates(hostId, true),
    onSuccess: (data) => qc.setQueryData(updateKeys.host(hostId), data),
  });
}

export function useApplyHostUpdates(hostId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ simulate, cb }: { simulate: boolean; cb?: TaskCallbacks }) =>
      runTask(() => applyHostUpdates(hostId, simulate), {
        ...cb,
        onSuccess: (t) => {
          void qc.invalidateQueries({ queryKey: updateKeys.host(hostId) });
          cb?.onSuccess?.(t);
        },
      }),
  });
}

/** A container's upgradable packages: apt-get update inside it, so only when asked. */
export function useContainerUpdates(id: string, enabled: boolean) {
  return useQuery({
    queryKey: updateKeys.container(id),
    queryFn: () => fetchContainerUpdates(id),
    enabled,
    staleTime: Infinity,
    retry: false,
  });
}

export function useApplyContainerUpdates() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, cb }: { id: string; cb?: TaskCallbacks }) =>
      runTask(() => applyContainerUpdates(id), {
        ...cb,
        onSuccess: (t) => {
          void qc.invalidateQueries({ queryKey: updateKeys.container(id) });
          cb?.onSuccess?.(t);
        },
      }),
  });
}

export const useApplyTaggedContainerUpdates = () =>
  useMutation({ mutationFn: (tag: string) => applyTaggedContainerUpdates(tag) });

/** A template cache's packages as kept at its build, when asked for. */
export function useTemplatePackages(
  hostId: string,
  name: string,
  builtAt: string | null,
  enabled: boolean,
) {
  return useQuery({
    // The build time in the key: a refresh makes it ask again.
    queryKey: [...updateKeys.template(hostId, name), builtAt],
    queryFn: () => fetchTemplatePackages(name, hostId),
    enabled,
  });
}
