import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateSample, Limits, SplitRequest, UpdateSample } from '@berth/contracts';
import {
  createSample,
  deleteSample,
  fetchLimitProblems,
  fetchSampleDiff,
  fetchSamples,
  scaleLimits,
  splitHost,
  updateSample,
} from '@/api/samples';
import { sampleKeys } from './keys';

export function useSamples(enabled = true) {
  return useQuery({
    queryKey: sampleKeys.list(),
    queryFn: ({ signal }) => fetchSamples(signal),
    enabled,
  });
}

function useSampleMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => void qc.invalidateQueries({ queryKey: sampleKeys.list() }),
  });
}

export const useCreateSample = () => useSampleMutation((spec: CreateSample) => createSample(spec));
export const useUpdateSample = () =>
  useSampleMutation((v: { id: string; patch: UpdateSample }) => updateSample(v.id, v.patch));
export const useDeleteSample = () => useSampleMutation((id: string) => deleteSample(id));

/** Computations: nothing is saved, so nothing to refresh. */
export const useSplitHost = () =>
  useMutation({ mutationFn: (req: SplitRequest) => splitHost(req) });
export const useScaleLimits = () =>
  useMutation({
    mutationFn: (v: { limits: Limits; factor: number }) => scaleLimits(v.limits, v.factor),
  });

export function useLimitProblems(instanceId: string | null) {
  return useQuery({
    queryKey: sampleKeys.problems(instanceId ?? ''),
    queryFn: ({ signal }) => fetchLimitProblems(instanceId!, signal),
    enabled: !!instanceId,
  });
}

export function useSampleDiff(instanceId: string | null, sampleId: string) {
  return useQuery({
    queryKey: sampleKeys.diff(instanceId ?? '', sampleId),
    queryFn: ({ signal }) => fetchSampleDiff(instanceId!, sampleId, signal),
    enabled: !!instanceId,
  });
}
