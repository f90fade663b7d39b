import type { Iso, IsoQuota, IsoStoreUsage } from '@berth/contracts';
import { API, ApiError, csrfHeader, errorFrom, http } from './http';

export const fetchIsos = (signal?: AbortSignal) =>
  http<{ items: Iso[] }>('/isos', { signal }).then((r) => r.items);

export const fetchIsoStore = (signal?: AbortSignal) =>
  http<IsoStoreUsage>('/isos/store', { signal });

export const setIsoQuota = (body: IsoQuota) =>
  http<IsoStoreUsage>('/isos/store', { method: 'PUT', body });

export const deleteIso = (name: string) =>
  http<void>(`/isos/${encodeURIComponent(name)}`, { method: 'DELETE' });

/**
 * Uploads the raw file. XMLHttpRequest, not fetch, because only it reports upload
 * progress (same origin: the session cookie goes along). Abort with the signal.
 */
export function uploadIso(
  name: string,
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Iso> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `${API}/isos/${encodeURIComponent(name)}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    for (const [name, value] of Object.entries(csrfHeader())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText) as Iso);
      else reject(errorFrom(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'the upload was interrupted'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'upload cancelled'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
