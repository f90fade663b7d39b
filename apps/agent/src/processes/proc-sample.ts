import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { statFields } from '../host/proc.js';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux/x86). */
const TICKS = 100;

/** One process as /proc shows it from the host. */
export interface ProcSample {
  hostPid: number;
  /** The innermost pid namespace's number (last of NSpid). */
  nsPid: number | null;
  ppid: number;
  /** Real uid on the host. */
  hostUid: number | null;
  state: string;
  /** utime + stime, in ticks. */
  cpuTicks: number;
  /** Start time in ticks after boot. */
  startTicks: number;
  rssBytes: number | null;
  name: string;
  cmdline: string;
}

/**
 * Reads /proc/<pid>/{stat,status,cmdline}; null when the process is gone. Synchronous on
 * purpose: procfs answers from kernel memory without blocking, and for hundreds of processes
 * the thread pool's open/read/close round trips cost about five times as much as reading here.
 */
export function sampleProcess(pid: number): ProcSample | null {
  const read = (file: string) => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return null;
    }
  };
  const stat = read('stat');
  const status = read('status');
  if (stat === null || status === null) return null;
  return parseSample(pid, stat, status, read('cmdline') ?? '');
}

export function parseSample(
  pid: number,
  stat: string,
  status: string,
  cmdline: string,
): ProcSample {
  const f = statFields(stat);
  const field = (key: string) => new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? null;
  const nsPids = field('NSpid')?.split(/\s+/).map(Number) ?? [];
  const uid = field('Uid')?.split(/\s+/)[0];
  const rssKb = field('VmRSS')?.match(/^(\d+)/)?.[1];
  const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  return {
    hostPid: pid,
    nsPid: nsPids.length > 0 ? (nsPids.at(-1) as number) : null,
    ppid: Number(f[1]),
    hostUid: uid === undefined ? null : Number(uid),
    state: f[0] ?? '?',
    cpuTicks: Number(f[11]) + Number(f[12]),
    startTicks: Number(f[19]),
    // Kernel threads and zombies have no VmRSS line: they hold no user memory.
    rssBytes: rssKb === undefined ? 0 : Number(rssKb) * 1024,
    name,
    cmdline: cmdline.split('\0').filter(Boolean).join(' '),
  };
}

/** The host's boot time (btime of /proc/stat), in ms since the epoch. */
export async function bootTimeMs(): Promise<number> {
  const text = await readFile('/proc/stat', 'utf8');
  return Number(/^btime (\d+)$/m.exec(text)?.[1] ?? 0) * 1000;
}

export const ticksToMs = (ticks: number): number => (ticks * 1000) / TICKS;

/**
 * CPU % of one CPU between two samples of the same process; with no earlier sample, its
 * lifetime average (from its start to now).
 */
export function cpuPercent(
  now: { cpuTicks: number; atMs: number },
  before: { cpuTicks: number; atMs: number } | undefined,
  startedAtMs: number,
): number {
  const from = before ?? { cpuTicks: 0, atMs: startedAtMs };
  const spanMs = now.atMs - from.atMs;
  if (spanMs <= 0) return 0;
  return Math.round((ticksToMs(now.cpuTicks - from.cpuTicks) / spanMs) * 1000) / 10;
}
