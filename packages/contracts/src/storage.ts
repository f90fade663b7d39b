import { z } from 'zod';
import { ResourceName } from './common.js';
import { SnapshotName } from './snapshots.js';

/**
 * Pool names become folder names on the host and appear in URLs: the same safe alphabet as
 * instance names.
 */
export const PoolName = ResourceName;
export type PoolName = z.infer<typeof PoolName>;

/**
 * How a pool stores its instances. `dir`: plain files on the agent's filesystem (full copies
 * only). `btrfs`: a copy-on-write filesystem, where a reflink copy of an image shares its
 * blocks (instant snapshots and linked clones). LVM-thin and ZFS would be further values.
 */
export const PoolDriverName = z.enum(['dir', 'btrfs']);
export type PoolDriverName = z.infer<typeof PoolDriverName>;

export const PoolCapabilities = z.object({
  snapshots: z.boolean(),
  linkedClones: z.boolean(),
});
export type PoolCapabilities = z.infer<typeof PoolCapabilities>;

export const Pool = z.object({
  name: PoolName,
  driver: PoolDriverName,
  /** Where the pool's filesystem lives: a folder, a block device or a loop-backed image file. */
  source: z.string(),
  default: z.boolean(),
  capabilities: PoolCapabilities,
  usedBytes: z.number().int().nonnegative(),
  freeBytes: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative(),
  /** Whether its filesystem is there (mounted); a missing device leaves the pool unusable. */
  available: z.boolean(),
  /** The instances that live in it. */
  instances: z.array(z.object({ id: z.string(), name: z.string() })),
  createdAt: z.string(),
});
export type Pool = z.infer<typeof Pool>;

export const PoolList = z.object({ items: z.array(Pool) });
export type PoolList = z.infer<typeof PoolList>;

/** A device path as the kernel names it; never a relative path or one with dot segments. */
const DevicePath = z
  .string()
  .max(200)
  .regex(/^\/dev\/[A-Za-z0-9._/-]+$/, 'a block device path such as /dev/sdb')
  .refine((s) => !s.split('/').includes('..'), 'a device path cannot contain ".."');

/**
 * Pools are made with the copy-on-write driver; the `dir` pool `default` is where the agent's
 * images have always been, and there is one of it.
 */
export const CreatePool = z
  .strictObject({
    name: PoolName,
    driver: z.literal('btrfs'),
    /** A sparse image file of this size under the agent's data dir, loop-mounted at start: for tests and small hosts. */
    sizeMiB: z
      .number()
      .int()
      .min(256, 'a btrfs pool needs at least 256 MiB')
      .max(64 * 1024 * 1024)
      .optional(),
    /** A whole block device, formatted with btrfs (everything on it is lost). */
    device: DevicePath.optional(),
    default: z.boolean().optional(),
  })
  .refine((p) => (p.sizeMiB === undefined) !== (p.device === undefined), {
    message: 'give either sizeMiB (an image file) or device (a block device)',
    path: ['sizeMiB'],
  });
export type CreatePool = z.infer<typeof CreatePool>;

export const PoolRef = z.object({ pool: PoolName });

export const CloneMode = z.enum(['linked', 'full']);
export type CloneMode = z.infer<typeof CloneMode>;

export const CloneRequest = z.strictObject({
  name: ResourceName,
  /**
   * linked: shares blocks with the source (a reflink, on a pool that can); full: an independent
   * copy, on any pool.
   */
  mode: CloneMode,
  /** Clone a snapshot of the source instead of its present state. */
  snapshot: SnapshotName.optional(),
  /** The pool the clone goes to; the source's pool when omitted (linked clones must stay there). */
  pool: PoolName.optional(),
});
export type CloneRequest = z.infer<typeof CloneRequest>;

export const MoveRequest = z.strictObject({
  /** The pool the container's private area moves to; it must be stopped and have no snapshots. */
  pool: PoolName,
});
export type MoveRequest = z.infer<typeof MoveRequest>;
