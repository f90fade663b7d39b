import type { Host } from '@berth/contracts';
import { http } from './http';

export const fetchHosts = (signal?: AbortSignal) =>
  http<{ items: Host[] }>('/hosts', { signal }).then((r) => r.items);

export const deleteLeftover = ({ hostId, id }: { hostId: string; id: string }) =>
  http<void>(`/hosts/${encodeURIComponent(hostId)}/leftovers/${encodeURIComponent(id)}`, {
    method: 'DELETE',
  });
