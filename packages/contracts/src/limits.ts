import { z } from 'zod';

/**
 * Resource limits: one vocabulary for containers and VMs (issue 13). An absent field is
 * "unlimited" (or the kind's default); in a PATCH, null removes a limit and an absent field
 * keeps it.
 */

/** A cpuset list: "0", "0,2-3". */
export const CpuList = z
  .string()
  .max(256)
  .regex(/^\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*$/, 'a CPU list like 0 or 0,2-3');

/** The CPUs a cpuset list names, or null when a range runs backwards. */
export const parseCpuList = (list: string): number[] | null => {
  const cpus = new Set<number>();
  for (const part of list.split(',')) {
    const [a, b = a] = part.split('-').map(Number);
    if (a === undefined || b === undefined || b < a) return null;
    for (let c = a; c <= b; c++) cpus.add(c);
  }
  return [...cpus].sort((x, y) => x - y);
};

const count = (min: number, max: number, what: string) =>
  z
    .number()
    .int(`${what} must be a whole number`)
    .min(min, `${what} must be between ${min} and ${max}`)
    .max(max, `${what} must be between ${min} and ${max}`);

export const MAX_LIMIT_BPS = 1024 ** 4; // 1 TiB/s: beyond any disk, far below a 64-bit overflow
export const MAX_LIMIT_IOPS = 10_000_000;

const fields = {
  cpu: {
    weight: count(1, 10_000, 'cpu.weight').describe(
      'relative CPU share against other instances (100 = normal); cgroup cpu.weight, cpu.shares = weight × 10.24 on v1',
    ),
    cap: count(1, 102_400, 'cpu.cap').describe(
      'percent of one CPU, e.g. 150 = one and a half CPUs (CFS quota)',
    ),
    count: count(1, 1024, 'cpu.count').describe(
      'CPUs visible: vCPUs of a VM; for a container the first N CPUs of its affinity (or of the host)',
    ),
    affinity: CpuList.describe('host CPUs the instance may run on (cpuset), e.g. 0,2-3'),
  },
  memory: {
    limitMiB: count(16, 1024 * 1024, 'memory.limitMiB').describe(
      "RAM in MiB: a container's memory limit, a VM's memory size",
    ),
    swapMiB: count(0, 1024 * 1024, 'memory.swapMiB').describe(
      'containers: swap on top of the memory limit (needs memory.limitMiB)',
    ),
    minMiB: count(16, 1024 * 1024, 'memory.minMiB').describe(
      'VMs: the balloon target, memory the guest keeps while the host reclaims the rest',
    ),
  },
  disk: {
    sizeMiB: count(16, 2 * 1024 * 1024, 'disk.sizeMiB').describe(
      "containers: the private area's size (grows only)",
    ),
    inodes: count(1024, 4_294_967_295, 'disk.inodes').describe(
      'containers: files the private area can hold (set at create)',
    ),
    weight: count(10, 1000, 'disk.weight').describe(
      'relative I/O share against other instances (500 = normal); blkio.weight / io.weight',
    ),
    readBps: count(1, MAX_LIMIT_BPS, 'disk.readBps').describe('bytes per second read, per disk'),
    writeBps: count(1, MAX_LIMIT_BPS, 'disk.writeBps').describe(
      'bytes per second written, per disk',
    ),
    readIops: count(1, MAX_LIMIT_IOPS, 'disk.readIops').describe('read operations per second'),
    writeIops: count(1, MAX_LIMIT_IOPS, 'disk.writeIops').describe('write operations per second'),
  },
  processes: count(1, 4_194_304, 'processes').describe('containers: most tasks at once (pids.max)'),
  network: {
    ingressKbps: count(1, 100_000_000, 'network.ingressKbps'),
    egressKbps: count(1, 100_000_000, 'network.egressKbps'),
  },
};

/** Each field optional: absent is unlimited. */
const optional = <T extends Record<string, z.ZodType>>(shape: T) =>
  z.object(shape).partial().strict();
/** Each field optional or null: null removes the limit. */
const clearable = <T extends Record<string, z.ZodType>>(shape: T) =>
  z
    .object(
      Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.nullable().optional()])) as {
        [K in keyof T]: z.ZodOptional<z.ZodNullable<T[K]>>;
      },
    )
    .strict();

/** What is configured (and, read back, what is in force). */
export const Limits = z
  .object({
    cpu: optional(fields.cpu).optional(),
    memory: optional(fields.memory).optional(),
    disk: optional(fields.disk).optional(),
    processes: fields.processes.optional(),
    network: optional(fields.network)
      .optional()
      .describe(
        "kbit/s into (ingress) and out of (egress) the instance's adapter: HTB on its host end, IFB for egress; containers",
      ),
  })
  .strict();
export type Limits = z.infer<typeof Limits>;

