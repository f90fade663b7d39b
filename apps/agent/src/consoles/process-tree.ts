import { readFile, readdir } from 'node:fs/promises';
import { statFields } from '../host/proc.js';

/** Parent pid from /proc/<pid>/stat. */
export function parentOf(stat: string): number {
  return Number(statFields(stat)[1]);
}

/** Every live descendant of `root` (host pids, including those inside a container's pid namespace). */
export async function descendants(root: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    const parent = parentOf(stat);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}
