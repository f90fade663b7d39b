import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TerminalSize } from '@berth/contracts';
import {
  createShareLink,
  createShell,
  endShell,
  fetchShareLinks,
  fetchShells,
  revokeShareLink,
} from '@/api/consoles';
import { shareLinkKeys, shellKeys } from './keys';

export function useShells(instanceId: string, enabled = true) {
  return useQuery({
    queryKey: shellKeys.list(instanceId),
    queryFn: ({ signal }) => fetchShells(instanceId, signal),
    enabled,
    // Sessions come and go with the terminals on this page: always ask afresh.
    staleTime: 0,
  });
}

export function useCreateShell(instanceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (size: TerminalSize) => createShell(instanceId, size),
    onSettled: () => qc.invalidateQueries({ queryKey: shellKeys.list(instanceId) }),
  });
}

export function useEndShell(instanceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (shellId: string) => endShell(instanceId, shellId),
    onSettled: () => qc.invalidateQueries({ queryKey: shellKeys.list(instanceId) }),
  });
}

export function useShareLinks(instanceId: string) {
  return useQuery({
    queryKey: shareLinkKeys.list(instanceId),
    queryFn: ({ signal }) => fetchShareLinks(instanceId, signal),
    // Uses and last-used change with every visit to a link: fresh each time the list shows.
    staleTime: 0,
  });
}

export function useCreateShareLink(instanceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Parameters<typeof createShareLink>[1]) => createShareLink(instanceId, body),
    onSettled: () => qc.invalidateQueries({ queryKey: shareLinkKeys.list(instanceId) }),
  });
}

export function useRevokeShareLink(instanceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: revokeShareLink,
    onSettled: () => qc.invalidateQueries({ queryKey: shareLinkKeys.list(instanceId) }),
  });
}
