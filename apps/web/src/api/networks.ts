import type { CreateNetwork, HostAdapter, Network, UpdateNetwork } from '@berth/contracts';
import { http } from './http';

const one = (name: string) => `/networks/${encodeURIComponent(name)}`;

export const fetchNetworks = (signal?: AbortSignal) =>
  http<{ items: Network[] }>('/networks', { signal }).then((r) => r.items);

export const fetchNetwork = (name: string, signal?: AbortSignal) =>
  http<Network>(one(name), { signal });

export const createNetwork = (body: CreateNetwork) =>
  http<Network>('/networks', { method: 'POST', body });

export const updateNetwork = ({ name, body }: { name: string; body: UpdateNetwork }) =>
  http<Network>(one(name), { method: 'PATCH', body });

export const deleteNetwork = (name: string) => http<void>(one(name), { method: 'DELETE' });

export const fetchHostAdapters = (signal?: AbortSignal) =>
  http<{ items: HostAdapter[] }>('/host/adapters', { signal }).then((r) => r.items);
