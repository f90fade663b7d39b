import type {
  CreateSnapshotRequest,
  RevertSnapshotRequest,
  SnapshotList,
  TaskAccepted,
} from '@berth/contracts';
import { http } from './http';

const base = (id: string) => `/instances/${encodeURIComponent(id)}/snapshots`;
const one = (id: string, name: string) => `${base(id)}/${encodeURIComponent(name)}`;

export const fetchSnapshots = (id: string, signal?: AbortSignal) =>
  http<SnapshotList>(base(id), { signal });
export const takeSnapshot = (id: string, body: CreateSnapshotRequest) =>
  http<TaskAccepted>(base(id), { method: 'POST', body });
export const revertSnapshot = (id: string, name: string, body: RevertSnapshotRequest) =>
  http<TaskAccepted>(`${one(id, name)}/revert`, { method: 'POST', body });
export const deleteSnapshot = (id: string, name: string) =>
  http<TaskAccepted>(one(id, name), { method: 'DELETE' });
