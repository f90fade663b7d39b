import type { Limits } from '@berth/contracts';
import { parseCpuList } from '@berth/contracts';
import type { CgroupInfo } from './cgroup.js';

const MiB = 1024 * 1024;
/** The CFS period every cap is expressed against: 100 ms, the kernel's default. */
export const CFS_PERIOD_US = 100_000;

/** One cgroup file and the value to write into it. */
export interface CgroupSetting {
  controller: string;
  key: string;
  value: string;
}

export interface KeyContext {
  cgroup: CgroupInfo;
  hostCpus: number;
  /** major:minor of the instance's block devices, for per-device throttles; none before start. */
  devices: string[];
}

/** "0-1" for a two-CPU host: everything, which is what "no affinity" means. */
export const allCpus = (n: number) => (n === 1 ? '0' : `0-${n - 1}`);

/** The CPUs a cpuset gets: the affinity (or the host), cut to the first cpu.count of them. */
export function cpusetOf(limits: Limits, hostCpus: number): string | null {
  const { affinity, count } = limits.cpu ?? {};
  if (affinity === undefined && count === undefined) return null;
  const pool = (affinity !== undefined ? parseCpuList(affinity) : null) ?? [
    ...Array(hostCpus).keys(),
  ];
  return (count !== undefined ? pool.slice(0, count) : pool).join(',');
}

/**
 * The cgroup files that make `limits` hold, in an order the kernel accepts. With `reset`, the
 * fields not set get their "unlimited" value too: a live change must lift a limit that was
 * removed, while a fresh cgroup (LXC's config at start) starts unlimited anyway.
 */
export function cgroupSettings(limits: Limits, ctx: KeyContext, reset: boolean): CgroupSetting[] {
  const v2 = ctx.cgroup.version === 'v2';
  const has = (c: string) => ctx.cgroup.controllers.includes(c);
  const out: CgroupSetting[] = [];
  const put = (controller: string, key: string, value: string | null, unlimited: string) => {
    if (!has(controller)) return;
    if (value !== null) out.push({ controller, key, value });
    else if (reset) out.push({ controller, key, value: unlimited });
  };
  const { cpu = {}, memory = {}, disk = {} } = limits;

  if (v2) {
    put('cpu', 'cpu.weight', cpu.weight !== undefined ? String(cpu.weight) : null, '100');
    put(
      'cpu',
      'cpu.max',
      cpu.cap !== undefined ? `${cpu.cap * 1000} ${CFS_PERIOD_US}` : null,
      `max ${CFS_PERIOD_US}`,
    );
  } else {
    const shares =
      cpu.weight !== undefined ? Math.max(2, Math.round((cpu.weight * 1024) / 100)) : null;
    put('cpu', 'cpu.shares', shares !== null ? String(shares) : null, '1024');
    put(
      'cpu',
      'cpu.cfs_period_us',
      cpu.cap !== undefined ? String(CFS_PERIOD_US) : null,
      String(CFS_PERIOD_US),
    );
    put('cpu', 'cpu.cfs_quota_us', cpu.cap !== undefined ? String(cpu.cap * 1000) : null, '-1');
  }
  put('cpuset', 'cpuset.cpus', cpusetOf(limits, ctx.hostCpus), allCpus(ctx.hostCpus));

  const limit = memory.limitMiB !== undefined ? memory.limitMiB * MiB : null;
  if (v2) {
    put('memory', 'memory.max', limit !== null ? String(limit) : null, 'max');
    if (ctx.cgroup.swapAccounting) {
      const swap = limit !== null ? String((memory.swapMiB ?? 0) * MiB) : null;
      put('memory', 'memory.swap.max', swap, 'max');
    }
  } else if (ctx.cgroup.swapAccounting) {
    // memsw (memory + swap) may never be below the memory limit: lift it first, then set both.
    if (reset) put('memory', 'memory.memsw.limit_in_bytes', '-1', '-1');
    put('memory', 'memory.limit_in_bytes', limit !== null ? String(limit) : null, '-1');
    const memsw = limit !== null ? String(limit + (memory.swapMiB ?? 0) * MiB) : null;
    if (memsw !== null || !reset) put('memory', 'memory.memsw.limit_in_bytes', memsw, '-1');
  } else {
    put('memory', 'memory.limit_in_bytes', limit !== null ? String(limit) : null, '-1');
  }

  put('pids', 'pids.max', limits.processes !== undefined ? String(limits.processes) : null, 'max');

  if (v2) {
    const weightKey = ctx.cgroup.ioWeightKey;
    if (weightKey) {
      // v2 weighs 1-10000 around 100, v1 10-1000 around 500: the same share is a fifth.
      const w = disk.weight !== undefined ? Math.max(1, Math.round(disk.weight / 5)) : null;
      put('io', weightKey, w !== null ? `default ${w}` : null, 'default 100');
    }
    for (const dev of ctx.devices) {
      const v = (n: number | undefined) => (n !== undefined ? String(n) : 'max');
      const any = [disk.readBps, disk.writeBps, disk.readIops, disk.writeIops].some(
        (n) => n !== undefined,
      );
      put(
        'io',
        'io.max',
        any
          ? `${dev} rbps=${v(disk.readBps)} wbps=${v(disk.writeBps)} riops=${v(disk.readIops)} wiops=${v(disk.writeIops)}`
          : null,
        `${dev} rbps=max wbps=max riops=max wiops=max`,
      );
    }
  } else {
    const weightKey = ctx.cgroup.ioWeightKey;
    if (weightKey) {
      put('blkio', weightKey, disk.weight !== undefined ? String(disk.weight) : null, '500');
    }
    for (const dev of ctx.devices) {
      const throttle = (key: string, n: number | undefined) =>
        put('blkio', `blkio.throttle.${key}`, n !== undefined ? `${dev} ${n}` : null, `${dev} 0`);
      throttle('read_bps_device', disk.readBps);
      throttle('write_bps_device', disk.writeBps);
      throttle('read_iops_device', disk.readIops);
      throttle('write_iops_device', disk.writeIops);
    }
  }
  return out;
}
