import { chmodSync, lchownSync, lstatSync, readdirSync } from 'node:fs';
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

/** A file's capabilities as `getcap` prints them ("cap_net_raw=ep"). */
export interface FileCapability {
  file: string;
  caps: string;
}

/** `getcap -r` lines ("path cap_net_raw=ep") as path and capability text. */
export function parseGetcap(text: string): FileCapability[] {
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

/** A file's new owner (or group) id, or null to leave it. */
type IdMove = (id: number) => number | null;

function shiftEntry(file: string, move: IdMove): void {
  const st = lstatSync(file);
  const uid = move(st.uid);
  const gid = move(st.gid);
  if (uid === null && gid === null) return;
  lchownSync(file, uid ?? st.uid, gid ?? st.gid);
  // chown clears setuid and setgid even for root; symlinks have no mode of their own.
  if (!st.isSymbolicLink() && st.mode & SPECIAL_BITS) chmodSync(file, st.mode & 0o7777);
}

/** The files under root with capabilities written for the host's root (not shifted yet). */
export async function hostFileCapabilities(root: string): Promise<FileCapability[]> {
  // One getcap over the tree is far cheaper than an xattr read per file from here.
  const found = await exec('getcap', ['-n', '-r', root], { timeoutMs: 120_000 });
  return parseGetcap(found.stdout);
}

/**
 * Gives a root filesystem to a user namespace: every file's owner and group move up by the
 * range's base. File capabilities do not survive chown and, written for the host's root,
 * would not be honoured in the namespace, so they are written again as namespaced ones
 * (rootid = the container's root on the host).
 *
 * A second walk over a tree shifted in part finishes it (shifted ids are past the range), but
 * the capabilities of files chowned already are gone by then: a caller that must resume an
 * interrupted walk keeps the list from before the first one and hands it in as `capped`.
 * `progress` hears the number of entries walked, after each folder.
 */
export async function shiftOwnership(
  root: string,
  range: IdRange,
  opts: { capped?: readonly FileCapability[]; progress?: (entries: number) => void } = {},
): Promise<void> {
  const toRewrite = opts.capped ?? (await hostFileCapabilities(root));
  await walkOwners(root, (id) => shiftedId(id, range), opts.progress);
  for (const { file, caps } of toRewrite) {
    await run('setcap', ['-n', String(range.hostBase), caps, file]);
  }
}

/**
 * Moves a tree shifted to one range onto another (a clone gets ids of its own): ids in `from`
 * move to the same place in `to`, and files written since as the host's root (ids below the
 * range's count: a clone's new hostname, say) are shifted into `to`. Namespaced capabilities
 * are written again for the new root.
 */
export async function rebaseOwnership(root: string, from: IdRange, to: IdRange): Promise<void> {
  const found = await exec('getcap', ['-n', '-r', root], { timeoutMs: 120_000 });
  const namespaced = found.stdout
    .split('\n')
    .map((line) => /^(.+) (\S+) \[rootid=(\d+)\]$/.exec(line.trimEnd()))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[3]) === from.hostBase);
  const moved = [
    ...parseGetcap(found.stdout),
    ...namespaced.map((m) => ({ file: m[1] as string, caps: m[2] as string })),
  ];
  await walkOwners(root, (id) => {
    if (id >= from.hostBase && id < from.hostBase + from.count)
      return id - from.hostBase + to.hostBase;
    return shiftedId(id, to);
  });
  for (const { file, caps } of moved) {
    await run('setcap', ['-n', String(to.hostBase), caps, file]);
  }
}

/** Gives every entry under root (root too) the owner `move` says; see shiftOwnership. */
async function walkOwners(
  root: string,
  move: IdMove,
  progress?: (entries: number) => void,
): Promise<void> {
  shiftEntry(root, move);
  let entries = 1;
  const folders = [root];
  for (let dir = folders.pop(); dir !== undefined; dir = folders.pop()) {
    // Synchronous calls are six times faster here than promises through the thread pool
    // (debian-12: 70 ms against 420); one folder at a time, yielding between folders, keeps
    // the agent answering meanwhile.
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      shiftEntry(file, move);
      entries++;
      if (entry.isDirectory()) folders.push(file);
    }
    progress?.(entries);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
