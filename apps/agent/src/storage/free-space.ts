import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { AppError, ErrorCode } from '@berth/contracts';
import { RunError } from '../run.js';

const MB = 1024 * 1024;
const mb = (bytes: number) => `${Math.ceil(bytes / MB)} MB`;

/** Space kept free beyond what the work needs: journals, records and logs must still fit. */
const RESERVE_BYTES = 4 * MB;

/** statfs of dir, or of its nearest existing parent (the folder may not exist yet). */
async function freeBytes(dir: string): Promise<number> {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      const s = await statfs(at);
      return s.bavail * s.bsize;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || at === path.dirname(at)) throw err;
    }
  }
}

/** Refuses work that would not fit: "needs ~220 MB on /var/lib/berth, 84 MB free". */
export async function assertFreeSpace(dir: string, neededBytes: number, what: string) {
  const free = await freeBytes(dir);
  if (free >= neededBytes + RESERVE_BYTES) return;
  throw new AppError(
    ErrorCode.insufficientSpace,
    `${what} needs ~${mb(neededBytes + RESERVE_BYTES)} on ${dir}, ${mb(free)} free`,
  );
}

const NO_SPACE = /ENOSPC|No space left on device|SQLITE_FULL/;

/** Whether an error, from node or from a host command's own words, says the disk is full. */
export function isNoSpace(err: unknown): boolean {
  if ((err as NodeJS.ErrnoException | null)?.code === 'ENOSPC') return true;
  if (err instanceof RunError) return NO_SPACE.test(err.result.stderr + err.result.stdout);
  return err instanceof Error && NO_SPACE.test(err.message);
}

/**
 * Turns a full disk met mid-way into an answer naming ENOSPC and where, instead of whatever
 * step happened to notice first. Node's recursive mkdir reports a parent it could not make
 * as ENOENT, so an ENOENT on a disk that is out of space counts too; other errors pass.
 */
export async function explainNoSpace(err: unknown, where: string): Promise<unknown> {
  if (err instanceof AppError && err.code === ErrorCode.insufficientSpace) return err;
  const enoent = (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
  const full =
    isNoSpace(err) || (enoent && (await freeBytes(where).catch(() => 1)) < RESERVE_BYTES);
  if (!full) return err;
  const detail = err instanceof Error ? `: ${err.message.slice(0, 300)}` : '';
  return new AppError(
    ErrorCode.insufficientSpace,
    `the disk filled up (ENOSPC) while writing ${where}${detail}`,
  );
}
