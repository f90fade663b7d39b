import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';

/**
 * Where a process sits in the hierarchy that tells containers apart: the v1 `pids` controller
 * when the host has it (every task is in exactly one of its groups), else the v2 unified tree.
 * `mount` is that hierarchy's directory, `path` the process's group inside it.
 */
export interface CgroupPlace {
  mount: string;
  path: string;
}

/** Parses /proc/<pid>/cgroup (v1 lines `N:pids:/x`, the v2 line `0::/x`). */
export function placeIn(cgroupText: string): CgroupPlace | null {
  let unified: string | null = null;
  for (const line of cgroupText.split('\n')) {
    const [, controllers, where] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (controllers === undefined || where === undefined) continue;
    if (controllers.split(',').includes('pids')) {
      return { mount: path.join(CGROUP_ROOT, 'pids'), path: where };
    }
    if (controllers === '') unified = where;
  }
  return unified === null ? null : { mount: CGROUP_ROOT, path: unified };
}

export async function placeOf(pid: number): Promise<CgroupPlace | null> {
  const text = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => null);
  return text === null ? null : placeIn(text);
}

/**
 * LXC names a container's group after it, with `-1`, `-2`… when another lxcpath's container of
 * the same name holds the plain one.
 */
const payloadOf = (ctid: number) => new RegExp(`^lxc\\.payload\\.${ctid}(-\\d+)?$`);

/**
 * The group holding all of a container, from its init's group: systemd inside moves init into
 * a child (`…/lxc.payload.101/init.scope`), so the container's own group is the ancestor LXC
 * named after it. A host without that naming keeps the init's group.
 */
export function containerGroup(initGroup: string, ctid: number): string {
  const parts = initGroup.split('/');
  const at = parts.findIndex((p) => payloadOf(ctid).test(p));
  return at === -1 ? initGroup : parts.slice(0, at + 1).join('/');
}

/** Whether a group is `group` itself or below it. */
export const within = (candidate: string, group: string): boolean =>
  candidate === group || candidate.startsWith(group.endsWith('/') ? group : `${group}/`);

/** The CT ID whose container group holds `group`, from LXC's `lxc.payload.<ctid>` naming. */
export function ctidOfGroup(group: string): number | null {
  const m = /(?:^|\/)lxc\.payload\.([1-9][0-9]*)(?:-\d+)?(?:\/|$)/.exec(group);
  return m ? Number(m[1]) : null;
}

/**
 * Every process (thread-group leaders) in a group and the groups below it. Synchronous like
 * the /proc reads that follow it: cgroupfs answers from kernel memory.
 */
export function processesIn(place: CgroupPlace): number[] {
  const found = new Set<number>();
  const walk = (dir: string): void => {
    let procs: string;
    let entries: Dirent[];
    try {
      procs = readFileSync(path.join(dir, 'cgroup.procs'), 'utf8');
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // the group went away (a service stopped) while we walked
    }
    for (const line of procs.split('\n')) if (line) found.add(Number(line));
    for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  walk(path.join(place.mount, place.path));
  return [...found].sort((a, b) => a - b);
}
