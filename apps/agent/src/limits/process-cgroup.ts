import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CGROUP_ROOT, type CgroupInfo } from './cgroup.js';
import type { CgroupSetting } from './keys.js';

/** Berth's own cgroups (a VM's QEMU), beside LXC's: /sys/fs/cgroup/<controller>/berth/<name> on v1. */
const PARENT = 'berth';
const V1_CONTROLLERS = ['cpu', 'cpuset', 'blkio'];

const dirsOf = (name: string, info: CgroupInfo): Map<string, string> =>
  info.version === 'v2'
    ? new Map([['', path.join(CGROUP_ROOT, PARENT, name)]])
    : new Map(
        V1_CONTROLLERS.filter((c) => info.controllers.includes(c)).map((c) => [
          c,
          path.join(CGROUP_ROOT, c, PARENT, name),
        ]),
      );

/** A v1 cpuset takes no task until it has CPUs and memory nodes: both copied from its parent. */
async function inheritCpuset(dir: string): Promise<void> {
  for (const key of ['cpuset.cpus', 'cpuset.mems']) {
    const mine = (await readFile(path.join(dir, key), 'utf8')).trim();
    if (mine) continue;
    const parent = (await readFile(path.join(path.dirname(dir), key), 'utf8')).trim();
    await writeFile(path.join(dir, key), parent);
  }
}

/**
 * Puts a process (all its threads) into its own cgroup named `name` and writes `settings` there.
 * Idempotent: an existing cgroup is reused, the settings rewritten.
 */
export async function placeProcess(
  name: string,
  pid: number,
  settings: readonly CgroupSetting[],
  info: CgroupInfo,
): Promise<void> {
  const dirs = dirsOf(name, info);
  if (info.version === 'v2') {
    const enable = ['cpu', 'cpuset', 'io'].filter((c) => info.controllers.includes(c));
    const parent = path.join(CGROUP_ROOT, PARENT);
    await mkdir(parent, { recursive: true });
    for (const dir of [CGROUP_ROOT, parent]) {
      await writeFile(
        path.join(dir, 'cgroup.subtree_control'),
        enable.map((c) => `+${c}`).join(' '),
      );
    }
  }
  for (const [controller, dir] of dirs) {
    await mkdir(dir, { recursive: true });
    if (controller === 'cpuset') {
      await inheritCpuset(path.dirname(dir));
      await inheritCpuset(dir);
    }
  }
  await writeSettings(name, settings, info);
  for (const dir of dirs.values()) await writeFile(path.join(dir, 'cgroup.procs'), String(pid));
}

/** Rewrites settings of an existing process cgroup (a live change). */
export async function writeSettings(
  name: string,
  settings: readonly CgroupSetting[],
  info: CgroupInfo,
): Promise<void> {
  const dirs = dirsOf(name, info);
  for (const s of settings) {
    const dir = info.version === 'v2' ? dirs.get('') : dirs.get(s.controller);
    if (dir) await writeFile(path.join(dir, s.key), s.value);
  }
}

/** Removes the cgroup once its process is gone; a cgroup still in use stays (EBUSY). */
export async function removeProcessCgroup(name: string, info: CgroupInfo): Promise<void> {
  for (const dir of dirsOf(name, info).values()) await rmdir(dir).catch(() => undefined);
}
