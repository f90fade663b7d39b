import { z } from 'zod';
import { InstanceRef } from './instances.js';

/**
 * Snapshot names reach QEMU's monitor and file names on the host, so they keep to a safe
 * alphabet; they are unique within one instance.
 */
export const SnapshotName = z.string().regex(
  // All digits is refused: QEMU would take such a name for another snapshot's numeric id.
  /^(?![0-9]+$)[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
  'a snapshot name: letters, digits, . _ - (not first), at most 63 characters, not only digits',
);
export type SnapshotName = z.infer<typeof SnapshotName>;

export const Snapshot = z.object({
  name: SnapshotName,
  /** The snapshot this one was taken after (the tree's edge); null for a root. */
  parent: SnapshotName.nullable(),
  description: z.string(),
  createdAt: z.string(),
  /** Whether a running VM's memory and device state were saved: reverting resumes it running. */
  withMemory: z.boolean(),
  /** Bytes the snapshot holds apart from the live instance, when the storage can tell. */
  sizeBytes: z.number().int().nonnegative().nullable(),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const SnapshotList = z.object({
  items: z.array(Snapshot),
  /** The snapshot the instance's present state descends from (its "you are here"); null when none. */
  current: SnapshotName.nullable(),
  /** Whether this instance can take snapshots at all, and if not why (a container on a `dir` pool). */
  supported: z.object({
    snapshots: z.boolean(),
    memory: z.boolean(),
    reason: z.string().nullable(),
  }),
});
export type SnapshotList = z.infer<typeof SnapshotList>;

export const CreateSnapshotRequest = z.strictObject({
  name: SnapshotName,
  description: z.string().max(500).optional(),
  /** VMs only: save memory too, so a revert resumes the VM running where it was. */
  withMemory: z.boolean().optional(),
});
export type CreateSnapshotRequest = z.infer<typeof CreateSnapshotRequest>;

export const RevertSnapshotRequest = z.strictObject({
  /**
   * Reverting a running instance stops it first; true is the confirmation the caller gives for
   * that (without it a running instance is a 409 that says so).
   */
  stopRunning: z.boolean().optional(),
});
export type RevertSnapshotRequest = z.infer<typeof RevertSnapshotRequest>;

export const SnapshotRef = InstanceRef.extend({ snapshot: SnapshotName });
