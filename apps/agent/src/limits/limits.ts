import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { Limits, LimitHost } from '@berth/contracts';
import { AppError, ErrorCode, validateLimits } from '@berth/contracts';
import { detectCgroup, type CgroupInfo } from './cgroup.js';
import { allCpus, cpusetOf } from './keys.js';

/** What limits are checked against: this host's CPUs, memory and cgroup controllers. */
export async function limitHost(): Promise<LimitHost & { cgroup: CgroupInfo }> {
  return { cpus: os.cpus().length, memoryBytes: os.totalmem(), cgroup: await detectCgroup() };
}

/**
 * Refuses limits that cannot hold here: a 400 naming each field (under `prefix`), the valid
 * range and the fix. Called before anything is written, so a refusal changes nothing.
 */
export async function assertValidLimits(
  limits: Limits,
  kind: 'ct' | 'vm',
  prefix = 'limits',
): Promise<void> {
  const problems = validateLimits(limits, kind, await limitHost());
  if (problems.length === 0) return;
  const issues = problems.map((p) => ({
    path: `${prefix}.${p.path}`,
    message: `${p.message}; ${p.fix}`,
  }));
  throw new AppError(
    ErrorCode.validation,
    issues.map((i) => `${i.path}: ${i.message}`).join('; '),
    issues,
  );
}

/**
 * What reading a container's cgroups back should give when `configured` holds: a cpuset is
 * the affinity cut to cpu.count (none when it is every CPU), and a memory limit without swap
 * is a limit with no swap at all when the kernel accounts swap.
 */
export function expectedContainerLimits(
  configured: Limits,
  cgroup: CgroupInfo,
  hostCpus: number,
): Limits {
  const cpu = { ...configured.cpu };
  delete cpu.affinity;
  delete cpu.count;
  const cpuset = cpusetOf(configured, hostCpus);
  if (cpuset !== null && cpuset !== allCpus(hostCpus) && cpuset.split(',').length < hostCpus) {
    cpu.affinity = cpuset;
    cpu.count = cpuset.split(',').length;
  }
  const memory = { ...configured.memory };
  if (memory.limitMiB !== undefined && cgroup.swapAccounting) memory.swapMiB ??= 0;
  return { ...configured, cpu, memory };
}

/** The fields read back from a container's cgroups on this host. */
export function containerReadable(
  cgroup: CgroupInfo,
  hasDevice: boolean,
  shapingRead: boolean,
): Set<string> {
  const has = (c: string) => cgroup.controllers.includes(c);
  const out = new Set<string>();
  if (has('cpu')) ['cpu.weight', 'cpu.cap'].forEach((p) => out.add(p));
  if (has('cpuset')) ['cpu.affinity', 'cpu.count'].forEach((p) => out.add(p));
  if (has('memory')) out.add('memory.limitMiB');
  if (has('memory') && cgroup.swapAccounting) out.add('memory.swapMiB');
  if (has('pids')) out.add('processes');
  if (has('blkio.weight')) out.add('disk.weight');
  if (has('blkio') && hasDevice) {
    ['disk.readBps', 'disk.writeBps', 'disk.readIops', 'disk.writeIops'].forEach((p) => out.add(p));
  }
  if (shapingRead) ['network.ingressKbps', 'network.egressKbps'].forEach((p) => out.add(p));
  return out;
}

/** major:minor of a block device (/dev/loop3 → "7:3"), from sysfs. */
export async function deviceNumber(dev: string): Promise<string | null> {
  const name = dev.replace(/^\/dev\//, '');
  const text = await readFile(`/sys/class/block/${name}/dev`, 'utf8').catch(() => null);
  return text?.trim() || null;
}
