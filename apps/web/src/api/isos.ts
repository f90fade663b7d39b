import type { Iso, IsoQuota, IsoStoreUsage } from '@berth/contracts';
import { http } from './http';
import { uploadRaw } from './upload';

export const fetchIsos = (signal?: AbortSignal) =>
  http<{ items: Iso[] }>('/isos', { signal }).then((r) => r.items);

export const fetchIsoStore = (signal?: AbortSignal) =>
  http<IsoStoreUsage>('/isos/store', { signal });

export const setIsoQuota = (body: IsoQuota) =>
  http<IsoStoreUsage>('/isos/store', { method: 'PUT', body });

export const deleteIso = (name: string) =>
  http<void>(`/isos/${encodeURIComponent(name)}`, { method: 'DELETE' });

/** Uploads the raw file, reporting progress; abort with the signal. */
export const uploadIso = (
  name: string,
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
) => uploadRaw<Iso>(`/isos/${encodeURIComponent(name)}`, file, onProgress, signal);
