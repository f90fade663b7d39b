import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CGROUP_ROOT, type CgroupInfo } from '../limits/cgroup.js';
import type { CgroupPlace } from '../processes/cgroup.js';
import { ticksToMs } from '../processes/proc-sample.js';

/**
 * What one read of a subject gives: counters that only grow (turned into rates against the
 * previous read) and levels. Everything here reads sysfs, cgroupfs or procfs synchronously:
 * they answer from kernel memory, and the thread pool's round trips cost more than the read.
 */
export interface Reading {
  cpuNs: number;
  diskReadBytes: number;
  diskWriteBytes: number;
  diskReadOps: number;
  diskWriteOps: number;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  memBytes: number;
  memLimitBytes: number | null;
  swapBytes: number;
  processes: number | null;
  /** The CPU cap in % of one CPU, when one is set. */
  capPct: number | null;
  /** Per adapter; the rx/tx totals above are their sum. */
  adapters: AdapterTotals[];
}

export const readText = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

const readNum = (file: string): number => Number(readText(file)?.trim() ?? 0) || 0;

/** `key value` lines (memory.stat, cpu.stat) → the value of `key`. */
const statValue = (text: string | null, key: string): number =>
  Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(text ?? '')?.[1] ?? 0);

/** v1 writes "no limit" as the largest page-aligned 64-bit value. */
const UNLIMITED_V1 = 2 ** 62;

export interface NetTotals {
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

/** One adapter's counters, named as its instance knows it. */
export interface AdapterTotals extends NetTotals {
  adapter: string;
}

/** An instance's adapter: its name inside (`eth0`, `net1`) and the host end's device. */
export interface HostEnd {
  adapter: string;
  device: string;
}

/**
 * An instance's traffic from the host ends of its adapters, per adapter and summed. What the
 * host end receives the instance sent, so rx and tx are swapped to read from the instance's
 * side. A missing device (the instance is stopping) counts nothing.
 */
export function adapterTraffic(
  ends: readonly HostEnd[],
): NetTotals & { adapters: AdapterTotals[] } {
  const out = { rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0 };
  const adapters: AdapterTotals[] = [];
  for (const { adapter, device } of ends) {
    const at = (name: string) => readText(`/sys/class/net/${device}/statistics/${name}`);
    const rxBytes = at('tx_bytes');
    if (rxBytes === null) continue;
    const one = {
      adapter,
      rxBytes: Number(rxBytes) || 0,
      txBytes: Number(at('rx_bytes')) || 0,
      rxPackets: Number(at('tx_packets')) || 0,
      txPackets: Number(at('rx_packets')) || 0,
    };
    adapters.push(one);
    out.rxBytes += one.rxBytes;
    out.txBytes += one.txBytes;
    out.rxPackets += one.rxPackets;
    out.txPackets += one.txPackets;
  }
  return { ...out, adapters };
}

/** The directory of one controller for a group (v1: per controller; v2: the one tree). */
const groupDir = (place: CgroupPlace, info: CgroupInfo, controller: string) =>
  info.version === 'v2'
    ? path.join(CGROUP_ROOT, place.path)
    : path.join(CGROUP_ROOT, controller, place.path);

/** v1 blkio.throttle.io_service_bytes / io_serviced ("8:0 Read 4096" lines) summed per op. */
export function blkioTotals(text: string | null): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const line of (text ?? '').split('\n')) {
    const [dev, op, value] = line.trim().split(/\s+/);
    if (!dev || !dev.includes(':')) continue;
    if (op === 'Read') read += Number(value) || 0;
    if (op === 'Write') write += Number(value) || 0;
  }
  return { read, write };
}

/** v2 io.stat ("8:0 rbytes=1 wbytes=2 rios=3 wios=4 …" lines) summed over devices. */
export function ioStatTotals(text: string | null) {
  const out = { rbytes: 0, wbytes: 0, rios: 0, wios: 0 };
  for (const line of (text ?? '').split('\n')) {
    for (const field of line.trim().split(/\s+/).slice(1)) {
      const [k, v] = field.split('=');
      if (k && k in out) out[k as keyof typeof out] += Number(v) || 0;
    }
  }
  return out;
}

