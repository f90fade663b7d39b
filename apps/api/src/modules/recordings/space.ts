import { statfs } from 'node:fs/promises';

const MB = 1024 * 1024;

/** Free space the recordings leave on their disk: the database and the logs still need room. */
export const DEFAULT_RESERVE_BYTES = 256 * MB;

/**
 * Why a recording must stop because its disk is (nearly) full, or null while there is room.
 * A full disk must cost the recording, never the console or the database beside it.
 */
export async function lowSpace(dir: string, reserveBytes: number): Promise<string | null> {
  const s = await statfs(dir);
  const free = s.bavail * s.bsize;
  if (free >= reserveBytes) return null;
  return `the disk is nearly full (${Math.floor(free / MB)} MB free on ${dir}, ${Math.ceil(reserveBytes / MB)} MB kept free)`;
}
