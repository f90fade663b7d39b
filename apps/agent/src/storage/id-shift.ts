import { chmod, lchown, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { exec, run } from '../run.js';

/** Where a container's ids start on the host and how many it has. */
export interface IdRange {
  hostBase: number;
  count: number;
}

/**
 * The owner a file gets on the host, or null when it is shifted already. Ids past the range
 * (nobody's 65534 fits; 4294967294 would not) are left alone: they cannot be mapped anyway,
 * and leaving them makes a second walk over the same tree do nothing.
 */
export function shiftedId(id: number, range: IdRange): number | null {
  return id < range.count ? id + range.hostBase : null;
}

/** `getcap -r` lines ("path cap_net_raw=ep") as path and capability text. */
export function parseGetcap(text: string): { file: string; caps: string }[] {
  return (
    text
      .split('\n')
      // Namespaced ones ("… [rootid=100000]") are shifted already.
      .filter((line) => !line.includes('[rootid='))
      .map((line) => /^(.+) (\S+)$/.exec(line.trimEnd()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ file: m[1] as string, caps: m[2] as string }))
  );
}

const SPECIAL_BITS = 0o6000;

async function shiftEntry(file: string, range: IdRange): Promise<void> {
  const st = await lstat(file);
  const uid = shiftedId(st.uid, range);
  const gid = shiftedId(st.gid, range);
  if (uid === null && gid === null) return;
  await lchown(file, uid ?? st.uid, gid ?? st.gid);
  // chown clears setuid and setgid even for root; symlinks have no mode of their own.
  if (!st.isSymbolicLink() && st.mode & SPECIAL_BITS) await chmod(file, st.mode & 0o7777);
}

async function walk(dir: string, range: IdRange): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  // One directory's entries at a time in parallel keeps the thread pool busy without
  // holding thousands of open requests for a big tree.
  await Promise.all(
    entries.map(async (entry) => {
      const file = path.join(dir, entry.name);
      await shiftEntry(file, range);
      if (entry.isDirectory()) await walk(file, range);
    }),
  );
}

/**
 * Gives a freshly unpacked root filesystem to a user namespace: every file's owner and group
 * move up by the range's base. File capabilities do not survive chown and, written for the
 * host's root, would not be honoured in the namespace, so they are written again as
 * namespaced ones (rootid = the container's root on the host).
 */
export async function shiftOwnership(root: string, range: IdRange): Promise<void> {
  // One getcap over the tree is far cheaper than an xattr read per file from here.
  const found = await exec('getcap', ['-n', '-r', root], { timeoutMs: 120_000 });
  const capped = parseGetcap(found.stdout);
  await shiftEntry(root, range);
  await walk(root, range);
  for (const { file, caps } of capped) {
    await run('setcap', ['-n', String(range.hostBase), caps, file]);
  }
}
