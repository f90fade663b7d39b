import type { PoolCapabilities } from '@berth/contracts';

export interface PoolUsage {
  usedBytes: number;
  freeBytes: number;
  totalBytes: number;
}

/**
 * One kind of storage pool. Containers keep one ext4 image per private area on every driver
 * (so the disk quota stays the image size); what a driver adds is where those files live and
 * how a copy of one is made. LVM-thin or ZFS would implement the same: a thin volume or zvol
 * per image, `copy` as a thin snapshot or `zfs clone`, `mount` activating the volume group or
 * importing the pool.
 */
export interface PoolDriver {
  readonly capabilities: PoolCapabilities;
  /** The folder the pool's files live in (a mount point for drivers with their own filesystem). */
  readonly root: string;
  /** Makes the pool's filesystem (formats a device or image); only for a pool being created. */
  create(): Promise<void>;
  /** Makes the pool usable at agent start; idempotent (a pool mounted already stays so). */
  mount(): Promise<void>;
  mounted(): Promise<boolean>;
  usage(): Promise<PoolUsage>;
  /**
   * Copies an image file within the pool: `linked` shares its blocks (only where
   * capabilities.linkedClones), `full` writes every block that holds data. `progress` hears the
   * fraction done of a full copy.
   */
  copy(
    from: string,
    to: string,
    mode: 'linked' | 'full',
    progress?: (f: number) => void,
  ): Promise<void>;
  /**
   * Bytes each file holds that no other file shares (a snapshot's own data beside the live
   * image), in one call for all; null where the driver cannot tell.
   */
  exclusiveBytes(files: string[]): Promise<Array<number | null>>;
  /** Unmounts and removes what create made; the pool must be empty. */
  destroy(): Promise<void>;
}
