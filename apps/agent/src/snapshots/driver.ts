import type {
  CreateSnapshotRequest,
  Operation,
  RevertSnapshotRequest,
  SnapshotList,
} from '@berth/contracts';

/**
 * What one kind of instance offers for snapshots: containers (copy-on-write pools) and VMs
 * (qcow2) each implement it, and the agent's snapshot routes dispatch by kind. Taking,
 * reverting and deleting are operations (202 with progress), journaled so a kill in the middle
 * leaves the old state or the new one; a bad request (name clash, unknown snapshot, a running
 * instance without stopRunning, a storage that cannot) throws an AppError before any work.
 */
export interface SnapshotDriver {
  list(id: string): Promise<SnapshotList>;
  take(id: string, request: CreateSnapshotRequest): Promise<Operation>;
  revert(id: string, name: string, request: RevertSnapshotRequest): Promise<Operation>;
  remove(id: string, name: string): Promise<Operation>;
}
