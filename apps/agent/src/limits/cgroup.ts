import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathExists } from '../host/files.js';

export const CGROUP_ROOT = '/sys/fs/cgroup';

export interface CgroupInfo {
  version: 'v1' | 'v2';
  /**
   * In the vocabulary of v1 (v2's io is listed as blkio too, so one name means one thing), plus
   * "blkio.weight" when the I/O scheduler weighs (CFQ/BFQ): throttling works without it.
   */
  controllers: string[];
  /** The file proportional I/O weight goes into, when there is one. */
  ioWeightKey: string | null;
  swapAccounting: boolean;
}

/**
 * Which cgroup hierarchy this host runs and what it can enforce. v2 when /sys/fs/cgroup is the
 * unified hierarchy itself (cgroup.controllers at its root); v1 (or hybrid) otherwise, with one
 * directory per mounted controller. Asked once: it changes only with a reboot.
 */
let detected: Promise<CgroupInfo> | undefined;
export const detectCgroup = (): Promise<CgroupInfo> => (detected ??= detect());

async function detect(): Promise<CgroupInfo> {
  const v2List = await readFile(path.join(CGROUP_ROOT, 'cgroup.controllers'), 'utf8').catch(
    () => null,
  );
  if (v2List !== null) {
    const names = v2List.trim().split(/\s+/).filter(Boolean);
    const controllers = names.flatMap((c) => (c === 'io' ? ['io', 'blkio'] : [c]));
    // memory.swap.max exists on every non-root cgroup when the kernel accounts swap.
    const swapAccounting = await anyChildHas('memory.swap.max');
    const ioWeightKey = (await anyChildHas('io.weight'))
      ? 'io.weight'
      : (await anyChildHas('io.bfq.weight'))
        ? 'io.bfq.weight'
        : null;
    if (ioWeightKey) controllers.push('blkio.weight');
    return { version: 'v2', controllers, swapAccounting, ioWeightKey };
  }
  const entries = await readdir(CGROUP_ROOT).catch(() => [] as string[]);
  const controllers: string[] = [];
  for (const c of ['cpu', 'cpuacct', 'cpuset', 'memory', 'blkio', 'pids', 'freezer', 'devices']) {
    if (entries.includes(c) && (await pathExists(path.join(CGROUP_ROOT, c, 'tasks')))) {
      controllers.push(c);
    }
  }
  const swapAccounting = await pathExists(
    path.join(CGROUP_ROOT, 'memory', 'memory.memsw.limit_in_bytes'),
  );
  let ioWeightKey: string | null = null;
  for (const key of ['blkio.weight', 'blkio.bfq.weight']) {
    if (!ioWeightKey && (await pathExists(path.join(CGROUP_ROOT, 'blkio', key)))) ioWeightKey = key;
  }
  if (ioWeightKey) controllers.push('blkio.weight');
  return { version: 'v1', controllers, swapAccounting, ioWeightKey };
}

async function anyChildHas(file: string): Promise<boolean> {
  for (const entry of await readdir(CGROUP_ROOT).catch(() => [] as string[])) {
    if (await pathExists(path.join(CGROUP_ROOT, entry, file))) return true;
  }
  return false;
}

/**
 * The cgroup directories a process lives in, per controller (v1) or the one unified directory
 * (key ''), from /proc/<pid>/cgroup: no lxc-cgroup process per read.
 */
export async function cgroupDirsOf(pid: number, info: CgroupInfo): Promise<Map<string, string>> {
  const text = await readFile(`/proc/${pid}/cgroup`, 'utf8');
  const dirs = new Map<string, string>();
  for (const line of text.trim().split('\n')) {
    const [, list = '', rel = ''] = line.split(':');
    if (info.version === 'v2') {
      if (list === '') dirs.set('', path.join(CGROUP_ROOT, rel));
      continue;
    }
    for (const c of list.split(',')) {
      if (c) dirs.set(c, path.join(CGROUP_ROOT, c, rel));
    }
  }
  return dirs;
}

/** The directory of a controller (v1) or the unified one (v2). */
export const dirFor = (dirs: Map<string, string>, info: CgroupInfo, controller: string) =>
  info.version === 'v2' ? dirs.get('') : dirs.get(controller);