/** A change: null removes that limit, an absent field keeps it. */
export const LimitsPatch = z
  .object({
    cpu: clearable(fields.cpu).optional(),
    memory: clearable(fields.memory).optional(),
    disk: clearable(fields.disk).optional(),
    processes: fields.processes.nullable().optional(),
    network: clearable(fields.network).optional(),
  })
  .strict();
export type LimitsPatch = z.infer<typeof LimitsPatch>;

/** The patch applied to what is configured: a new object, empty groups dropped. */
export const mergeLimits = (base: Limits, patch: LimitsPatch): Limits => {
  const out: Record<string, unknown> = {};
  for (const key of ['cpu', 'memory', 'disk', 'network', 'processes'] as const) {
    const b = base[key];
    const p = patch[key];
    if (key === 'processes') {
      const v = p === undefined ? b : p;
      if (v !== null && v !== undefined) out[key] = v;
      continue;
    }
    const group: Record<string, unknown> = { ...(b as object | undefined) };
    for (const [f, v] of Object.entries((p ?? {}) as object)) {
      if (v === null) delete group[f];
      else if (v !== undefined) group[f] = v;
    }
    if (Object.keys(group).length) out[key] = group;
  }
  return out as Limits;
};

/** When a field takes effect. */
export const LimitApply = z.enum(['live', 'next-start', 'create', 'unsupported']);
export type LimitApply = z.infer<typeof LimitApply>;

export type LimitPath =
  | `cpu.${keyof NonNullable<Limits['cpu']>}`
  | `memory.${keyof NonNullable<Limits['memory']>}`
  | `disk.${keyof NonNullable<Limits['disk']>}`
  | 'processes'
  | `network.${keyof NonNullable<Limits['network']>}`;

/** Per kind, when each field applies: shown beside the field in the UI and the API docs. */
export const LIMIT_APPLY: Record<'ct' | 'vm', Record<LimitPath, LimitApply>> = {
  ct: {
    'cpu.weight': 'live',
    'cpu.cap': 'live',
    'cpu.count': 'live',
    'cpu.affinity': 'live',
    'memory.limitMiB': 'live',
    'memory.swapMiB': 'live',
    'memory.minMiB': 'unsupported',
    'disk.sizeMiB': 'live',
    'disk.inodes': 'create',
    'disk.weight': 'live',
    'disk.readBps': 'live',
    'disk.writeBps': 'live',
    'disk.readIops': 'live',
    'disk.writeIops': 'live',
    processes: 'live',
    'network.ingressKbps': 'live',
    'network.egressKbps': 'live',
  },
  vm: {
    'cpu.weight': 'live',
    'cpu.cap': 'live',
    'cpu.count': 'next-start',
    'cpu.affinity': 'live',
    'memory.limitMiB': 'next-start',
    'memory.swapMiB': 'unsupported',
    'memory.minMiB': 'live',
    'disk.sizeMiB': 'unsupported',
    'disk.inodes': 'unsupported',
    'disk.weight': 'live',
    'disk.readBps': 'live',
    'disk.writeBps': 'live',
    'disk.readIops': 'live',
    'disk.writeIops': 'live',
    processes: 'unsupported',
    'network.ingressKbps': 'live',
    'network.egressKbps': 'live',
  },
};

/** The fields a limits object sets, as dotted paths. */
export const limitPaths = (limits: Limits): LimitPath[] => {
  const out: LimitPath[] = [];
  for (const [group, v] of Object.entries(limits)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'number') out.push(group as LimitPath);
    else for (const f of Object.keys(v)) out.push(`${group}.${f}` as LimitPath);
  }
  return out;
};

/** What validateLimits needs to know of the host (a subset of HostFacts). */
export interface LimitHost {
  cpus: number;
  memoryBytes: number;
  /** Present when the agent reported it: controllers missing there make their fields a problem. */
  cgroup?: { controllers: string[]; swapAccounting: boolean } | null;
}

export interface LimitProblem {
  /** Dotted path under limits: "memory.swapMiB". */
  path: string;
  message: string;
  fix: string;
}

const CONTROLLER_OF: Partial<Record<LimitPath, string>> = {
  'cpu.weight': 'cpu',
  'cpu.cap': 'cpu',
  'cpu.affinity': 'cpuset',
  'memory.limitMiB': 'memory',
  'memory.swapMiB': 'memory',
  // Proportional I/O needs a scheduler that weighs (CFQ/BFQ): listed apart from throttling.
  'disk.weight': 'blkio.weight',
  'disk.readBps': 'blkio',
  'disk.writeBps': 'blkio',
  'disk.readIops': 'blkio',
  'disk.writeIops': 'blkio',
  processes: 'pids',
};

/**
 * Checks a whole limits object against itself and the host: each problem with its path, what
 * is wrong (with the valid range) and how to fix it. Pure, so the API, the agent and the
 * configuration samples share it. The shape itself is the zod schema's job.
 */
