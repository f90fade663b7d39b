import type {
  InstanceTraffic,
  MetricsRange,
  NetworkClasses,
  NetworkClassesInput,
} from '@berth/contracts';
import { http } from './http';

export const fetchNetworkClasses = (signal?: AbortSignal) =>
  http<NetworkClasses>('/network-classes', { signal });

export const saveNetworkClasses = (body: NetworkClassesInput) =>
  http<NetworkClasses>('/network-classes', { method: 'PUT', body });

export const fetchInstanceTraffic = (id: string, range: MetricsRange, signal?: AbortSignal) =>
  http<InstanceTraffic>(`/instances/${encodeURIComponent(id)}/traffic?range=${range}`, { signal });
