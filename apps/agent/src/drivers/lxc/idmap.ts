import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { IdRange } from '../../storage/id-shift.js';

/**
 * Each unprivileged container gets ids of its own rather than one range shared by all (as
 * Proxmox does): root escaping one container then owns nothing of another's files or processes.
 */
export const IDS_PER_CONTAINER = 65536;
export const FIRST_HOST_ID = 100000;
/**
 * 2048 containers' worth; modest on purpose, so useradd still finds free subordinate ranges
 * for people (it hands them out from 100000 up to 600100000).
 */
export const CONTAINER_SLOTS = 2048;
export const AGENT_RANGE: IdRange = {
  hostBase: FIRST_HOST_ID,
  count: IDS_PER_CONTAINER * CONTAINER_SLOTS,
};

/** One line of /etc/subuid or /etc/subgid. */
export interface SubordinateRange extends IdRange {
  owner: string;
}

export function parseSubordinate(text: string): SubordinateRange[] {
  return text.split('\n').flatMap((line) => {
    const [owner, start, count] = line.trim().split(':');
    if (!owner || !/^\d+$/.test(start ?? '') || !/^\d+$/.test(count ?? '')) return [];
    return [{ owner, hostBase: Number(start), count: Number(count) }];
  });
}

const overlaps = (a: IdRange, b: IdRange) =>
  a.hostBase < b.hostBase + b.count && b.hostBase < a.hostBase + a.count;

/**
 * The lowest free container range, or null when all are taken. Ranges that other users own in
 * the subordinate files are skipped: those ids may be running that user's own namespaces.
 */
export function pickIdRange(taken: readonly IdRange[], others: readonly IdRange[]): IdRange | null {
  for (let slot = 0; slot < CONTAINER_SLOTS; slot++) {
    const range = { hostBase: FIRST_HOST_ID + slot * IDS_PER_CONTAINER, count: IDS_PER_CONTAINER };
    if (!taken.some((t) => overlaps(t, range)) && !others.some((o) => overlaps(o, range))) {
      return range;
    }
  }
  return null;
}

/** lxc.idmap lines: the container's ids 0…count-1 are the range's on the host, users and groups. */
export function idmapLines(range: IdRange): string[] {
  return [
    `lxc.idmap = u 0 ${range.hostBase} ${range.count}`,
    `lxc.idmap = g 0 ${range.hostBase} ${range.count}`,
  ];
}

/** The file's text with root's line for the agent's range added, or null when it is there already. */
export function withAgentRange(text: string): string | null {
  const covered = parseSubordinate(text).some(
    (r) =>
      r.owner === 'root' &&
      r.hostBase <= AGENT_RANGE.hostBase &&
      r.hostBase + r.count >= AGENT_RANGE.hostBase + AGENT_RANGE.count,
  );
  if (covered) return null;
  const head = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${head}root:${AGENT_RANGE.hostBase}:${AGENT_RANGE.count}\n`;
}

/**
 * Claims the agent's range for root in /etc/subuid and /etc/subgid. LXC started by root does not
 * read them; they are written so that tools handing out ranges to people (useradd) keep clear.
 * Returns the ranges other owners hold, which containers must not be given.
 */
export async function ensureSubordinateRanges(
  files: readonly string[] = ['/etc/subuid', '/etc/subgid'],
): Promise<SubordinateRange[]> {
  const others: SubordinateRange[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    others.push(...parseSubordinate(text).filter((r) => r.owner !== 'root'));
    const next = withAgentRange(text);
    if (next === null) continue;
    // Rename so a crash never leaves a half-written file that login tools would misread.
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.berth-${process.pid}`);
    await writeFile(tmp, next, { mode: 0o644 });
    await rename(tmp, file);
  }
  return others;
}
