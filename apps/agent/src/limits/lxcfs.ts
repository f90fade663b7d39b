import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { pathExists } from '../host/files.js';
import { findProcesses } from '../host/proc.js';
import type { Log } from '../log.js';
import { HOST_PATH, exec } from '../run.js';

/**
 * Where lxcfs is mounted: the place Debian's lxcfs package looks, whose LXC hook
 * (common.conf.d/00-lxcfs.conf) bind-mounts its files over each container's /proc/meminfo,
 * cpuinfo, uptime… and /sys/devices/system/cpu at start.
 */
export const LXCFS_DIR = '/var/lib/lxcfs';
const CHECK_EVERY_MS = 5000;

export interface LxcfsStatus {
  running: boolean;
  reason: string | null;
}

let lastStatus: LxcfsStatus = { running: false, reason: 'the agent has not checked yet' };
/** What the supervisor last found, for the host facts. */
export const lxcfsStatus = (): LxcfsStatus => lastStatus;

const isLxcfs = (argv: string[]) => (argv[0] ?? '').endsWith('lxcfs') && argv.includes(LXCFS_DIR);

/** Whether lxcfs's FUSE filesystem is mounted at LXCFS_DIR, from the mount table. */
async function mounted(): Promise<boolean> {
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return text.split('\n').some((line) => {
    const [left, right] = line.split(' - ');
    return left?.split(' ')[4] === LXCFS_DIR && (right ?? '').startsWith('fuse.lxcfs');
  });
}

/**
 * Keeps one lxcfs running for the host. It is a host service, not the agent's child: it is
 * started in its own session and outlives the agent (containers hold bind mounts into it, and
 * killing it would leave their /proc files dead), so an agent restart adopts the one running,
 * as does an agent of the test suite. When it dies, its dead mount is let go and it is started
 * again; without FUSE or the binary the agent carries on and the host facts say why.
 */
export class Lxcfs {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly log: Log) {}

  private set status(s: LxcfsStatus) {
    lastStatus = s;
  }

  async start(): Promise<void> {
    await this.checkSafely();
    this.timer = setInterval(() => void this.checkSafely(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** lxcfs only makes /proc truthful inside containers: its failure must never stop the agent. */
  private async checkSafely(): Promise<void> {
    try {
      await this.check();
    } catch (err) {
      const reason = `lxcfs could not be started: ${(err as Error).message}`;
      this.status = { running: false, reason };
      this.log.warn({ err: (err as Error).message }, 'lxcfs check failed');
    }
  }

  private async check(): Promise<void> {
    const [isMounted, pids] = await Promise.all([mounted(), findProcesses(isLxcfs)]);
    if (isMounted && pids.length > 0) {
      this.status = { running: true, reason: null };
      return;
    }
    if (!(await pathExists('/dev/fuse'))) {
      this.status = {
        running: false,
        reason: 'FUSE is missing (/dev/fuse): containers see the host in /proc',
      };
      return;
    }
    const binary = (await exec('which', ['lxcfs'])).stdout.trim();
    if (!binary) {
      this.status = { running: false, reason: 'lxcfs is not installed (Debian package lxcfs)' };
      return;
    }
    // A mount whose process died (killed with its session, say) answers ENOTCONN to every
    // call, mkdir included: detach it before mounting afresh. util-linux's umount, because
    // fusermount comes with the fuse packages, which lxcfs does not pull in.
    if (isMounted) {
      const res = await exec('umount', ['-l', LXCFS_DIR]);
      if (res.code !== 0) throw new Error(`umount -l ${LXCFS_DIR}: ${res.stderr.trim()}`);
    }
    await mkdir(LXCFS_DIR, { recursive: true });
    const child = spawn(binary, [LXCFS_DIR], {
      detached: true,
      stdio: 'ignore',
      env: { PATH: HOST_PATH },
    });
    child.unref();
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !(await mounted())) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.status = (await mounted())
      ? { running: true, reason: null }
      : { running: false, reason: `lxcfs did not mount ${LXCFS_DIR} (exit ${child.exitCode})` };
    this.log.info({ pid: child.pid, ...this.status }, 'started lxcfs');
  }
}
