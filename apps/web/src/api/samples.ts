import type {
  ConfigSample,
  CreateSample,
  LimitValidation,
  Limits,
  SampleDiff,
  SplitRequest,
  SplitResult,
  UpdateSample,
} from '@berth/contracts';
import { http } from './http';

const one = (id: string) => `/samples/${encodeURIComponent(id)}`;
const instance = (id: string) => `/instances/${encodeURIComponent(id)}`;

export const fetchSamples = (signal?: AbortSignal) =>
  http<{ items: ConfigSample[] }>('/samples', { signal }).then((r) => r.items);
export const createSample = (spec: CreateSample) =>
  http<ConfigSample>('/samples', { method: 'POST', body: spec });
export const updateSample = (id: string, patch: UpdateSample) =>
  http<ConfigSample>(one(id), { method: 'PATCH', body: patch });
export const deleteSample = (id: string) => http<void>(one(id), { method: 'DELETE' });
export const splitHost = (req: SplitRequest) =>
  http<SplitResult>('/samples/split', { method: 'POST', body: req });
export const scaleLimits = (limits: Limits, factor: number) =>
  http<Limits>('/samples/scale', { method: 'POST', body: { limits, factor } });
export const fetchLimitProblems = (instanceId: string, signal?: AbortSignal) =>
  http<LimitValidation>(`${instance(instanceId)}/limits/problems`, { signal });
export const fetchSampleDiff = (instanceId: string, sampleId: string, signal?: AbortSignal) =>
  http<SampleDiff>(`${instance(instanceId)}/sample-diff`, { query: { sample: sampleId }, signal });