export const validateLimits = (
  limits: Limits,
  kind: 'ct' | 'vm',
  host: LimitHost,
): LimitProblem[] => {
  const problems: LimitProblem[] = [];
  const add = (path: string, message: string, fix: string) => problems.push({ path, message, fix });
  const kindName = kind === 'ct' ? 'containers' : 'VMs';
  const hostMiB = Math.floor(host.memoryBytes / 1024 / 1024);

  for (const path of limitPaths(limits)) {
    if (LIMIT_APPLY[kind][path] === 'unsupported') {
      add(path, `${path} does not apply to ${kindName}`, `remove ${path}`);
      continue;
    }
    const controller = CONTROLLER_OF[path];
    // A VM's memory is QEMU's -m, not a cgroup: only the QEMU process's cgroup fields need one.
    const needsCgroup = controller && !(kind === 'vm' && path.startsWith('memory.'));
    if (needsCgroup && host.cgroup && !host.cgroup.controllers.includes(controller)) {
      add(
        path,
        `this host's cgroups have no ${controller} controller, so ${path} cannot be enforced`,
        `remove ${path}, or enable the ${controller} controller on the host`,
      );
    }
  }

  const { cpu, memory } = limits;
  const cpuMax = host.cpus - 1;
  let affinityCpus: number[] | null = null;
  if (cpu?.affinity !== undefined) {
    affinityCpus = parseCpuList(cpu.affinity);
    if (!affinityCpus) {
      add(
        'cpu.affinity',
        'a range in cpu.affinity runs backwards',
        'write ranges low-high, e.g. 0-3',
      );
    } else {
      const missing = affinityCpus.filter((c) => c > cpuMax);
      if (missing.length) {
        add(
          'cpu.affinity',
          `CPU ${missing.join(', ')} does not exist: this host has CPUs 0-${cpuMax}`,
          `use CPUs between 0 and ${cpuMax}`,
        );
        affinityCpus = null;
      }
    }
  }
  if (cpu?.count !== undefined && kind === 'ct') {
    const room = affinityCpus?.length ?? host.cpus;
    if (cpu.count > room) {
      add(
        'cpu.count',
        `cpu.count must be between 1 and ${room} (${affinityCpus ? 'the CPUs in cpu.affinity' : "the host's CPUs"})`,
        `set cpu.count to at most ${room}`,
      );
    }
  }
  if (cpu?.count !== undefined && kind === 'vm' && cpu.count > 64) {
    add('cpu.count', 'cpu.count must be between 1 and 64 vCPUs', 'set cpu.count to at most 64');
  }
  if (cpu?.cap !== undefined) {
    const cpusUsable =
      cpu.count ?? (kind === 'ct' ? (affinityCpus?.length ?? host.cpus) : host.cpus);
    const maxCap = Math.min(cpusUsable, host.cpus) * 100;
    if (cpu.cap > maxCap) {
      add(
        'cpu.cap',
        `cpu.cap must be between 1 and ${maxCap} (${Math.min(cpusUsable, host.cpus)} CPUs × 100)`,
        `lower cpu.cap to ${maxCap} or less, or raise cpu.count`,
      );
    }
  }

  if (memory?.limitMiB !== undefined) {
    const min = kind === 'vm' ? 32 : 16;
    if (memory.limitMiB < min) {
      add(
        'memory.limitMiB',
        `memory.limitMiB must be at least ${min} MiB for ${kindName}`,
        `set memory.limitMiB to ${min} or more`,
      );
    }
    if (memory.limitMiB > hostMiB) {
      add(
        'memory.limitMiB',
        `memory.limitMiB must be between ${min} and ${hostMiB} MiB (the host's memory)`,
        `lower memory.limitMiB to ${hostMiB} or less`,
      );
    }
  }
  if (memory?.swapMiB !== undefined && kind === 'ct') {
    if (memory.limitMiB === undefined) {
      add(
        'memory.swapMiB',
        'swap needs a memory limit',
        'set memory.limitMiB too, or remove memory.swapMiB',
      );
    } else if (host.cgroup && !host.cgroup.swapAccounting && memory.swapMiB > 0) {
      add(
        'memory.swapMiB',
        "this host's kernel does not account swap per cgroup (swapaccount=1 is off), so only 0 can be enforced",
        'set memory.swapMiB to 0 or remove it',
      );
    }
  }
  if (memory?.minMiB !== undefined && kind === 'vm') {
    const top = memory.limitMiB;
    if (top !== undefined && memory.minMiB > top) {
      add(
        'memory.minMiB',
        `memory.minMiB must be between 16 and ${top} MiB (memory.limitMiB)`,
        `lower memory.minMiB to ${top} or less`,
      );
    }
  }
  return problems;
};
