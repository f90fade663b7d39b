import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Limits } from '@berth/contracts';
import { limitPaths, parseCpuList } from '@berth/contracts';
import { cgroupDirsOf, dirFor, type CgroupInfo } from './cgroup.js';
import { allCpus } from './keys.js';

const MiB = 1024 * 1024;
/** v1 writes "unlimited" as the largest page-aligned 64-bit value; anything near it is none. */
const UNLIMITED_V1 = 2 ** 62;

const readKey = async (dir: string | undefined, key: string): Promise<string | null> =>
  dir ? ((await readFile(path.join(dir, key), 'utf8').catch(() => null))?.trim() ?? null) : null;

const num = (s: string | null): number | null => {
  if (s === null || s === 'max' || s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 && n < UNLIMITED_V1 ? n : null;
};

/** A v1 per-device file ("7:3 5242880" lines) or v2 io.max field for one device. */
const perDevice = (text: string | null, dev: string, field?: string): number | null => {
  for (const line of (text ?? '').split('\n')) {
    const [d, ...rest] = line.trim().split(/\s+/);
    if (d !== dev) continue;
    if (!field) return num(rest[0] ?? null) || null;
    const hit = rest.find((r) => r.startsWith(`${field}=`));
    return hit ? num(hit.slice(field.length + 1)) : null;
  }
  return null;
};

/**
 * What the kernel enforces on a process's cgroups, in the limits vocabulary: the values read
 * back, not the ones asked for. Unlimited fields are absent; a throttle is read from the first
 * device (all of an instance's devices get the same one).
 */
export async function readCgroupLimits(
  pid: number,
  info: CgroupInfo,
  hostCpus: number,
  devices: string[],
): Promise<Limits> {
  const dirs = await cgroupDirsOf(pid, info);
  const at = (controller: string) => dirFor(dirs, info, controller);
  const v2 = info.version === 'v2';
  const out: Limits = {};
  const cpu: NonNullable<Limits['cpu']> = {};
  const memory: NonNullable<Limits['memory']> = {};
  const disk: NonNullable<Limits['disk']> = {};

  if (v2) {
    const weight = num(await readKey(at('cpu'), 'cpu.weight'));
    if (weight !== null && weight !== 100) cpu.weight = weight;
    const [quota, period] = ((await readKey(at('cpu'), 'cpu.max')) ?? 'max').split(' ');
    const q = num(quota ?? null);
    if (q !== null && period) cpu.cap = Math.round((q * 100) / Number(period));
  } else {
    const shares = num(await readKey(at('cpu'), 'cpu.shares'));
    if (shares !== null && shares !== 1024) cpu.weight = Math.round((shares * 100) / 1024);
    const quota = Number(await readKey(at('cpu'), 'cpu.cfs_quota_us'));
    const period = num(await readKey(at('cpu'), 'cpu.cfs_period_us'));
    if (quota > 0 && period) cpu.cap = Math.round((quota * 100) / period);
  }
  const cpus = await readKey(at('cpuset'), 'cpuset.cpus');
  if (cpus && cpus !== allCpus(hostCpus)) {
    const list = parseCpuList(cpus);
    if (list && list.length < hostCpus) {
      cpu.affinity = list.join(',');
      cpu.count = list.length;
    }
  }

  const limit = num(await readKey(at('memory'), v2 ? 'memory.max' : 'memory.limit_in_bytes'));
  if (limit !== null) memory.limitMiB = Math.floor(limit / MiB);
  if (v2) {
    const swap = num(await readKey(at('memory'), 'memory.swap.max'));
    if (swap !== null && limit !== null) memory.swapMiB = Math.floor(swap / MiB);
  } else {
    const memsw = num(await readKey(at('memory'), 'memory.memsw.limit_in_bytes'));
    if (memsw !== null && limit !== null) memory.swapMiB = Math.floor((memsw - limit) / MiB);
  }

  const pids = num(await readKey(at('pids'), 'pids.max'));
  if (pids !== null) out.processes = pids;

  if (info.ioWeightKey) {
    const raw = await readKey(at(v2 ? 'io' : 'blkio'), info.ioWeightKey);
    const w = num(raw?.replace(/^default\s+/, '').split('\n')[0] ?? null);
    const weight = w === null ? null : v2 ? w * 5 : w;
    if (weight !== null && weight !== 500) disk.weight = weight;
  }
  const dev = devices[0];
  if (dev) {
    if (v2) {
      const max = await readKey(at('io'), 'io.max');
      const put = (k: keyof typeof disk, field: string) => {
        const n = perDevice(max, dev, field);
        if (n !== null) disk[k] = n;
      };
      put('readBps', 'rbps');
      put('writeBps', 'wbps');
      put('readIops', 'riops');
      put('writeIops', 'wiops');
    } else {
      const put = async (k: keyof typeof disk, key: string) => {
        const n = perDevice(await readKey(at('blkio'), `blkio.throttle.${key}`), dev);
        if (n !== null) disk[k] = n;
      };
      await put('readBps', 'read_bps_device');
      await put('writeBps', 'write_bps_device');
      await put('readIops', 'read_iops_device');
      await put('writeIops', 'write_iops_device');
    }
  }
  if (Object.keys(cpu).length) out.cpu = cpu;
  if (Object.keys(memory).length) out.memory = memory;
  if (Object.keys(disk).length) out.disk = disk;
  return out;
}

const valueAt = (limits: Limits, p: string): unknown => {
  const [group, field] = p.split('.') as [keyof Limits, string | undefined];
  const g = limits[group];
  return field === undefined ? g : (g as Record<string, unknown> | undefined)?.[field];
};

/**
 * The fields whose value in force is not the one `expected` (the configured limits as the kernel
 * or QEMU would show them), among those that can be read back. A cpuset is compared as the set
 * of CPUs it names.
 */
export function limitsDiffer(
  expected: Limits,
  effective: Limits,
  readable: ReadonlySet<string>,
): string[] {
  const paths = new Set([...limitPaths(expected), ...limitPaths(effective)]);
  const norm = (p: string, v: unknown) =>
    p === 'cpu.affinity' && typeof v === 'string' ? parseCpuList(v)?.join(',') : v;
  return [...paths]
    .filter((p) => readable.has(p))
    .filter((p) => norm(p, valueAt(expected, p)) !== norm(p, valueAt(effective, p)))
    .sort();
}
