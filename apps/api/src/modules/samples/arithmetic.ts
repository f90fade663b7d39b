import type { LimitPath, Limits, SplitResult } from '@berth/contracts';
import {
  AppError,
  ErrorCode,
  Limits as LimitsSchema,
  badRequest,
  SPLIT_HEADROOM,
} from '@berth/contracts';

const MiB = 1024 * 1024;
/** Memory and disk sizes come in whole 16 MiB steps: the smallest limit the contract takes. */
const SIZE_STEP_MIB = 16;
/** The least memory a split leaves each instance: a VM's minimum, so the sample fits both kinds. */
const MIN_SPLIT_MEMORY_MIB = 32;

const down = (n: number, step: number) => Math.floor(n / step) * step;

/** The host's capacity as a split sees it. */
export interface Capacity {
  cpus: number;
  memoryBytes: number;
  diskBytes: number;
}

/**
 * One sample for `count` equal instances that together use what the host can spare: all CPUs
 * but SPLIT_HEADROOM.cpuPercent of their time, memory and disk less the host's share. Sizes are
 * rounded down, so N of them always fit. A count the host cannot carry is a 400 naming the most
 * it can.
 */
export function splitHost(host: Capacity, count: number): SplitResult {
  const memoryMiB = Math.floor(host.memoryBytes / MiB);
  const diskMiB = Math.floor(host.diskBytes / MiB);
  const keepMemory = Math.max(
    SPLIT_HEADROOM.memoryMinMiB,
    Math.ceil((memoryMiB * SPLIT_HEADROOM.memoryPercent) / 100),
  );
  const keepDisk = Math.ceil((diskMiB * SPLIT_HEADROOM.diskPercent) / 100);
  const cpuBudget = Math.floor((host.cpus * 100 * (100 - SPLIT_HEADROOM.cpuPercent)) / 100);

  const spareMemory = Math.max(0, memoryMiB - keepMemory);
  const spareDisk = Math.max(0, diskMiB - keepDisk);
  const most = Math.min(
    cpuBudget,
    Math.floor(spareMemory / MIN_SPLIT_MEMORY_MIB),
    Math.floor(spareDisk / SIZE_STEP_MIB),
  );
  if (count > most) {
    throw badRequest(
      most > 0
        ? `this host can be split into at most ${most} instances (it keeps ${keepMemory} MiB of memory, ${keepDisk} MiB of disk and ${SPLIT_HEADROOM.cpuPercent}% of CPU time for itself)`
        : 'this host has too little memory or disk to spare for any instance',
      'count',
    );
  }

  const cap = Math.floor(cpuBudget / count);
  return {
    count,
    limits: {
      cpu: { cap, count: Math.min(host.cpus, Math.ceil(cap / 100)) },
      memory: { limitMiB: down(spareMemory / count, SIZE_STEP_MIB) },
      disk: { sizeMiB: down(spareDisk / count, SIZE_STEP_MIB) },
    },
    host: { cpus: host.cpus, memoryMiB, diskMiB },
    headroom: {
      cpuPercent: SPLIT_HEADROOM.cpuPercent,
      memoryMiB: memoryMiB - spareMemory,
      diskMiB: diskMiB - spareDisk,
    },
  };
}

/** How each number scales: rounded to `step`, never below `min` (the field's smallest value). */
const SCALE_RULES: Partial<Record<LimitPath, { step: number; min: number }>> = {
  'cpu.weight': { step: 1, min: 1 },
  'cpu.cap': { step: 1, min: 1 },
  'memory.limitMiB': { step: SIZE_STEP_MIB, min: 16 },
  'memory.swapMiB': { step: SIZE_STEP_MIB, min: 0 },
  'memory.minMiB': { step: SIZE_STEP_MIB, min: 16 },
  'disk.sizeMiB': { step: SIZE_STEP_MIB, min: 16 },
  'disk.inodes': { step: 1024, min: 1024 },
  'disk.weight': { step: 1, min: 10 },
  'disk.readBps': { step: 1, min: 1 },
  'disk.writeBps': { step: 1, min: 1 },
  'disk.readIops': { step: 1, min: 1 },
  'disk.writeIops': { step: 1, min: 1 },
  processes: { step: 1, min: 1 },
  'network.ingressKbps': { step: 1, min: 1 },
  'network.egressKbps': { step: 1, min: 1 },
};

const scaleOne = (path: LimitPath, value: number, factor: number): number => {
  const rule = SCALE_RULES[path] ?? { step: 1, min: 1 };
  return Math.max(rule.min, Math.round((value * factor) / rule.step) * rule.step);
};

/**
 * Every quantity of a sample times `factor`. Each is rounded to its unit and kept at or above
 * its smallest value; CPU affinity stays as it is (a list of CPUs does not scale), and the CPU
 * count grows with the cap when it must, so cap ≤ count × 100 still holds. A result beyond a
 * field's largest value is a 400 naming the field.
 */
export function scaleLimits(limits: Limits, factor: number): Limits {
  const out: Record<string, unknown> = {};
  for (const [group, value] of Object.entries(limits)) {
    if (typeof value === 'number') {
      out[group] = scaleOne(group as LimitPath, value, factor);
      continue;
    }
    const scaled: Record<string, unknown> = {};
    for (const [field, v] of Object.entries(value as Record<string, unknown>)) {
      const path = `${group}.${field}` as LimitPath;
      scaled[field] = typeof v === 'number' && path !== 'cpu.count' ? scaleOne(path, v, factor) : v;
    }
    out[group] = scaled;
  }
  const cpu = out.cpu as Limits['cpu'];
  if (cpu?.count !== undefined) {
    cpu.count = Math.max(
      1,
      Math.round(cpu.count * factor),
      cpu.cap === undefined ? 1 : Math.ceil(cpu.cap / 100),
    );
  }
  const checked = LimitsSchema.safeParse(out);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => ({
      path: ['limits', ...i.path].join('.'),
      message: `scaled by ${factor}: ${i.message}`,
    }));
    throw new AppError(ErrorCode.validation, issues.map((i) => i.message).join('; '), issues);
  }
  return checked.data as Limits;
}
