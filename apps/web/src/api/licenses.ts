import type { InstallLicense, LicensesOverview, TransferLicense } from '@berth/contracts';
import { http } from './http';

export const fetchLicenses = (signal?: AbortSignal) =>
  http<LicensesOverview>('/licenses', { signal });

/** hostId null: the console-wide license. */
const licensePath = (hostId: string | null) =>
  hostId === null ? '/licenses/console' : `/hosts/${encodeURIComponent(hostId)}/license`;

export const installLicense = ({ hostId, body }: { hostId: string | null; body: InstallLicense }) =>
  http<void>(licensePath(hostId), { method: 'PUT', body });

export const removeLicense = (hostId: string | null) =>
  http<void>(licensePath(hostId), { method: 'DELETE' });

export const transferLicense = ({ hostId, body }: { hostId: string; body: TransferLicense }) =>
  http<void>(`/hosts/${encodeURIComponent(hostId)}/license/transfer`, { method: 'POST', body });
