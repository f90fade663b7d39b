import { chmod, stat } from 'node:fs/promises';
import path from 'node:path';

const SEARCH_BY_OTHERS = 0o001;

/**
 * Lets an unprivileged container's root pass through the lxcpath and every folder above it:
 * LXC checks that as the mapped root and refuses to start otherwise ("Please grant it x
 * access"). Search only, never read: nobody can list the folders, and what lies below
 * (token, journal, images) keeps its own owner-only modes. Each container's ids differ, so
 * an ACL would need an entry per container; LXD and Proxmox make the same choice (0711/0755).
 */
export async function letContainersTraverse(lxcpath: string): Promise<void> {
  for (let dir = path.resolve(lxcpath); ; dir = path.dirname(dir)) {
    const { mode } = await stat(dir);
    if (!(mode & SEARCH_BY_OTHERS)) await chmod(dir, (mode & 0o7777) | SEARCH_BY_OTHERS);
    if (dir === path.dirname(dir)) return;
  }
}