/** A container's usage from its cgroup (v1 or v2); traffic and limits are added by the caller. */
export function readContainerGroup(
  place: CgroupPlace,
  info: CgroupInfo,
): Omit<Reading, keyof NetTotals | 'capPct' | 'adapters'> {
  const dir = (c: string) => groupDir(place, info, c);
  if (info.version === 'v2') {
    const d = dir('');
    const mem = readNum(path.join(d, 'memory.current'));
    const memStat = readText(path.join(d, 'memory.stat'));
    const max = readText(path.join(d, 'memory.max'))?.trim();
    const io = ioStatTotals(readText(path.join(d, 'io.stat')));
    return {
      cpuNs: statValue(readText(path.join(d, 'cpu.stat')), 'usage_usec') * 1000,
      // The page cache it could drop at once is not memory in use (what `free` also leaves out).
      memBytes: Math.max(0, mem - statValue(memStat, 'inactive_file')),
      memLimitBytes: max && max !== 'max' ? Number(max) : null,
      swapBytes: readNum(path.join(d, 'memory.swap.current')),
      diskReadBytes: io.rbytes,
      diskWriteBytes: io.wbytes,
      diskReadOps: io.rios,
      diskWriteOps: io.wios,
      processes: readNum(path.join(d, 'pids.current')),
    };
  }
  const memDir = dir('memory');
  const usage = readNum(path.join(memDir, 'memory.usage_in_bytes'));
  const memsw = readText(path.join(memDir, 'memory.memsw.usage_in_bytes'));
  const limit = readNum(path.join(memDir, 'memory.limit_in_bytes'));
  const bytes = blkioTotals(readText(path.join(dir('blkio'), 'blkio.throttle.io_service_bytes')));
  const ops = blkioTotals(readText(path.join(dir('blkio'), 'blkio.throttle.io_serviced')));
  return {
    cpuNs: readNum(path.join(dir('cpuacct'), 'cpuacct.usage')),
    memBytes: Math.max(
      0,
      usage - statValue(readText(path.join(memDir, 'memory.stat')), 'total_inactive_file'),
    ),
    memLimitBytes: limit > 0 && limit < UNLIMITED_V1 ? limit : null,
    swapBytes: memsw === null ? 0 : Math.max(0, Number(memsw.trim()) - usage),
    diskReadBytes: bytes.read,
    diskWriteBytes: bytes.write,
    diskReadOps: ops.read,
    diskWriteOps: ops.write,
    processes: readNum(path.join(dir('pids'), 'pids.current')),
  };
}

/** Physical devices only: bridges, veths and taps are the instances' traffic counted again. */
const physical = (kind: 'net' | 'block', name: string): boolean =>
  readText(`/sys/class/${kind}/${name}/device/uevent`) !== null;

/** The host as a whole: /proc/stat, /proc/meminfo, /proc/diskstats, its physical adapters. */
export function readHost(): Reading {
  const stat = readText('/proc/stat') ?? '';
  const cpu = (/^cpu (.*)$/m.exec(stat)?.[1] ?? '').trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const busyTicks =
    cpu.slice(0, 8).reduce((a, b) => a + (b || 0), 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
  const meminfo = readText('/proc/meminfo') ?? '';
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1] ?? 0) * 1024;
  let diskReadBytes = 0;
  let diskWriteBytes = 0;
  let diskReadOps = 0;
  let diskWriteOps = 0;
  for (const line of (readText('/proc/diskstats') ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[2];
    if (
      !name ||
      !physical('block', name) ||
      readText(`/sys/class/block/${name}/partition`) !== null
    )
      continue;
    diskReadOps += Number(f[3]);
    diskReadBytes += Number(f[5]) * 512;
    diskWriteOps += Number(f[7]);
    diskWriteBytes += Number(f[9]) * 512;
  }
  const net = { rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0 };
  const adapters: AdapterTotals[] = [];
  for (const line of (readText('/proc/net/dev') ?? '').split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!name || !rest || !physical('net', name.trim())) continue;
    const f = rest.trim().split(/\s+/).map(Number);
    const one = {
      adapter: name.trim(),
      rxBytes: f[0] ?? 0,
      rxPackets: f[1] ?? 0,
      txBytes: f[8] ?? 0,
      txPackets: f[9] ?? 0,
    };
    adapters.push(one);
    net.rxBytes += one.rxBytes;
    net.rxPackets += one.rxPackets;
    net.txBytes += one.txBytes;
    net.txPackets += one.txPackets;
  }
  let processes = 0;
  for (const e of readdirSync('/proc')) if (/^\d+$/.test(e)) processes++;
  return {
    cpuNs: ticksToMs(busyTicks) * 1_000_000,
    memBytes: kb('MemTotal') - kb('MemAvailable'),
    memLimitBytes: kb('MemTotal'),
    swapBytes: kb('SwapTotal') - kb('SwapFree'),
    diskReadBytes,
    diskWriteBytes,
    diskReadOps,
    diskWriteOps,
    ...net,
    adapters,
    processes,
    capPct: null,
  };
}
