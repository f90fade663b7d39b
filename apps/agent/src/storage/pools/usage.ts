import { statfs } from 'node:fs/promises';
import type { PoolUsage } from './driver.js';

/** What the filesystem under root holds and has free (for unprivileged writers, as df shows). */
export async function filesystemUsage(root: string): Promise<PoolUsage> {
  const s = await statfs(root);
  const totalBytes = s.blocks * s.bsize;
  return {
    totalBytes,
    freeBytes: s.bavail * s.bsize,
    usedBytes: Math.max(0, totalBytes - s.bfree * s.bsize),
  };
}
