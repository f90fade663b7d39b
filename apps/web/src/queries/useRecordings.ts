import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  deleteRecording,
  fetchCast,
  fetchFrames,
  fetchRecording,
  fetchRecordingPolicies,
  fetchRecordings,
  fetchRecordingSettings,
  saveRecordingSettings,
  setInstanceRecording,
  setRoleRecording,
  type RecordingFilter,
} from '@/api/recordings';
import { recordingKeys } from './keys';

export function useRecordings(filter: RecordingFilter = {}, enabled = true) {
  return useQuery({
    queryKey: recordingKeys.list(filter),
    queryFn: ({ signal }) => fetchRecordings(filter, signal),
    enabled,
  });
}

export function useRecording(id: string | null) {
  return useQuery({
    queryKey: recordingKeys.detail(id ?? ''),
    queryFn: ({ signal }) => fetchRecording(id!, signal),
    enabled: !!id,
  });
}

/** A finished recording never changes: fetched once per page. */
export function useCast(id: string, enabled: boolean) {
  return useQuery({
    queryKey: recordingKeys.cast(id),
    queryFn: ({ signal }) => fetchCast(id, signal),
    enabled,
    staleTime: Infinity,
  });
}

export function useFrames(id: string, enabled: boolean) {
  return useQuery({
    queryKey: recordingKeys.frames(id),
    queryFn: ({ signal }) => fetchFrames(id, signal),
    enabled,
    staleTime: Infinity,
  });
}

export function useDeleteRecording() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteRecording,
    onSettled: () => qc.invalidateQueries({ queryKey: recordingKeys.lists() }),
  });
}

export function useRecordingPolicies(enabled = true) {
  return useQuery({
    queryKey: recordingKeys.policies(),
    queryFn: ({ signal }) => fetchRecordingPolicies(signal),
    enabled,
  });
}

export function useSetRecording() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (p: { scope: 'instance' | 'role'; target: string; enabled: boolean }) =>
      p.scope === 'instance'
        ? setInstanceRecording(p.target, p.enabled)
        : setRoleRecording(p.target, p.enabled),
    onSettled: () => qc.invalidateQueries({ queryKey: recordingKeys.policies() }),
  });
}

export function useRecordingSettings(enabled = true) {
  return useQuery({
    queryKey: recordingKeys.settings(),
    queryFn: ({ signal }) => fetchRecordingSettings(signal),
    enabled,
  });
}

/** A shorter retention deletes older recordings at once: the lists are refetched. */
export function useSaveRecordingSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: saveRecordingSettings,
    onSettled: () => qc.invalidateQueries({ queryKey: recordingKeys.all }),
  });
}
